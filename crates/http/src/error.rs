//! One error vocabulary for the whole API and its single mapping to RFC 9457 problem documents.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use ecops_api_types::{FieldError, Problem};
use ecops_persistence::StoreError;
use std::fmt;

pub type ApiResult<T> = Result<T, ApiError>;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every error a handler can return. Each maps to one status and a stable `code`.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, wrong types, bad query or path).
    BadRequest {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// 401: no credentials, or bad ones.
    Unauthorized { code: &'static str, detail: String },
    /// 403: authenticated, but not allowed.
    Forbidden { code: &'static str, detail: String },
    /// 404: does not exist or is not yours to see.
    NotFound { detail: String },
    /// 405 with the methods the resource has.
    MethodNotAllowed { allow: Vec<String> },
    /// 409: the resource is in a state that forbids this.
    Conflict { code: &'static str, detail: String },
    /// 412: `If-Match` names a version that is no longer current.
    PreconditionFailed { detail: String },
    /// 413.
    PayloadTooLarge { limit: usize },
    /// 415.
    UnsupportedMediaType { detail: String },
    /// 422: understood, but a rule refuses it.
    Unprocessable {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// 429 with the seconds to wait.
    TooManyRequests { retry_after_secs: u64 },
    /// 503: the database is unreachable or overloaded.
    Unavailable { detail: String },
    /// 500: a bug or an infrastructure fault; the cause goes to the log only.
    Internal(String),
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }
    pub fn bad_field(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::BadRequest {
            code,
            detail: format!("`{field}` {message}"),
            errors: vec![FieldError {
                field: field.to_owned(),
                message,
            }],
        }
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        ApiError::Unauthorized {
            code: "unauthorized",
            detail: detail.into(),
        }
    }
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Forbidden {
            code,
            detail: detail.into(),
        }
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        ApiError::NotFound {
            detail: detail.into(),
        }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            detail: detail.into(),
        }
    }
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Unprocessable {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Unprocessable {
            code: "validation_failed",
            detail: format!("`{field}` {message}"),
            errors: vec![FieldError {
                field: field.to_owned(),
                message,
            }],
        }
    }
    pub fn internal(cause: impl fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    fn parts(&self) -> (StatusCode, &'static str, String, &[FieldError]) {
        const NONE: &[FieldError] = &[];
        match self {
            ApiError::BadRequest {
                code,
                detail,
                errors,
            } => (StatusCode::BAD_REQUEST, code, detail.clone(), errors),
            ApiError::Unauthorized { code, detail } => {
                (StatusCode::UNAUTHORIZED, code, detail.clone(), NONE)
            }
            ApiError::Forbidden { code, detail } => {
                (StatusCode::FORBIDDEN, code, detail.clone(), NONE)
            }
            ApiError::NotFound { detail } => {
                (StatusCode::NOT_FOUND, "not_found", detail.clone(), NONE)
            }
            ApiError::MethodNotAllowed { allow } => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("this resource allows only {}", allow.join(", ")),
                NONE,
            ),
            ApiError::Conflict { code, detail } => {
                (StatusCode::CONFLICT, code, detail.clone(), NONE)
            }
            ApiError::PreconditionFailed { detail } => (
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                detail.clone(),
                NONE,
            ),
            ApiError::PayloadTooLarge { limit } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the request body exceeds the limit of {limit} bytes"),
                NONE,
            ),
            ApiError::UnsupportedMediaType { detail } => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                detail.clone(),
                NONE,
            ),
            ApiError::Unprocessable {
                code,
                detail,
                errors,
            } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                detail.clone(),
                errors,
            ),
            ApiError::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests; retry after {retry_after_secs} s"),
                NONE,
            ),
            ApiError::Unavailable { detail } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                detail.clone(),
                NONE,
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "the server failed to handle the request; it has been logged".to_owned(),
                NONE,
            ),
        }
    }

    /// The problem document of this error.
    pub fn problem(&self) -> Problem {
        let (status, code, detail, errors) = self.parts();
        problem(status, code, detail, errors.to_vec())
    }
}

/// Builds a problem document.
pub fn problem(status: StatusCode, code: &str, detail: String, errors: Vec<FieldError>) -> Problem {
    debug_assert!(
        ecops_api_types::ErrorCode::parse(code).is_some(),
        "the error code `{code}` is not in the registry (ecops_api_types::ErrorCode)"
    );
    Problem {
        type_: format!("https://ecops.dev/problems/{}", code.replace('_', "-")),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        code: code.to_owned(),
        errors,
    }
}

/// Serializes a problem as an `application/problem+json` response.
pub fn problem_response(p: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(p).unwrap_or_else(|_| "{}".to_owned());
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .body(body)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Internal(cause) => write!(f, "internal error: {cause}"),
            other => {
                let (status, code, detail, _) = other.parts();
                write!(f, "{} {code}: {detail}", status.as_u16())
            }
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = %cause, "request failed");
        }
        let mut resp = problem_response(&self.problem());
        let headers = resp.headers_mut();
        match self {
            ApiError::Unauthorized { .. } => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    headers.insert(header::RETRY_AFTER, v);
                }
            }
            ApiError::MethodNotAllowed { allow } => {
                if let Ok(v) = HeaderValue::from_str(&allow.join(", ")) {
                    headers.insert(header::ALLOW, v);
                }
            }
            _ => {}
        }
        resp
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::not_found("no such resource"),
            StoreError::Unique(_) => ApiError::conflict(
                "already_exists",
                "a resource with these unique values already exists",
            ),
            StoreError::ForeignKey(_) => ApiError::unprocessable(
                "unknown_reference",
                "the request refers to something that does not exist",
            ),
            StoreError::Serialization(_) => ApiError::conflict(
                "concurrent_update",
                "a concurrent change won; read the resource again and retry",
            ),
            e @ StoreError::Shortage { .. } => ApiError::from(ecops_app::AppError::from(e)),
            StoreError::Pool(e) => ApiError::Unavailable {
                detail: format!("database unavailable: {e}"),
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<ecops_app::AppError> for ApiError {
    /// The one mapping of use-case refusals to HTTP.
    fn from(err: ecops_app::AppError) -> Self {
        use ecops_app::AppError as E;
        match err {
            E::NotFound(detail) => ApiError::not_found(detail),
            E::Invalid { field, message } => ApiError::invalid_field(&field, message),
            E::Rule { code, detail } => ApiError::unprocessable(code, detail),
            E::RuleOn {
                code,
                detail,
                errors,
            } => ApiError::Unprocessable {
                code,
                detail,
                errors: errors
                    .into_iter()
                    .map(|(field, message)| FieldError { field, message })
                    .collect(),
            },
            E::Conflict { code, detail } => ApiError::conflict(code, detail),
            E::Forbidden { code, detail } => ApiError::forbidden(code, detail),
            E::Stale(detail) => ApiError::PreconditionFailed { detail },
            E::Unauthenticated { code, detail } => ApiError::Unauthorized { code, detail },
            E::Store(e) => ApiError::from(e),
            E::Internal(detail) => ApiError::Internal(detail),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(err.to_string())
    }
}

/// Turns `validator` errors into the `errors` list of a 422.
pub fn validation_problem(errs: &validator::ValidationErrors) -> ApiError {
    let mut errors = Vec::new();
    collect(errs, "", &mut errors);
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    let detail = errors
        .iter()
        .map(|e| format!("`{}` {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    ApiError::Unprocessable {
        code: "validation_failed",
        detail,
        errors,
    }
}

fn collect(errs: &validator::ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errs.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    out.push(FieldError {
                        field: path.clone(),
                        message: describe(e),
                    });
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect(inner, &format!("{path}.{i}"), out);
                }
            }
        }
    }
}

fn describe(e: &validator::ValidationError) -> String {
    if let Some(msg) = &e.message {
        return msg.to_string();
    }
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must have a length between {min} and {max}"),
            (Some(min), None) => format!("must have a length of at least {min}"),
            (None, Some(max)) => format!("must have a length of at most {max}"),
            _ => "has an invalid length".to_owned(),
        },
        "range" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "is out of range".to_owned(),
        },
        other => format!("is invalid ({other})"),
    }
}

#[cfg(test)]
mod registry_tests {
    use ecops_api_types::ErrorCode;

    /// Every code the server's sources hand to an error constructor is in the registry: a new code
    /// must be registered (and so appears in the OpenAPI document) before it can be used.
    #[test]
    fn every_error_code_used_in_the_sources_is_registered() {
        let constructor = regex::Regex::new(
            r#"(?s)(?:forbidden|conflict|unprocessable|rule|bad_field|bad_request|problem)\(\s*(?:StatusCode::[A-Z_]+,\s*)?"([a-z_]+)""#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let field = regex::Regex::new(r#"code:\s*"([a-z_]+)""#).unwrap_or_else(|e| panic!("{e}"));
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = vec![crates];
        let mut used = std::collections::BTreeSet::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path)
                    .unwrap_or_else(|e| panic!("{e}"))
                    .flatten()
                {
                    files.push(entry.path());
                }
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for re in [&constructor, &field] {
                    for c in re.captures_iter(&text) {
                        used.insert((c[1].to_owned(), path.display().to_string()));
                    }
                }
            }
        }
        assert!(used.len() > 50, "the scan found too few codes: {used:?}");
        let missing: Vec<_> = used
            .iter()
            .filter(|(code, _)| ErrorCode::parse(code).is_none())
            .collect();
        assert!(missing.is_empty(), "codes not in the registry: {missing:?}");
    }
}
