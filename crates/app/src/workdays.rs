//! Attendance policy as data, managed by the department manager: policy versions that take
//! effect in the future only, the working-day calendar, and each person's employment dates.
//! Nothing here changes a closed month.

use crate::approvals::Actor;
use crate::attendance_month;
use crate::error::{unique_as, AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use ecops_domain::attendance::AttendancePolicy;
use ecops_domain::workdays::{self, CalendarEntry, CalendarKind, Month, PolicyVersion};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::users;
use ecops_persistence::repo::workdays::{self as store, Employment, StoredEntry, StoredVersion};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// The day the first version is effective from: it judges everything before the next one.
pub fn seed_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// At start-up: writes the configuration's policy as the first version when there is none.
/// Later starts leave the stored versions alone, whatever the configuration says.
pub fn seed(
    conn: &mut AnyConnection,
    policy: AttendancePolicy,
    timezone: &str,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    write_tx(conn, |conn| {
        if !store::versions(conn)?.is_empty() {
            return Ok(false);
        }
        store::insert_version(
            conn,
            &StoredVersion {
                version: PolicyVersion {
                    id: Uuid::now_v7(),
                    effective_from: seed_day(),
                    timezone: timezone.to_owned(),
                    policy,
                },
                note: "the configuration's policy at first start".to_owned(),
                created_by: None,
                created_at: now,
            },
        )?;
        Ok(true)
    })
}

/// The company's date at the instant `at`, in the zone of the policy in force.
pub fn company_date(conn: &mut AnyConnection, at: DateTime<Utc>) -> AppResult<NaiveDate> {
    let versions = attendance_month::versions(conn)?;
    let tz = attendance_month::zone_on(&versions, at.date_naive());
    Ok(at.with_timezone(&tz).date_naive())
}

/// The instant the company's day `day` begins, in the zone of the policy in force then.
pub fn company_instant(conn: &mut AnyConnection, day: NaiveDate) -> AppResult<DateTime<Utc>> {
    let versions = attendance_month::versions(conn)?;
    let tz = attendance_month::zone_on(&versions, day);
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Ok(midnight
        .and_local_timezone(tz)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&chrono::Utc)))
}

/// A new version of the policy.
pub struct NewVersion {
    pub effective_from: NaiveDate,
    pub timezone: String,
    pub policy: AttendancePolicy,
    pub note: String,
}

fn manager(actor: &Actor) -> AppResult<()> {
    actor.require(PermissionLevel::Operator, &[JobRole::DeptManager])
}

/// The department manager adds a policy version; it takes effect tomorrow at the earliest and
/// never inside a closed month, so no day already begun is judged again.
pub fn add_version(
    conn: &mut AnyConnection,
    actor: &Actor,
    new: NewVersion,
    now: DateTime<Utc>,
) -> AppResult<StoredVersion> {
    manager(actor)?;
    new.policy
        .check()
        .map_err(|e| AppError::invalid(format!("policy.{}", e.field), e.message))?;
    if new.timezone.parse::<Tz>().is_err() {
        return Err(AppError::invalid("timezone", "is not an IANA time zone"));
    }
    write_tx(conn, |conn| {
        let today = company_date(conn, now)?;
        workdays::check_new_version(new.effective_from, today, store::last_closed(conn)?)
            .map_err(|e| match e {
                workdays::VersionRefusal::NotInFuture => AppError::rule(
                    "effective_in_past",
                    "a new version takes effect tomorrow at the earliest: days already begun keep the version they were judged by",
                ),
                workdays::VersionRefusal::InClosedMonth => AppError::rule(
                    "month_closed",
                    "the version would take effect inside a closed month",
                ),
            })?;
        let stored = StoredVersion {
            version: PolicyVersion {
                id: Uuid::now_v7(),
                effective_from: new.effective_from,
                timezone: new.timezone,
                policy: new.policy,
            },
            note: new.note,
            created_by: Some(actor.id),
            created_at: now,
        };
        store::insert_version(conn, &stored).map_err(unique_as(|| {
            AppError::conflict(
                "policy_version_exists",
                "a version already takes effect on that day",
            )
        }))?;
        let entry = actor.audit_entry(
            "attendance.policy_version",
            Some(("attendance_policy", stored.version.id.to_string())),
            Outcome::Success,
            json!({"effective_from": stored.version.effective_from, "timezone": stored.version.timezone,
                   "policy": stored.version.policy, "note": stored.note}),
        );
        audit::append(conn, &entry, now)?;
        Ok(stored)
    })
}

/// At most this many days in one calendar request.
pub const MAX_CALENDAR_SPAN: i64 = 366;

fn refuse_closed(conn: &mut AnyConnection, day: NaiveDate) -> AppResult<()> {
    if store::last_closed(conn)?.is_some_and(|m| day < m.next().first()) {
        return Err(AppError::rule(
            "month_closed",
            format!("{day} lies in a closed month"),
        ));
    }
    Ok(())
}

/// The department manager marks the days `from..=to` as public holidays or make-up working days.
/// A day that has an entry already refuses the whole request; so does a day in a closed month.
pub fn add_calendar(
    conn: &mut AnyConnection,
    actor: &Actor,
    (from, to): (NaiveDate, NaiveDate),
    kind: CalendarKind,
    name: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<StoredEntry>> {
    manager(actor)?;
    if to < from {
        return Err(AppError::invalid("to", "must not be before `from`"));
    }
    if (to - from).num_days() >= MAX_CALENDAR_SPAN {
        return Err(AppError::invalid(
            "to",
            format!("one request covers at most {MAX_CALENDAR_SPAN} days"),
        ));
    }
    let entries: Vec<StoredEntry> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|day| StoredEntry {
            entry: CalendarEntry {
                day,
                kind,
                name: name.to_owned(),
            },
            created_by: actor.id,
            created_at: now,
        })
        .collect();
    write_tx(conn, |conn| {
        refuse_closed(conn, from)?;
        let taken = store::calendar(conn, from, to + chrono::Duration::days(1))?;
        if let Some(first) = taken.first() {
            return Err(AppError::conflict(
                "calendar_overlap",
                format!(
                    "{} already has an entry ({}); {} of the days asked for have one",
                    first.entry.day,
                    first.entry.name,
                    taken.len()
                ),
            ));
        }
        // A concurrent request for the same day meets the primary key.
        store::insert_entries(conn, &entries).map_err(unique_as(|| {
            AppError::conflict("calendar_overlap", "one of the days already has an entry")
        }))?;
        let entry = actor.audit_entry(
            "attendance.calendar_add",
            None,
            Outcome::Success,
            json!({"from": from, "to": to, "kind": kind, "name": name}),
        );
        audit::append(conn, &entry, now)?;
        Ok(entries)
    })
}

/// The department manager removes a day's calendar entry (not in a closed month).
pub fn remove_calendar(
    conn: &mut AnyConnection,
    actor: &Actor,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<()> {
    manager(actor)?;
    write_tx(conn, |conn| {
        refuse_closed(conn, day)?;
        if !store::delete_entry(conn, day)? {
            return Err(AppError::not_found("no calendar entry on that day"));
        }
        let entry = actor.audit_entry(
            "attendance.calendar_remove",
            None,
            Outcome::Success,
            json!({"day": day}),
        );
        audit::append(conn, &entry, now)?;
        Ok(())
    })
}

/// The department manager records when someone started (入职) and, later, ended. A change that
/// would alter a closed month's days is refused.
pub fn set_employment(
    conn: &mut AnyConnection,
    actor: &Actor,
    e: Employment,
    now: DateTime<Utc>,
) -> AppResult<Employment> {
    actor.require(
        PermissionLevel::Operator,
        &[JobRole::DeptManager, JobRole::ItAdmin],
    )?;
    if e.ended_on.is_some_and(|end| end < e.started_on) {
        return Err(AppError::invalid(
            "ended_on",
            "must not be before started_on",
        ));
    }
    write_tx(conn, |conn| {
        let user =
            users::find(conn, e.user_id)?.ok_or_else(|| AppError::not_found("no such user"))?;
        if user.is_special {
            return Err(AppError::rule(
                "not_staff",
                "service accounts have no employment",
            ));
        }
        let tz = attendance_month::zone_on(&attendance_month::versions(conn)?, e.started_on);
        let before = store::employment(conn, e.user_id)?
            .unwrap_or_else(|| attendance_month::implied_employment(&user, tz));
        if let Some(last) = store::last_closed(conn)? {
            let closed_until = last.next().first();
            let touches = |a: Option<NaiveDate>, b: Option<NaiveDate>| {
                a != b && [a, b].iter().flatten().any(|d| *d < closed_until)
            };
            if touches(Some(before.started_on), Some(e.started_on))
                || touches(before.ended_on, e.ended_on)
            {
                return Err(AppError::rule(
                    "month_closed",
                    format!(
                        "the change would alter days up to {}, which are closed",
                        Month::of(closed_until.pred_opt().unwrap_or(closed_until)).label()
                    ),
                ));
            }
        }
        store::set_employment(conn, &e, Some(actor.id), now)?;
        let entry = actor.audit_entry(
            "attendance.employment",
            Some(("user", e.user_id.to_string())),
            Outcome::Success,
            json!({"started_on": e.started_on, "ended_on": e.ended_on,
                   "before": {"started_on": before.started_on, "ended_on": before.ended_on}}),
        );
        audit::append(conn, &entry, now)?;
        Ok(e)
    })
}

/// A person's employment: recorded, or implied by the account.
pub fn employment_of(conn: &mut AnyConnection, user: &users::User) -> AppResult<Employment> {
    if let Some(e) = store::employment(conn, user.id)? {
        return Ok(e);
    }
    let tz = attendance_month::zone_on(
        &attendance_month::versions(conn)?,
        user.created_at.date_naive(),
    );
    Ok(attendance_month::implied_employment(user, tz))
}
