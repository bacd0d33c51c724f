//! Storage errors, classified by kind (never by constraint name: SQLite has none).

use diesel::result::{DatabaseErrorKind, Error as DieselError};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("foreign key violated: {0}")]
    ForeignKey(String),
    /// A concurrent transaction won; retrying may succeed.
    #[error("concurrent update conflict: {0}")]
    Serialization(String),
    #[error("database error: {0}")]
    Database(#[source] DieselError),
    #[error("connection pool error: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("migration error: {0}")]
    Migration(String),
    #[error("invalid stored data: {0}")]
    Corrupt(String),
    /// A business rule refuses the operation (422).
    #[error("{detail}")]
    Rule { code: &'static str, detail: String },
    /// The subject is in a state that forbids the operation (409).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The caller's `If-Match` version is stale (412).
    #[error("{0}")]
    Stale(String),
    /// A field of the request is refused after a look at the stored data (422 with the field).
    #[error("`{field}` {message}")]
    Invalid { field: String, message: String },
    /// The caller may not do this (403).
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
}

impl StoreError {
    pub fn rule(code: &'static str, detail: impl Into<String>) -> Self {
        StoreError::Rule {
            code,
            detail: detail.into(),
        }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        StoreError::Conflict {
            code,
            detail: detail.into(),
        }
    }
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        StoreError::Forbidden {
            code,
            detail: detail.into(),
        }
    }
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(kind, info) => {
                let msg = info.message().to_owned();
                match kind {
                    DatabaseErrorKind::UniqueViolation => StoreError::Unique(msg),
                    DatabaseErrorKind::ForeignKeyViolation => StoreError::ForeignKey(msg),
                    DatabaseErrorKind::SerializationFailure => StoreError::Serialization(msg),
                    // SQLite reports a busy database as an unclassified error.
                    _ if msg.contains("database is locked") || msg.contains("busy") => {
                        StoreError::Serialization(msg)
                    }
                    _ => StoreError::Database(DieselError::DatabaseError(kind, info)),
                }
            }
            other => StoreError::Database(other),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Corrupt(err.to_string())
    }
}

impl From<ecops_domain::access::UnknownKey> for StoreError {
    fn from(err: ecops_domain::access::UnknownKey) -> Self {
        StoreError::Corrupt(err.to_string())
    }
}
