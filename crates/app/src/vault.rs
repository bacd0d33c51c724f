//! The official-account vault (R-SEC-1): entries for the shop's official accounts, their
//! secrets sealed at rest, visible only to their custodians, every reveal audited, and a change
//! of a secret or of the custodians applied only with the general manager's approval.
//!
//! Sealing: XChaCha20-Poly1305 (RustCrypto) with a random 192-bit nonce per write and the entry's
//! id as associated data, so a sealed secret copied onto another entry does not open. The key
//! comes from configuration or a file in the data folder; each sealed value names the key that
//! sealed it (the first bytes of the key's SHA-256), so a wrong key is reported as such.

use crate::approvals::{self as engine, Actor};
use crate::error::{AppError, AppResult};
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{AeadCore, XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use ecops_domain::approval::{ApprovalKind, ApprovalState};
use ecops_domain::vault::{self as rules, AccountKind};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::audit::{self, AuditFilter, Outcome};
use ecops_persistence::repo::vault::{self as repo, Change, Entry, Sealed};
use ecops_persistence::AnyConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::str::FromStr;
use uuid::Uuid;

/// The subject type of vault entries in approvals and the audit log.
pub const SUBJECT: &str = "vault_entry";

/// The vault's key.
#[derive(Clone)]
pub struct VaultKey {
    cipher: XChaCha20Poly1305,
    /// Names the key in sealed values: hex of the first 8 bytes of its SHA-256.
    pub id: String,
}

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl VaultKey {
    /// A key from its 64 hex digits (32 bytes).
    pub fn from_hex(hex_key: &str) -> Result<VaultKey, String> {
        let bytes = hex::decode(hex_key.trim())
            .map_err(|_| "the vault key must be 64 hexadecimal digits".to_owned())?;
        if bytes.len() != 32 {
            return Err(format!(
                "the vault key must be 32 bytes (64 hexadecimal digits), not {}",
                bytes.len()
            ));
        }
        let id = hex::encode(&Sha256::digest(&bytes)[..8]);
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes).map_err(|e| e.to_string())?;
        Ok(VaultKey { cipher, id })
    }

    /// A new random key and its hex form (to be kept by the caller).
    pub fn generate() -> (VaultKey, String) {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        let text = hex::encode(key);
        let id = hex::encode(&Sha256::digest(key)[..8]);
        (
            VaultKey {
                cipher: XChaCha20Poly1305::new(&key),
                id,
            },
            text,
        )
    }

    /// Seals `secret` for the entry `entry` with a fresh nonce.
    fn seal(&self, entry: Uuid, secret: &str) -> AppResult<Sealed> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = entry.to_string();
        let cipher = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: secret.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| AppError::Internal("sealing a vault secret failed".into()))?;
        Ok(Sealed {
            key_id: self.id.clone(),
            nonce: nonce.to_vec(),
            cipher,
        })
    }

    /// Seals the secret of another record (a webhook subscription's signing key), bound to its
    /// id, as one line of text: key id, nonce and ciphertext.
    pub(crate) fn seal_text(&self, owner: Uuid, secret: &str) -> AppResult<String> {
        let s = self.seal(owner, secret)?;
        Ok(format!(
            "{}.{}.{}",
            s.key_id,
            hex::encode(s.nonce),
            hex::encode(s.cipher)
        ))
    }

    /// Opens what [`VaultKey::seal_text`] sealed for `owner`.
    pub(crate) fn open_text(&self, owner: Uuid, text: &str) -> AppResult<String> {
        let bad = || AppError::Internal(format!("the sealed secret of {owner} is malformed"));
        let mut parts = text.splitn(3, '.');
        let (Some(key_id), Some(nonce), Some(cipher)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let sealed = Sealed {
            key_id: key_id.to_owned(),
            nonce: hex::decode(nonce).map_err(|_| bad())?,
            cipher: hex::decode(cipher).map_err(|_| bad())?,
        };
        self.open(owner, &sealed)
    }

    /// Opens a secret sealed for `entry`.
    fn open(&self, entry: Uuid, sealed: &Sealed) -> AppResult<String> {
        if sealed.key_id != self.id {
            return Err(AppError::Internal(format!(
                "the vault entry {entry} is sealed with the key {}, and the configured key is {}",
                sealed.key_id, self.id
            )));
        }
        let nonce: [u8; 24] =
            sealed.nonce.as_slice().try_into().map_err(|_| {
                AppError::Internal(format!("the vault entry {entry} has a bad nonce"))
            })?;
        let aad = entry.to_string();
        let plain = self
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &sealed.cipher,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| {
                AppError::Internal(format!(
                    "the vault entry {entry} does not open: it was altered or sealed for another entry"
                ))
            })?;
        String::from_utf8(plain).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// An entry as its custodians see it: never the secret.
#[derive(Debug, Clone)]
pub struct EntryView {
    pub entry: Entry,
    pub custodian_roles: Vec<JobRole>,
    pub pending_change: Option<Change>,
}

fn roles_of(entry: &Entry) -> AppResult<Vec<JobRole>> {
    entry
        .custodian_roles
        .iter()
        .map(|r| JobRole::from_str(r).map_err(|_| AppError::Internal(format!("stored role `{r}`"))))
        .collect()
}

fn keeps(actor: &Actor, entry: &Entry) -> AppResult<bool> {
    Ok(rules::is_custodian(
        &roles_of(entry)?,
        &entry.custodian_users,
        actor.id,
        &actor.roles,
    ))
}

/// The entry if `actor` keeps it; otherwise "not found", so that its existence is not disclosed.
fn kept(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<Entry> {
    let missing = || AppError::not_found("no such vault entry");
    let entry = repo::get(conn, id).map_err(|e| match e {
        ecops_persistence::StoreError::NotFound => missing(),
        other => other.into(),
    })?;
    if !keeps(actor, &entry)? {
        return Err(missing());
    }
    Ok(entry)
}

fn view(conn: &mut AnyConnection, entry: Entry) -> AppResult<EntryView> {
    let pending_change = repo::changes_of(conn, entry.id)?
        .into_iter()
        .find(|c| c.state == "pending");
    Ok(EntryView {
        custodian_roles: roles_of(&entry)?,
        entry,
        pending_change,
    })
}

/// A new entry.
#[derive(Debug, Clone)]
pub struct NewEntryInput {
    pub name: String,
    pub kind: AccountKind,
    pub url: Option<String>,
    pub login: Option<String>,
    pub notes: String,
    pub secret: String,
    /// `None`: the default custodian roles.
    pub custodian_roles: Option<Vec<JobRole>>,
    pub custodian_users: Vec<Uuid>,
}

/// The same role or person named twice counts once (the first mention keeps its place).
fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn check_people(conn: &mut AnyConnection, users: &[Uuid]) -> AppResult<()> {
    for (i, u) in users.iter().enumerate() {
        match ecops_persistence::repo::users::get(conn, *u) {
            Ok(_) => {}
            Err(ecops_persistence::StoreError::NotFound) => {
                return Err(AppError::invalid(
                    format!("custodian_users[{i}]"),
                    "is not a user of this system",
                ))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Records a new official account. Its creator must hold one of the keeper roles and be one of
/// its custodians.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    key: &VaultKey,
    input: NewEntryInput,
    now: DateTime<Utc>,
) -> AppResult<EntryView> {
    actor.require(PermissionLevel::Operator, rules::KEEPERS)?;
    let roles = dedup(
        input
            .custodian_roles
            .clone()
            .unwrap_or_else(|| rules::DEFAULT_CUSTODIAN_ROLES.to_vec()),
    );
    let input = NewEntryInput {
        custodian_users: dedup(input.custodian_users),
        ..input
    };
    rules::check_custodians(&roles, &input.custodian_users)
        .map_err(|m| AppError::invalid("custodian_roles", m))?;
    let id = Uuid::now_v7();
    let entry = Entry {
        id,
        name: input.name,
        kind: input.kind.as_str().to_owned(),
        url: input.url,
        login: input.login,
        notes: input.notes,
        custodian_roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        custodian_users: input.custodian_users,
        secret: key.seal(id, &input.secret)?,
        version: 1,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
        secret_changed_at: now,
    };
    if !rules::is_custodian(&roles, &entry.custodian_users, actor.id, &actor.roles) {
        return Err(AppError::invalid(
            "custodian_roles",
            "would leave you outside the entry's custodians",
        ));
    }
    write_tx(conn, |conn| -> AppResult<()> {
        check_people(conn, &entry.custodian_users)?;
        repo::insert(conn, &entry).map_err(crate::error::unique_as(|| {
            AppError::conflict("duplicate_name", "an entry of that name exists")
        }))?;
        audit::append(
            conn,
            &actor.audit_entry(
                "vault.create",
                Some((SUBJECT, id.to_string())),
                Outcome::Success,
                json!({"name": entry.name, "kind": entry.kind,
                       "custodian_roles": entry.custodian_roles,
                       "custodian_users": entry.custodian_users}),
            ),
            now,
        )?;
        Ok(())
    })?;
    view(conn, entry)
}

/// The entries `actor` keeps, by name.
pub fn list(conn: &mut AnyConnection, actor: &Actor) -> AppResult<Vec<EntryView>> {
    let mut out = Vec::new();
    for entry in repo::list(conn)? {
        if keeps(actor, &entry)? {
            out.push(view(conn, entry)?);
        }
    }
    Ok(out)
}

/// One entry, for its custodians.
pub fn get(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<EntryView> {
    let entry = kept(conn, actor, id)?;
    view(conn, entry)
}

/// The descriptive fields a custodian may change directly (audited): name, address, login name
/// and notes. The secret and the custodians change only through [`propose_change`].
#[derive(Debug, Clone)]
pub struct DetailsInput {
    pub name: String,
    pub url: Option<String>,
    pub login: Option<String>,
    pub notes: String,
}

pub fn update_details(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    input: DetailsInput,
    now: DateTime<Utc>,
) -> AppResult<EntryView> {
    actor.require(PermissionLevel::Operator, &[])?;
    write_tx(conn, |conn| -> AppResult<()> {
        lock_subject(conn, SUBJECT, &id.to_string())?;
        let entry = kept(conn, actor, id)?;
        crate::error::check_version(entry.version, expected_version)?;
        let done = repo::update_details(
            conn,
            id,
            entry.version,
            repo::Details {
                name: &input.name,
                url: input.url.as_deref(),
                login: input.login.as_deref(),
                notes: &input.notes,
            },
            now,
        )
        .map_err(crate::error::unique_as(|| {
            AppError::conflict("duplicate_name", "an entry of that name exists")
        }))?;
        if !done {
            return Err(AppError::Stale(
                "the entry changed meanwhile; read it again".into(),
            ));
        }
        audit::append(
            conn,
            &actor.audit_entry(
                "vault.update",
                Some((SUBJECT, id.to_string())),
                Outcome::Success,
                json!({"from": {"name": entry.name, "url": entry.url, "login": entry.login},
                       "to": {"name": input.name, "url": input.url, "login": input.login}}),
            ),
            now,
        )?;
        Ok(())
    })?;
    get(conn, actor, id)
}

/// Reveals an entry's secret to one of its custodians, once, recording who, when, why and from
/// where (`vault.reveal`). Anyone else gets "not found".
pub fn reveal(
    conn: &mut AnyConnection,
    actor: &Actor,
    key: &VaultKey,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(AppError::invalid(
            "reason",
            "must say why (at least 4 characters)",
        ));
    }
    let entry = match kept(conn, actor, id) {
        Ok(e) => e,
        Err(refusal @ AppError::NotFound(_)) => {
            // Asking for a secret one does not keep is itself security-relevant (R-SEC-4).
            let entry = actor.audit_entry(
                "vault.reveal",
                Some((SUBJECT, id.to_string())),
                Outcome::Refused,
                json!({"reason": reason}),
            );
            write_tx(conn, |conn| audit::append(conn, &entry, now).map(|_| ()))?;
            return Err(refusal);
        }
        Err(other) => return Err(other),
    };
    write_tx(conn, |conn| {
        let secret = key.open(id, &entry.secret)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "vault.reveal",
                Some((SUBJECT, id.to_string())),
                Outcome::Success,
                json!({"reason": reason, "name": entry.name}),
            ),
            now,
        )?;
        Ok(secret)
    })
}

/// The reveals of an entry, newest first, for its custodians.
pub fn reveals(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    limit: i64,
) -> AppResult<Vec<audit::Entry>> {
    kept(conn, actor, id)?;
    Ok(audit::list(
        conn,
        &AuditFilter {
            action: Some("vault.reveal".to_owned()),
            subject_type: Some(SUBJECT.to_owned()),
            subject_id: Some(id.to_string()),
            ..AuditFilter::default()
        },
        None,
        limit,
    )?)
}

/// A proposed change of the secret and/or the custodians.
#[derive(Debug, Clone, Default)]
pub struct ChangeInput {
    pub secret: Option<String>,
    pub custodian_roles: Option<Vec<JobRole>>,
    pub custodian_users: Option<Vec<Uuid>>,
    pub reason: String,
}

/// What the approval request carries: never the secret, only that it changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeApproval {
    pub change_id: Uuid,
    pub secret_changes: bool,
    pub custodian_roles: Option<Vec<String>>,
    pub custodian_users: Option<Vec<Uuid>>,
}

/// Proposes a change of an entry's secret or custodians: an `official_account_change` request to
/// the general manager (R-APR-2). The proposed secret is sealed at once; nothing changes until
/// the approval, which applies it atomically with the decision. One pending change per entry.
pub fn propose_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    key: &VaultKey,
    id: Uuid,
    input: ChangeInput,
    now: DateTime<Utc>,
) -> AppResult<(Change, ApprovalRequest)> {
    actor.require(PermissionLevel::Operator, &[])?;
    if input.secret.is_none() && input.custodian_roles.is_none() && input.custodian_users.is_none()
    {
        return Err(AppError::invalid(
            "secret",
            "name a new secret or new custodians: there is nothing to change",
        ));
    }
    if input.reason.trim().is_empty() {
        return Err(AppError::invalid("reason", "must say why"));
    }
    let input = ChangeInput {
        custodian_roles: input.custodian_roles.map(dedup),
        custodian_users: input.custodian_users.map(dedup),
        ..input
    };
    write_tx(conn, |conn| {
        // A key rotation re-seals every pending secret; a proposal waits for it.
        lock_subject(conn, "vault", "key")?;
        lock_subject(conn, SUBJECT, &id.to_string())?;
        let entry = kept(conn, actor, id)?;
        let roles = match &input.custodian_roles {
            Some(r) => r.clone(),
            None => roles_of(&entry)?,
        };
        let users = input
            .custodian_users
            .clone()
            .unwrap_or_else(|| entry.custodian_users.clone());
        rules::check_custodians(&roles, &users)
            .map_err(|m| AppError::invalid("custodian_roles", m))?;
        if let Some(u) = &input.custodian_users {
            check_people(conn, u)?;
        }
        let change_id = Uuid::now_v7();
        let role_names = input
            .custodian_roles
            .as_ref()
            .map(|r| r.iter().map(|r| r.as_str().to_owned()).collect::<Vec<_>>());
        let payload = ChangeApproval {
            change_id,
            secret_changes: input.secret.is_some(),
            custodian_roles: role_names.clone(),
            custodian_users: input.custodian_users.clone(),
        };
        let req = engine::submit(
            conn,
            ApprovalKind::OfficialAccountChange,
            (SUBJECT, id.to_string()),
            actor,
            serde_json::to_value(&payload)?,
            input.reason.trim(),
            Some(entry.version),
            now,
        )?;
        let change = Change {
            id: change_id,
            entry_id: id,
            approval_request_id: req.id,
            secret: input
                .secret
                .as_deref()
                .map(|s| key.seal(id, s))
                .transpose()?,
            secret_proposed: input.secret.is_some(),
            custodian_roles: role_names,
            custodian_users: input.custodian_users.clone(),
            reason: input.reason.trim().to_owned(),
            state: "pending".to_owned(),
            proposed_by: actor.id,
            created_at: now,
            decided_at: None,
        };
        repo::insert_change(conn, &change).map_err(crate::error::unique_as(|| {
            AppError::conflict(
                "change_pending",
                "a change of this entry is waiting for approval already",
            )
        }))?;
        audit::append(
            conn,
            &actor.audit_entry(
                "vault.change_proposed",
                Some((SUBJECT, id.to_string())),
                Outcome::Success,
                json!({"change_id": change_id, "approval_request_id": req.id,
                       "secret_changes": change.secret.is_some(),
                       "custodian_roles": change.custodian_roles,
                       "custodian_users": change.custodian_users}),
            ),
            now,
        )?;
        Ok((change, req))
    })
}

/// The changes of an entry, newest first, for its custodians.
pub fn changes(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<Vec<Change>> {
    kept(conn, actor, id)?;
    Ok(repo::changes_of(conn, id)?)
}

/// The approval's effect (R-APR-4): the sealed secret and the custodians go onto the entry in the
/// decision's transaction. The sealed value was bound to the entry when proposed, so no key is
/// needed here.
pub fn on_approved(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    approver: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let p: ChangeApproval = serde_json::from_value(req.payload.clone())?;
    let change = repo::get_change(conn, p.change_id)?;
    lock_subject(conn, SUBJECT, &change.entry_id.to_string())?;
    if !repo::close_change(conn, change.id, "applied", now)? {
        return Err(AppError::rule(
            "subject_changed",
            "the change is no longer pending",
        ));
    }
    if let Some(secret) = &change.secret {
        repo::set_secret(conn, change.entry_id, secret, false, now)?;
    }
    if change.custodian_roles.is_some() || change.custodian_users.is_some() {
        let entry = repo::get(conn, change.entry_id)?;
        let roles = change
            .custodian_roles
            .clone()
            .unwrap_or(entry.custodian_roles);
        let users = change
            .custodian_users
            .clone()
            .unwrap_or(entry.custodian_users);
        repo::set_custodians(conn, change.entry_id, &roles, &users, now)?;
    }
    audit::append(
        conn,
        &audit::NewEntry {
            actor_id: Some(approver),
            actor_username: None,
            action: "vault.change_applied".to_owned(),
            subject_type: Some(SUBJECT.to_owned()),
            subject_id: Some(change.entry_id.to_string()),
            client_addr: None,
            outcome: Outcome::Success,
            detail: json!({"change_id": change.id, "approval_request_id": req.id,
                           "secret_changed": change.secret.is_some(),
                           "custodian_roles": change.custodian_roles,
                           "custodian_users": change.custodian_users}),
            request_id: None,
            on_behalf_of: None,
        },
        now,
    )?;
    Ok(())
}

/// A rejected or withdrawn change is closed and its sealed secret dropped.
pub fn on_closed(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    state: ApprovalState,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let p: ChangeApproval = serde_json::from_value(req.payload.clone())?;
    repo::close_change(conn, p.change_id, state.as_str(), now)?;
    Ok(())
}

/// Re-seals every secret (entries and pending changes) from `old` to `new` in one transaction:
/// either all are under the new key or none. Returns how many secrets were re-sealed.
pub fn rotate_key(
    conn: &mut AnyConnection,
    old: &VaultKey,
    new: &VaultKey,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    write_tx(conn, |conn| {
        lock_subject(conn, "vault", "key")?;
        let mut n = 0;
        for entry in repo::list(conn)? {
            if entry.secret.key_id == new.id {
                continue;
            }
            let secret = old.open(entry.id, &entry.secret)?;
            repo::set_secret(conn, entry.id, &new.seal(entry.id, &secret)?, true, now)?;
            n += 1;
        }
        for change in repo::pending_with_secret(conn)? {
            if let Some(sealed) = &change.secret {
                if sealed.key_id == new.id {
                    continue;
                }
                let secret = old.open(change.entry_id, sealed)?;
                repo::set_change_secret(conn, change.id, &new.seal(change.entry_id, &secret)?)?;
                n += 1;
            }
        }
        // Webhook signing secrets are sealed with the same key.
        for sub in ecops_persistence::repo::webhooks::list(conn)? {
            if sub.secret_sealed.starts_with(&format!("{}.", new.id)) {
                continue;
            }
            let secret = old.open_text(sub.id, &sub.secret_sealed)?;
            ecops_persistence::repo::webhooks::set_secret(
                conn,
                sub.id,
                &new.seal_text(sub.id, &secret)?,
            )?;
            n += 1;
        }
        audit::append(
            conn,
            &audit::NewEntry {
                actor_id: None,
                actor_username: Some("cli".to_owned()),
                action: "vault.key_rotated".to_owned(),
                subject_type: None,
                subject_id: None,
                client_addr: None,
                outcome: Outcome::Success,
                detail: json!({"from_key": old.id, "to_key": new.id, "secrets": n}),
                request_id: None,
                on_behalf_of: None,
            },
            now,
        )?;
        Ok(n)
    })
}

/// Whether `key` opens the vault: every sealed secret names the key that sealed it. A database
/// whose secrets name another key is refused at start-up, before a generated or mistyped key
/// could seal new secrets beside them.
pub fn check_key(conn: &mut AnyConnection, key: &VaultKey) -> AppResult<()> {
    let others: Vec<String> = repo::list(conn)?
        .into_iter()
        .map(|e| e.secret.key_id)
        .chain(
            repo::pending_with_secret(conn)?
                .into_iter()
                .filter_map(|c| c.secret.map(|s| s.key_id)),
        )
        .chain(
            ecops_persistence::repo::webhooks::list(conn)?
                .into_iter()
                .filter_map(|w| w.secret_sealed.split('.').next().map(str::to_owned)),
        )
        .filter(|k| *k != key.id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    Err(AppError::Internal(format!(
        "the vault's secrets are sealed with the key {}, and the configured key is {}: configure \
         the key this database was sealed with (ECOPS_VAULT_KEY, or the data folder's vault_key)",
        others.join(", "),
        key.id
    )))
}
