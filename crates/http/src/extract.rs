//! Request extractors that answer bad input with problem documents: JSON bodies (content type,
//! size, syntax, types, unknown fields, then `validator`), path and query parameters.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use ecops_api_types::FieldError;
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use validator::Validate;

/// A JSON body, parsed and validated. Errors name the offending field.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> ValidJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Whether the request declares a JSON body (`application/json` or any `+json`).
fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// Reads the whole body, refusing more than `limit` bytes.
pub async fn read_body(payload: &mut Payload, limit: usize) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| match e {
            actix_web::error::PayloadError::Overflow => ApiError::PayloadTooLarge { limit },
            other => ApiError::bad_request(
                "unreadable_body",
                format!("could not read the body: {other}"),
            ),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses JSON with the path of the first offending field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let message = inner.to_string();
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        let field = if path == "." {
            field_from_message(&message)
        } else {
            Some(path)
        };
        let (code, detail) = if inner.is_syntax() || inner.is_eof() {
            (
                "malformed_json",
                format!("the body is not valid JSON: {message}"),
            )
        } else {
            (
                "invalid_body",
                format!("the body does not match the schema: {message}"),
            )
        };
        ApiError::BadRequest {
            code,
            detail,
            errors: field
                .map(|field| vec![FieldError { field, message }])
                .unwrap_or_default(),
        }
    })
}

/// `missing field `x`` and `unknown field `x`` name their field only in the message.
fn field_from_message(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    (message.starts_with("missing field") || message.starts_with("unknown field"))
        .then(|| message[start..end].to_owned())
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.config.body_limit)
            .unwrap_or(1024 * 1024);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType {
                    detail: "send the body as application/json".to_owned(),
                });
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let body = read_body(&mut payload, limit).await?;
            let value: T = parse_json(&body)?;
            value
                .validate()
                .map_err(|e| crate::error::validation_problem(&e))?;
            Ok(ValidJson(value))
        })
    }
}

/// Maps actix's path extraction errors (e.g. an invalid UUID) to a 400 problem.
pub fn path_error(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    // A fixed route that shares a prefix with a `{param}` route (`/customers/statistics` next to
    // `/customers/{id}`) was reached with a method only the `{param}` route has: that is a 405 of
    // the fixed route, not a bad parameter.
    if let Some(table) = req.app_data::<actix_web::web::Data<crate::app::RouteTable>>() {
        if let Some((template, allow)) = table.best_match(req.path()) {
            if req.match_pattern().is_some_and(|p| p != template) {
                return ApiError::MethodNotAllowed {
                    allow: allow.iter().map(|m| m.to_string()).collect(),
                }
                .into();
            }
        }
    }
    ApiError::bad_request(
        "invalid_path_parameter",
        format!("a path parameter is invalid: {err}"),
    )
    .into()
}

/// Maps actix's query extraction errors to a 400 problem naming the parameter where it can.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    let message = err.to_string();
    let message = message
        .trim_start_matches("Query deserialize error: ")
        .to_owned();
    let errors = field_from_message(&message)
        .map(|field| {
            vec![FieldError {
                field,
                message: message.clone(),
            }]
        })
        .unwrap_or_default();
    ApiError::BadRequest {
        code: "invalid_query",
        detail: format!("the query string is invalid: {message}"),
        errors,
    }
    .into()
}

/// Maps actix's own JSON extractor errors (not used by our handlers, kept for completeness).
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::OverflowKnownLength { limit, .. } | E::Overflow { limit } => {
            ApiError::PayloadTooLarge { limit }.into()
        }
        E::ContentType => ApiError::UnsupportedMediaType {
            detail: "send the body as application/json".to_owned(),
        }
        .into(),
        other => ApiError::bad_request("malformed_json", other.to_string()).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "the fields exist to be parsed")]
    struct Sample {
        name: String,
        count: i64,
    }

    fn field_of(r: Result<Sample, ApiError>) -> Option<String> {
        match r {
            Err(ApiError::BadRequest { errors, .. }) => errors.first().map(|e| e.field.clone()),
            _ => None,
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(
            field_of(parse_json(br#"{"name":"a","count":"x"}"#)),
            Some("count".into())
        );
        assert_eq!(
            field_of(parse_json(br#"{"name":"a"}"#)),
            Some("count".into())
        );
        assert_eq!(
            field_of(parse_json(br#"{"name":"a","count":1,"extra":2}"#)),
            Some("extra".into())
        );
        assert!(matches!(
            parse_json::<Sample>(b"{oops"),
            Err(ApiError::BadRequest {
                code: "malformed_json",
                ..
            })
        ));
    }
}

/// Query parameters, parsed with the name of the offending parameter in the error.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

/// Parses a query string into `T`, naming the parameter that does not fit.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        let field = if path == "." {
            field_from_message(&message)
        } else {
            Some(path)
        };
        ApiError::BadRequest {
            code: "invalid_query",
            detail: format!("the query string is invalid: {message}"),
            errors: field
                .map(|field| vec![FieldError { field, message }])
                .unwrap_or_default(),
        }
    })
}

/// A bulk-import body (API.md: `text/csv` or `application/x-ndjson`).
#[derive(Debug)]
pub enum ImportBody {
    Csv(web::BytesMut),
    Ndjson(web::BytesMut),
}

impl ImportBody {
    pub fn bytes(&self) -> &[u8] {
        match self {
            ImportBody::Csv(b) | ImportBody::Ndjson(b) => b,
        }
    }
}

/// Whether an import body is CSV (`true`) or NDJSON (`false`); any other content type is a 415.
pub fn import_is_csv(req: &HttpRequest) -> Result<bool, ApiError> {
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match media.as_str() {
        "text/csv" => Ok(true),
        "application/x-ndjson" | "application/ndjson" | "application/jsonl" => Ok(false),
        _ => Err(ApiError::UnsupportedMediaType {
            detail: "send text/csv or application/x-ndjson".to_owned(),
        }),
    }
}

/// Reads an import body of at most `limit` bytes; any other content type is a 415.
pub async fn import_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<ImportBody, ApiError> {
    let csv = import_is_csv(req)?;
    let body = read_body(&mut payload.into_inner(), limit).await?;
    Ok(if csv {
        ImportBody::Csv(body)
    } else {
        ImportBody::Ndjson(body)
    })
}

/// Writes a body of at most `limit` bytes to an anonymous temporary file (removed when dropped)
/// and rewinds it, so a large import is read row by row instead of held in memory.
pub async fn spool_body(payload: web::Payload, limit: usize) -> Result<std::fs::File, ApiError> {
    use std::io::{Seek, Write};
    let spool_error = |e: std::io::Error| ApiError::Internal(format!("spooling an import: {e}"));
    let mut file = tempfile::tempfile().map_err(spool_error)?;
    let mut payload = payload.into_inner();
    let mut written = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| match e {
            actix_web::error::PayloadError::Overflow => ApiError::PayloadTooLarge { limit },
            other => ApiError::bad_request(
                "unreadable_body",
                format!("could not read the body: {other}"),
            ),
        })?;
        written += chunk.len();
        if written > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        // Page-cache writes of one network chunk: short enough for the event loop.
        file.write_all(&chunk).map_err(spool_error)?;
    }
    file.rewind().map_err(spool_error)?;
    Ok(file)
}
