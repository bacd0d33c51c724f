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
    /// A backup archive that cannot be read or restored: damaged, of an unknown format, made by a
    /// newer schema, or aimed at a database that is not empty.
    #[error("{0}")]
    Archive(String),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// A guarded stock update found less than it was to take.
    #[error("{sku} has {stock} in stock; {wanted} cannot be taken")]
    Shortage {
        sku: String,
        stock: i64,
        wanted: i64,
    },
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
