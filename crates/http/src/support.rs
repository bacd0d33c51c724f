//! Small helpers every handler family uses: pagination cursors, ETags, request metadata and audit
//! entries.

use crate::auth::identity::{client_addr, Identity};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ecops_persistence::repo::audit::{NewEntry, Outcome};
use std::future::{ready, Ready};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// Checks `?limit=` (1..=200, default 50).
pub fn page_limit(limit: Option<i64>) -> ApiResult<i64> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_field(
            "invalid_limit",
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// Opaque list cursors: the sort key of the last item of the previous page, authenticated with an
/// HMAC under a key derived from the server's signing secret (shared by every node), so an edited
/// cursor is refused as `invalid_cursor` instead of silently moving the page.
#[derive(Clone)]
pub struct Cursors {
    /// HMAC-SHA256 key, zero-padded to the hash's block size as HMAC itself would pad it.
    key: [u8; 64],
}

impl std::fmt::Debug for Cursors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cursors([redacted])")
    }
}

type CursorMac = hmac::Hmac<sha2::Sha256>;

/// Bytes of the tag kept in a cursor: 128 bits are far beyond guessing.
const CURSOR_TAG_BYTES: usize = 16;

impl Cursors {
    /// Derives the cursor key from the server's secret (never the secret itself).
    pub fn new(secret: &[u8]) -> Cursors {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"ecops list cursors v1\0");
        h.update(secret);
        let mut key = [0u8; 64];
        key[..32].copy_from_slice(&h.finalize());
        Cursors { key }
    }

    fn mac(&self, payload: &[u8]) -> CursorMac {
        use hmac::digest::KeyInit;
        use hmac::Mac;
        let mut mac = <CursorMac as KeyInit>::new(&self.key.into());
        mac.update(payload);
        mac
    }

    /// Wraps a sort key into a cursor.
    pub fn encode(&self, key: &str) -> String {
        use hmac::Mac;
        let tag = self.mac(key.as_bytes()).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(key),
            URL_SAFE_NO_PAD.encode(&tag[..CURSOR_TAG_BYTES])
        )
    }

    /// Reads a cursor made by [`Cursors::encode`]; anything else, or an edited one, is a 400.
    pub fn decode(&self, cursor: Option<&str>) -> ApiResult<Option<String>> {
        use hmac::Mac;
        let Some(cursor) = cursor else {
            return Ok(None);
        };
        let bad = || {
            ApiError::bad_field(
                "invalid_cursor",
                "cursor",
                "is not a cursor this API issued",
            )
        };
        let (payload, tag) = cursor.split_once('.').ok_or_else(bad)?;
        let key = URL_SAFE_NO_PAD.decode(payload).map_err(|_| bad())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| bad())?;
        if tag.len() != CURSOR_TAG_BYTES {
            return Err(bad());
        }
        self.mac(&key)
            .verify_truncated_left(&tag)
            .map_err(|_| bad())?;
        let key = String::from_utf8(key).map_err(|_| bad())?;
        if key.is_empty() || key.len() > 200 {
            return Err(bad());
        }
        Ok(Some(key))
    }

    /// Splits a page fetched with `limit + 1` rows into items and the next cursor.
    pub fn paginate<T>(
        &self,
        mut rows: Vec<T>,
        limit: i64,
        key: impl Fn(&T) -> String,
    ) -> (Vec<T>, Option<String>) {
        let limit = usize::try_from(limit).unwrap_or(0);
        if rows.len() > limit {
            rows.truncate(limit);
            let next = rows.last().map(|r| self.encode(&key(r)));
            (rows, next)
        } else {
            (rows, None)
        }
    }
}

/// The ETag of a resource version.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// Reads `If-Match`: `None` when absent or `*`; the version it names otherwise. A value that is
/// no ETag of ours can never match, so it is a 412.
pub fn if_match(req: &HttpRequest) -> ApiResult<Option<i64>> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::bad_request("invalid_header", "If-Match is not ASCII"))?;
    let value = value.trim();
    if value == "*" {
        return Ok(None);
    }
    let tag = value.trim_start_matches("W/").trim_matches('"');
    tag.strip_prefix('v')
        .and_then(|v| v.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| ApiError::PreconditionFailed {
            detail: format!("If-Match {value} matches no version"),
        })
}

/// Refuses with 412 when `If-Match` named another version than `current`.
pub fn check_if_match(expected: Option<i64>, current: i64) -> ApiResult<()> {
    match expected {
        Some(v) if v != current => Err(ApiError::PreconditionFailed {
            detail: format!("the resource is at version {current}, not {v}; read it again"),
        }),
        _ => Ok(()),
    }
}

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
}

impl FromRequest for RequestMeta {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.config.trust_proxy_headers);
        let request_id = req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string());
        ready(Ok(RequestMeta {
            client_addr: client_addr(req, trust),
            request_id,
        }))
    }
}

impl RequestMeta {
    /// An audit entry for an action by `who`.
    pub fn audit(
        &self,
        who: &Identity,
        action: &str,
        subject: Option<(&str, String)>,
        outcome: Outcome,
        detail: serde_json::Value,
    ) -> NewEntry {
        NewEntry {
            actor_id: Some(who.user_id),
            actor_username: Some(who.username.clone()),
            action: action.to_owned(),
            subject_type: subject.as_ref().map(|(t, _)| (*t).to_owned()),
            subject_id: subject.map(|(_, id)| id),
            client_addr: self.client_addr.clone(),
            outcome,
            detail,
            request_id: self.request_id.clone(),
            on_behalf_of: None,
        }
    }

    /// An audit entry for an action whose actor is known only by name (e.g. a failed login).
    pub fn audit_anonymous(
        &self,
        username: Option<&str>,
        action: &str,
        outcome: Outcome,
        detail: serde_json::Value,
    ) -> NewEntry {
        NewEntry {
            actor_id: None,
            actor_username: username.map(|u| u.chars().take(64).collect()),
            action: action.to_owned(),
            subject_type: None,
            subject_id: None,
            client_addr: self.client_addr.clone(),
            outcome,
            detail,
            request_id: self.request_id.clone(),
            on_behalf_of: None,
        }
    }
}

/// The acting person for the workflow engine, with the audit template of this request.
pub fn actor(who: &Identity, meta: &RequestMeta) -> ecops_app::approvals::Actor {
    let a = ecops_app::approvals::Actor::new(
        who.user_id,
        who.roles.clone(),
        who.level,
        meta.audit(who, "", None, Outcome::Success, serde_json::Value::Null),
    )
    .with_lent(who.lent.clone());
    // A check the handler made with lent roles: what the use case writes names the lender.
    if let Some(l) = who.relied_on.get() {
        a.rely_on(l, true);
    }
    a
}

/// A cell a spreadsheet program will not run as a formula: text starting with `=`, `+`, `@`, a
/// tab or a carriage return (or `-` when it is no number) gets a leading `'`. Cells can hold what
/// anyone typed (a username tried at the login), and the files are opened in Excel or WPS.
pub(crate) fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = match cell.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => cell.parse::<f64>().is_err(),
        _ => false,
    };
    if risky {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A CSV download: `rows` with the first as the header, named `{name}.csv`. `bom` starts the
/// file with a UTF-8 byte-order mark, which spreadsheet programs need to read Chinese names.
pub fn csv_response(
    name: &str,
    rows: Vec<Vec<String>>,
    bom: bool,
) -> ApiResult<actix_web::HttpResponse> {
    let start = if bom {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    let mut w = csv::Writer::from_writer(start);
    for r in rows {
        w.write_record(r.iter().map(|c| inert(c).into_owned()))
            .map_err(ApiError::internal)?;
    }
    let bytes = w.into_inner().map_err(ApiError::internal)?;
    Ok(actix_web::HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_run_as_formulas() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("+86 138"), "'+86 138");
        assert_eq!(inert("-cmd"), "'-cmd");
        assert_eq!(inert("-89000"), "-89000");
        assert_eq!(inert("王梅"), "王梅");
    }

    #[test]
    fn cursors_round_trip_and_garbage_or_edits_are_refused() {
        let cursors = Cursors::new(b"server-secret-server-secret-0123");
        let c = cursors.encode("alice");
        assert_eq!(
            cursors.decode(Some(&c)).ok().flatten(),
            Some("alice".into())
        );
        assert!(cursors.decode(Some("garbage!!")).is_err());
        assert!(cursors
            .decode(Some(&URL_SAFE_NO_PAD.encode("c1:x")))
            .is_err());
        // The same key with the tag of another key, or under another server's secret.
        let (_, tag) = c.split_once('.').unwrap_or_default();
        let edited = format!("{}.{tag}", URL_SAFE_NO_PAD.encode("bob"));
        assert!(cursors.decode(Some(&edited)).is_err());
        let other = Cursors::new(b"another-secret-another-secret-01");
        assert!(other.decode(Some(&c)).is_err());
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(page_limit(None).ok(), Some(50));
        assert!(page_limit(Some(0)).is_err());
        assert!(page_limit(Some(-1)).is_err());
        assert!(page_limit(Some(201)).is_err());
        assert_eq!(page_limit(Some(200)).ok(), Some(200));
    }
}
