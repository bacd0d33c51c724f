//! What a use case answers when it refuses: one vocabulary, mapped to HTTP in one place (the
//! `http` crate) and usable as it is by the CLI or a scheduled job.

use ecops_persistence::StoreError;

pub type AppResult<T> = Result<T, AppError>;

/// Why a use case did not happen. Every variant but [`AppError::Store`] is the caller's to fix;
/// `Store` is ours (logged, never shown).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The subject does not exist, or is not the caller's to see.
    #[error("{0}")]
    NotFound(String),
    /// One field of the input is refused, with why.
    #[error("`{field}` {message}")]
    Invalid { field: String, message: String },
    /// A business rule refuses the change as a whole.
    #[error("{detail}")]
    Rule { code: &'static str, detail: String },
    /// A business rule refuses the change because of fields: `(field, message)`.
    #[error("{detail}")]
    RuleOn {
        code: &'static str,
        detail: String,
        errors: Vec<(String, String)>,
    },
    /// The subject's state forbids it now (decided, closed, taken meanwhile).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The caller may not do this.
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    /// The caller could not be authenticated (bad credentials, a spent refresh token).
    #[error("{detail}")]
    Unauthenticated { code: &'static str, detail: String },
    /// The caller's version of the subject is stale.
    #[error("{0}")]
    Stale(String),
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
    /// Something of ours failed (never shown to the caller).
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn rule(code: &'static str, detail: impl Into<String>) -> Self {
        AppError::Rule {
            code,
            detail: detail.into(),
        }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        AppError::NotFound(detail.into())
    }

    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        AppError::Forbidden {
            code,
            detail: detail.into(),
        }
    }
}

/// Refuses a change made against a version of the subject other than the current one (the
/// caller's `If-Match`; `None`: no condition).
pub fn check_version(current: i64, expected: Option<i64>) -> AppResult<()> {
    match expected {
        Some(v) if v != current => Err(AppError::Stale(format!(
            "the resource is at version {current}, not {v}; read it again"
        ))),
        _ => Ok(()),
    }
}

impl From<StoreError> for AppError {
    /// Refusals the repositories still phrase themselves keep their meaning; the rest is storage.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound("no such resource".to_owned()),
            e @ StoreError::Shortage { .. } => AppError::rule("insufficient_stock", e.to_string()),
            other => AppError::Store(other),
        }
    }
}

impl From<serde_json::Error> for AppError {
    /// Our own JSON failing to (de)serialize is a fault of ours.
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(format!("JSON: {e}"))
    }
}

/// Maps a taken unique key to the use case's own refusal; any other storage error stays one.
pub(crate) fn unique_as(refusal: impl FnOnce() -> AppError) -> impl FnOnce(StoreError) -> AppError {
    move |e| match e {
        StoreError::Unique(_) => refusal(),
        other => AppError::from(other),
    }
}
