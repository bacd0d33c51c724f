//! Staff accounts, their job roles and password history.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{password_history, user_roles, users};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::{JobRole, PermissionLevel, StaffLevel};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    username: String,
    display_name: String,
    password_hash: String,
    password_changed_at: NaiveDateTime,
    permission_level: String,
    staff_level: String,
    monthly_wage_fen: Option<i64>,
    is_special: i32,
    deactivated_at: Option<NaiveDateTime>,
    failed_logins: i32,
    locked_until: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
    phone: Option<String>,
}

/// A stored account with its job roles.
#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub password_changed_at: DateTime<Utc>,
    pub permission_level: PermissionLevel,
    pub staff_level: StaffLevel,
    pub monthly_wage_fen: Option<i64>,
    pub is_special: bool,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub roles: Vec<JobRole>,
    /// A work phone number (the hotline needs to reach whoever is on duty).
    pub phone: Option<String>,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }

    fn from_row(row: UserRow, roles: Vec<JobRole>) -> StoreResult<User> {
        Ok(User {
            id: parse_uuid(&row.id)?,
            username: row.username,
            display_name: row.display_name,
            password_hash: row.password_hash,
            password_changed_at: from_db(row.password_changed_at),
            permission_level: row.permission_level.parse()?,
            staff_level: row.staff_level.parse()?,
            monthly_wage_fen: row.monthly_wage_fen,
            is_special: row.is_special != 0,
            deactivated_at: row.deactivated_at.map(from_db),
            failed_logins: row.failed_logins,
            locked_until: row.locked_until.map(from_db),
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
            version: row.version,
            roles,
            phone: row.phone,
        })
    }
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub permission_level: PermissionLevel,
    pub staff_level: StaffLevel,
    pub monthly_wage_fen: Option<i64>,
    pub is_special: bool,
    pub roles: Vec<JobRole>,
    pub phone: Option<String>,
}

/// Loads the roles of many users in one query.
fn roles_of(
    conn: &mut AnyConnection,
    ids: &[String],
) -> StoreResult<HashMap<String, Vec<JobRole>>> {
    let query = user_roles::table
        .select((user_roles::user_id, user_roles::role))
        .order((user_roles::user_id, user_roles::role));
    // One account (every authenticated request) is an equality: SQLite never caches a prepared
    // `IN (…)`, whose number of parameters varies.
    let rows: Vec<(String, String)> = match ids {
        [] => Vec::new(),
        [one] => query.filter(user_roles::user_id.eq(one)).load(conn)?,
        many => query.filter(user_roles::user_id.eq_any(many)).load(conn)?,
    };
    let mut map: HashMap<String, Vec<JobRole>> = HashMap::new();
    for (uid, role) in rows {
        map.entry(uid).or_default().push(role.parse()?);
    }
    for roles in map.values_mut() {
        roles.sort();
    }
    Ok(map)
}

fn attach_roles(conn: &mut AnyConnection, rows: Vec<UserRow>) -> StoreResult<Vec<User>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut roles = roles_of(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let r = roles.remove(&row.id).unwrap_or_default();
            User::from_row(row, r)
        })
        .collect()
}

/// Inserts an account with its roles and first password-history entry (call inside a transaction).
pub fn insert(
    conn: &mut AnyConnection,
    new: &NewUser,
    granted_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let id = new.id.to_string();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::username.eq(&new.username),
            users::display_name.eq(&new.display_name),
            users::password_hash.eq(&new.password_hash),
            users::password_changed_at.eq(to_db(now)),
            users::permission_level.eq(new.permission_level.as_str()),
            users::staff_level.eq(new.staff_level.as_str()),
            users::monthly_wage_fen.eq(new.monthly_wage_fen),
            users::is_special.eq(i32::from(new.is_special)),
            users::failed_logins.eq(0),
            users::created_at.eq(to_db(now)),
            users::updated_at.eq(to_db(now)),
            users::version.eq(1_i64),
            users::phone.eq(&new.phone),
        ))
        .execute(conn)?;
    insert_roles(conn, &id, &new.roles, granted_by, now)?;
    push_password_history(conn, new.id, &new.password_hash, now)?;
    Ok(())
}

fn insert_roles(
    conn: &mut AnyConnection,
    user_id: &str,
    roles: &[JobRole],
    granted_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let by = granted_by.map(|u| u.to_string());
    // One statement per role: the multi-backend connection has no batch insert (at most ten rows).
    for r in roles {
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(user_id),
                user_roles::role.eq(r.as_str()),
                user_roles::granted_at.eq(to_db(now)),
                user_roles::granted_by.eq(by.clone()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn count(conn: &mut AnyConnection) -> StoreResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn find_by_username(conn: &mut AnyConnection, username: &str) -> StoreResult<Option<User>> {
    let row: Option<UserRow> = users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    Ok(attach_roles(conn, row.into_iter().collect())?.pop())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<User>> {
    let row: Option<UserRow> = users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    Ok(attach_roles(conn, row.into_iter().collect())?.pop())
}

/// The account behind an access token: the user, provided its session `session_id` is theirs and
/// not revoked. Two statements (the user with the session check, then the roles): this runs on
/// every authenticated request.
pub fn by_live_session(
    conn: &mut AnyConnection,
    session_id: Uuid,
    user_id: Uuid,
) -> StoreResult<Option<User>> {
    use crate::schema::sessions;
    let live = sessions::table
        .filter(sessions::id.eq(session_id.to_string()))
        .filter(sessions::user_id.eq(user_id.to_string()))
        .filter(sessions::revoked_at.is_null());
    let row: Option<UserRow> = users::table
        .filter(users::id.eq(user_id.to_string()))
        .filter(diesel::dsl::exists(live))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    Ok(attach_roles(conn, row.into_iter().collect())?.pop())
}

/// Display names of the given accounts (one statement, whatever their number).
pub fn display_names(conn: &mut AnyConnection, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, String>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(keys))
        .select((users::id, users::display_name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name)| Ok((parse_uuid(&id)?, name)))
        .collect()
}

pub fn get(conn: &mut AnyConnection, id: Uuid) -> StoreResult<User> {
    find(conn, id)?.ok_or(StoreError::NotFound)
}

/// Filters of the user list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub active: Option<bool>,
    pub role: Option<JobRole>,
}

/// One page of users ordered by username, after the username `after`.
pub fn list(
    conn: &mut AnyConnection,
    filter: &UserFilter,
    after: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<User>> {
    let mut query = users::table.select(UserRow::as_select()).into_boxed();
    if let Some(after) = after {
        query = query.filter(users::username.gt(after.to_owned()));
    }
    match filter.active {
        Some(true) => query = query.filter(users::deactivated_at.is_null()),
        Some(false) => query = query.filter(users::deactivated_at.is_not_null()),
        None => {}
    }
    if let Some(role) = filter.role {
        let holders = user_roles::table
            .filter(user_roles::role.eq(role.as_str()))
            .select(user_roles::user_id);
        query = query.filter(users::id.eq_any(holders));
    }
    let rows = query.order(users::username.asc()).limit(limit).load(conn)?;
    attach_roles(conn, rows)
}

/// Every active account above `viewer`, with its roles: the people who may decide requests.
pub fn active_operators(conn: &mut AnyConnection) -> StoreResult<Vec<User>> {
    let rows = users::table
        .select(UserRow::as_select())
        .filter(users::deactivated_at.is_null())
        .filter(users::permission_level.ne(PermissionLevel::Viewer.as_str()))
        .order(users::username.asc())
        .load(conn)?;
    attach_roles(conn, rows)
}

/// Records a failed login: the new failure count and, when locked, until when.
pub fn record_login_failure(
    conn: &mut AnyConnection,
    id: Uuid,
    failures: i32,
    locked_until: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    diesel::update(users::table.find(id.to_string()))
        .set((
            users::failed_logins.eq(failures),
            users::locked_until.eq(locked_until.map(to_db)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn record_login_success(conn: &mut AnyConnection, id: Uuid) -> StoreResult<()> {
    diesel::update(users::table.find(id.to_string()))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Descriptive changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub display_name: Option<String>,
    pub staff_level: Option<StaffLevel>,
    pub monthly_wage_fen: Option<i64>,
    /// `Some("")` clears it.
    pub phone: Option<String>,
}

/// Bumps the version if it still is `expected`; `Ok(false)` when someone changed it meanwhile.
fn bump_version(
    conn: &mut AnyConnection,
    id: &str,
    expected: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::version.eq(expected)),
    )
    .set((
        users::version.eq(expected + 1),
        users::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Applies `changes` if the account is still at `expected_version`. Returns false when stale.
pub fn update_profile(
    conn: &mut AnyConnection,
    id: Uuid,
    expected_version: i64,
    changes: &ProfileChanges,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let key = id.to_string();
    if !bump_version(conn, &key, expected_version, now)? {
        return Ok(false);
    }
    if let Some(name) = &changes.display_name {
        diesel::update(users::table.find(&key))
            .set(users::display_name.eq(name))
            .execute(conn)?;
    }
    if let Some(level) = changes.staff_level {
        diesel::update(users::table.find(&key))
            .set(users::staff_level.eq(level.as_str()))
            .execute(conn)?;
    }
    if let Some(wage) = changes.monthly_wage_fen {
        diesel::update(users::table.find(&key))
            .set(users::monthly_wage_fen.eq(Some(wage)))
            .execute(conn)?;
    }
    if let Some(phone) = &changes.phone {
        diesel::update(users::table.find(&key))
            .set(users::phone.eq(Some(phone).filter(|p| !p.is_empty())))
            .execute(conn)?;
    }
    Ok(true)
}

/// Replaces the job roles of an account if it is still at `expected_version`.
pub fn set_roles(
    conn: &mut AnyConnection,
    id: Uuid,
    expected_version: Option<i64>,
    roles: &[JobRole],
    granted_by: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let key = id.to_string();
    let current: i64 = users::table.find(&key).select(users::version).first(conn)?;
    if !bump_version(conn, &key, expected_version.unwrap_or(current), now)? {
        return Ok(false);
    }
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(&key))).execute(conn)?;
    insert_roles(conn, &key, roles, Some(granted_by), now)?;
    Ok(true)
}

/// Sets the permission level (only ever called as the effect of an approved request).
pub fn set_permission_level(
    conn: &mut AnyConnection,
    id: Uuid,
    level: PermissionLevel,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let key = id.to_string();
    let n = diesel::update(users::table.find(&key))
        .set((
            users::permission_level.eq(level.as_str()),
            users::version.eq(users::version + 1),
            users::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deactivates an account (never deleted: history keeps the name). False if already inactive.
pub fn deactivate(conn: &mut AnyConnection, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = diesel::update(
        users::table
            .filter(users::id.eq(id.to_string()))
            .filter(users::deactivated_at.is_null()),
    )
    .set((
        users::deactivated_at.eq(Some(to_db(now))),
        users::version.eq(users::version + 1),
        users::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

fn push_password_history(
    conn: &mut AnyConnection,
    user_id: Uuid,
    hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(password_history::table)
        .values((
            password_history::id.eq(Uuid::now_v7().to_string()),
            password_history::user_id.eq(user_id.to_string()),
            password_history::password_hash.eq(hash),
            password_history::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The hashes of the last `n` passwords, newest first.
pub fn recent_password_hashes(
    conn: &mut AnyConnection,
    user_id: Uuid,
    n: i64,
) -> StoreResult<Vec<String>> {
    Ok(password_history::table
        .filter(password_history::user_id.eq(user_id.to_string()))
        .order((
            password_history::created_at.desc(),
            password_history::id.desc(),
        ))
        .select(password_history::password_hash)
        .limit(n)
        .load(conn)?)
}

/// Stores a new password hash, restarts its expiry and records it in the history.
pub fn set_password(
    conn: &mut AnyConnection,
    user_id: Uuid,
    hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(users::table.find(user_id.to_string()))
        .set((
            users::password_hash.eq(hash),
            users::password_changed_at.eq(to_db(now)),
            users::version.eq(users::version + 1),
            users::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    push_password_history(conn, user_id, hash, now)
}

/// R-EVAL-1: whom `id` reports to.
pub fn manager_of(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Uuid>> {
    let m: Option<Option<String>> = users::table
        .find(id.to_string())
        .select(users::reports_to)
        .first(conn)
        .optional()?;
    m.ok_or(StoreError::NotFound)?
        .as_deref()
        .map(super::parse_uuid)
        .transpose()
}

/// Sets whom `id` reports to (`None`: the top of the chart).
pub fn set_manager(conn: &mut AnyConnection, id: Uuid, manager: Option<Uuid>) -> StoreResult<()> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::reports_to.eq(manager.map(|m| m.to_string())))
        .execute(conn)?;
    Ok(())
}

/// Every account's manager, deactivated accounts included (the cycle check walks them too).
pub fn all_managers(conn: &mut AnyConnection) -> StoreResult<Vec<(Uuid, Uuid)>> {
    let rows: Vec<(String, Option<String>)> = users::table
        .filter(users::reports_to.is_not_null())
        .select((users::id, users::reports_to))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(id, m)| m.map(|m| (id, m)))
        .map(|(id, m)| Ok((super::parse_uuid(&id)?, super::parse_uuid(&m)?)))
        .collect()
}

/// The org chart: every active account with its manager, by username.
pub fn org_chart(conn: &mut AnyConnection) -> StoreResult<Vec<(Uuid, String, Option<Uuid>)>> {
    let rows: Vec<(String, String, Option<String>)> = users::table
        .filter(users::deactivated_at.is_null())
        .select((users::id, users::display_name, users::reports_to))
        .order(users::username)
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name, m)| {
            Ok((
                super::parse_uuid(&id)?,
                name,
                m.as_deref().map(super::parse_uuid).transpose()?,
            ))
        })
        .collect()
}
