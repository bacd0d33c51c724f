//! The official-account vault (R-SEC-1): entries with their sealed secret, named custodians and
//! the changes waiting for approval. This module stores bytes; sealing and opening them is the
//! use cases' (`app::vault`), so nothing here ever sees a secret in the clear.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{vault_changes, vault_custodians, vault_entries};
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// A secret as stored: which key sealed it, the nonce and the ciphertext (with its tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub cipher: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub url: Option<String>,
    pub login: Option<String>,
    pub notes: String,
    /// Job roles (their stored names) whose holders are custodians.
    pub custodian_roles: Vec<String>,
    /// Named custodians.
    pub custodian_users: Vec<Uuid>,
    pub secret: Sealed,
    pub version: i64,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub secret_changed_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = vault_entries)]
struct Row {
    id: String,
    name: String,
    kind: String,
    url: Option<String>,
    login: Option<String>,
    notes: String,
    custodian_roles: String,
    key_id: String,
    secret_nonce: Vec<u8>,
    secret_cipher: Vec<u8>,
    version: i64,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    secret_changed_at: NaiveDateTime,
}

fn entry(conn: &mut AnyConnection, r: Row) -> StoreResult<Entry> {
    let users: Vec<String> = vault_custodians::table
        .filter(vault_custodians::entry_id.eq(&r.id))
        .select(vault_custodians::user_id)
        .order(vault_custodians::user_id)
        .load(conn)?;
    Ok(Entry {
        id: parse_uuid(&r.id)?,
        name: r.name,
        kind: r.kind,
        url: r.url,
        login: r.login,
        notes: r.notes,
        custodian_roles: serde_json::from_str(&r.custodian_roles)?,
        custodian_users: users
            .iter()
            .map(|u| parse_uuid(u))
            .collect::<StoreResult<_>>()?,
        secret: Sealed {
            key_id: r.key_id,
            nonce: r.secret_nonce,
            cipher: r.secret_cipher,
        },
        version: r.version,
        created_by: parse_uuid(&r.created_by)?,
        created_at: from_db(r.created_at),
        updated_at: from_db(r.updated_at),
        secret_changed_at: from_db(r.secret_changed_at),
    })
}

/// Every entry, by name.
pub fn list(conn: &mut AnyConnection) -> StoreResult<Vec<Entry>> {
    let rows: Vec<Row> = vault_entries::table
        .select(Row::as_select())
        .order(vault_entries::name)
        .load(conn)?;
    rows.into_iter().map(|r| entry(conn, r)).collect()
}

pub fn get(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Entry> {
    let r: Row = vault_entries::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)?;
    entry(conn, r)
}

/// A new entry, its secret already sealed with its id bound.
pub fn insert(conn: &mut AnyConnection, e: &Entry) -> StoreResult<()> {
    diesel::insert_into(vault_entries::table)
        .values((
            vault_entries::id.eq(e.id.to_string()),
            vault_entries::name.eq(&e.name),
            vault_entries::kind.eq(&e.kind),
            vault_entries::url.eq(&e.url),
            vault_entries::login.eq(&e.login),
            vault_entries::notes.eq(&e.notes),
            vault_entries::custodian_roles.eq(serde_json::to_string(&e.custodian_roles)?),
            vault_entries::key_id.eq(&e.secret.key_id),
            vault_entries::secret_nonce.eq(&e.secret.nonce),
            vault_entries::secret_cipher.eq(&e.secret.cipher),
            vault_entries::version.eq(e.version),
            vault_entries::created_by.eq(e.created_by.to_string()),
            vault_entries::created_at.eq(to_db(e.created_at)),
            vault_entries::updated_at.eq(to_db(e.updated_at)),
            vault_entries::secret_changed_at.eq(to_db(e.secret_changed_at)),
        ))
        .execute(conn)?;
    set_custodian_users(conn, e.id, &e.custodian_users)
}

fn set_custodian_users(conn: &mut AnyConnection, id: Uuid, users: &[Uuid]) -> StoreResult<()> {
    diesel::delete(vault_custodians::table.filter(vault_custodians::entry_id.eq(id.to_string())))
        .execute(conn)?;
    for u in users {
        diesel::insert_into(vault_custodians::table)
            .values((
                vault_custodians::entry_id.eq(id.to_string()),
                vault_custodians::user_id.eq(u.to_string()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// An entry's descriptive fields.
#[derive(Debug, Clone, Copy)]
pub struct Details<'a> {
    pub name: &'a str,
    pub url: Option<&'a str>,
    pub login: Option<&'a str>,
    pub notes: &'a str,
}

/// The descriptive fields, if the entry is still at `version`. False: it changed meanwhile.
pub fn update_details(
    conn: &mut AnyConnection,
    id: Uuid,
    version: i64,
    d: Details<'_>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let Details {
        name,
        url,
        login,
        notes,
    } = d;
    let n = diesel::update(
        vault_entries::table
            .filter(vault_entries::id.eq(id.to_string()))
            .filter(vault_entries::version.eq(version)),
    )
    .set((
        vault_entries::name.eq(name),
        vault_entries::url.eq(url),
        vault_entries::login.eq(login),
        vault_entries::notes.eq(notes),
        vault_entries::version.eq(version + 1),
        vault_entries::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Replaces the sealed secret (an approved change, or a key rotation when `rotation`: then the
/// version and the change time stay).
pub fn set_secret(
    conn: &mut AnyConnection,
    id: Uuid,
    secret: &Sealed,
    rotation: bool,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let target = vault_entries::table.filter(vault_entries::id.eq(id.to_string()));
    let sealed = (
        vault_entries::key_id.eq(&secret.key_id),
        vault_entries::secret_nonce.eq(&secret.nonce),
        vault_entries::secret_cipher.eq(&secret.cipher),
    );
    if rotation {
        diesel::update(target).set(sealed).execute(conn)?;
    } else {
        diesel::update(target)
            .set((
                sealed,
                vault_entries::version.eq(vault_entries::version + 1),
                vault_entries::updated_at.eq(to_db(now)),
                vault_entries::secret_changed_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces the custodians (an approved change).
pub fn set_custodians(
    conn: &mut AnyConnection,
    id: Uuid,
    roles: &[String],
    users: &[Uuid],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(vault_entries::table.filter(vault_entries::id.eq(id.to_string())))
        .set((
            vault_entries::custodian_roles.eq(serde_json::to_string(roles)?),
            vault_entries::version.eq(vault_entries::version + 1),
            vault_entries::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    set_custodian_users(conn, id, users)
}

/// A change waiting for the general manager.
#[derive(Debug, Clone)]
pub struct Change {
    pub id: Uuid,
    pub entry_id: Uuid,
    pub approval_request_id: Uuid,
    /// The proposed secret, sealed, while the change is pending.
    pub secret: Option<Sealed>,
    /// Whether the change proposed a new secret (kept after the sealed value is dropped).
    pub secret_proposed: bool,
    pub custodian_roles: Option<Vec<String>>,
    pub custodian_users: Option<Vec<Uuid>>,
    pub reason: String,
    pub state: String,
    pub proposed_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = vault_changes)]
struct ChangeRow {
    id: String,
    entry_id: String,
    approval_request_id: String,
    key_id: Option<String>,
    secret_nonce: Option<Vec<u8>>,
    secret_cipher: Option<Vec<u8>>,
    custodian_roles: Option<String>,
    custodian_users: Option<String>,
    reason: String,
    state: String,
    proposed_by: String,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
}

fn change(r: ChangeRow) -> StoreResult<Change> {
    let secret_proposed = r.key_id.is_some();
    let secret = match (r.key_id, r.secret_nonce, r.secret_cipher) {
        (Some(key_id), Some(nonce), Some(cipher)) => Some(Sealed {
            key_id,
            nonce,
            cipher,
        }),
        _ => None,
    };
    Ok(Change {
        id: parse_uuid(&r.id)?,
        entry_id: parse_uuid(&r.entry_id)?,
        approval_request_id: parse_uuid(&r.approval_request_id)?,
        secret,
        secret_proposed,
        custodian_roles: r
            .custodian_roles
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?,
        custodian_users: r
            .custodian_users
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?,
        reason: r.reason,
        state: r.state,
        proposed_by: parse_uuid(&r.proposed_by)?,
        created_at: from_db(r.created_at),
        decided_at: r.decided_at.map(from_db),
    })
}

pub fn insert_change(conn: &mut AnyConnection, c: &Change) -> StoreResult<()> {
    diesel::insert_into(vault_changes::table)
        .values((
            vault_changes::id.eq(c.id.to_string()),
            vault_changes::entry_id.eq(c.entry_id.to_string()),
            vault_changes::approval_request_id.eq(c.approval_request_id.to_string()),
            vault_changes::key_id.eq(c.secret.as_ref().map(|s| s.key_id.clone())),
            vault_changes::secret_nonce.eq(c.secret.as_ref().map(|s| s.nonce.clone())),
            vault_changes::secret_cipher.eq(c.secret.as_ref().map(|s| s.cipher.clone())),
            vault_changes::custodian_roles.eq(c
                .custodian_roles
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?),
            vault_changes::custodian_users.eq(c
                .custodian_users
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?),
            vault_changes::reason.eq(&c.reason),
            vault_changes::state.eq(&c.state),
            vault_changes::proposed_by.eq(c.proposed_by.to_string()),
            vault_changes::created_at.eq(to_db(c.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn get_change(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Change> {
    change(
        vault_changes::table
            .find(id.to_string())
            .select(ChangeRow::as_select())
            .first(conn)?,
    )
}

/// The changes of an entry, newest first.
pub fn changes_of(conn: &mut AnyConnection, entry: Uuid) -> StoreResult<Vec<Change>> {
    let rows: Vec<ChangeRow> = vault_changes::table
        .filter(vault_changes::entry_id.eq(entry.to_string()))
        .select(ChangeRow::as_select())
        .order(vault_changes::created_at.desc())
        .load(conn)?;
    rows.into_iter().map(change).collect()
}

/// Every change that still holds a sealed secret (pending ones), for a key rotation.
pub fn pending_with_secret(conn: &mut AnyConnection) -> StoreResult<Vec<Change>> {
    let rows: Vec<ChangeRow> = vault_changes::table
        .filter(vault_changes::state.eq("pending"))
        .filter(vault_changes::key_id.is_not_null())
        .select(ChangeRow::as_select())
        .load(conn)?;
    rows.into_iter().map(change).collect()
}

pub fn set_change_secret(conn: &mut AnyConnection, id: Uuid, s: &Sealed) -> StoreResult<()> {
    diesel::update(vault_changes::table.find(id.to_string()))
        .set((
            vault_changes::key_id.eq(Some(&s.key_id)),
            vault_changes::secret_nonce.eq(Some(&s.nonce)),
            vault_changes::secret_cipher.eq(Some(&s.cipher)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closes a pending change as `state`; false when it was not pending. A closed change keeps no
/// sealed secret (its `key_id` stays, as the mark that a secret was proposed).
pub fn close_change(
    conn: &mut AnyConnection,
    id: Uuid,
    state: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        vault_changes::table
            .filter(vault_changes::id.eq(id.to_string()))
            .filter(vault_changes::state.eq("pending")),
    )
    .set((
        vault_changes::state.eq(state),
        vault_changes::decided_at.eq(Some(to_db(now))),
        vault_changes::secret_nonce.eq(None::<Vec<u8>>),
        vault_changes::secret_cipher.eq(None::<Vec<u8>>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
