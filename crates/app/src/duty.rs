//! Duty rosters (R-DUT-1..4): putting someone on a shift.

use crate::approvals::Actor;
use crate::attendance_month::day_start;
use crate::error::{AppError, AppResult};
use crate::staff;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use ecops_domain::approval::{ApprovalKind, ApprovalState};
use ecops_domain::duty::{self as rules, DutyKind, DutyPolicy, Shift};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::audit::{self, NewEntry, Outcome};
use ecops_persistence::repo::duty::{self, ShiftRow, Swap, SwapState};
use ecops_persistence::repo::leave;
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// A shift to roster.
#[derive(Debug, Clone)]
pub struct ShiftInput {
    pub user_id: Uuid,
    pub kind: DutyKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The audit entry of a shift change.
pub fn shift_entry(actor: &Actor, action: &str, s: &ShiftRow) -> NewEntry {
    NewEntry {
        action: action.to_owned(),
        subject_type: Some("duty_shift".to_owned()),
        subject_id: Some(s.id.to_string()),
        outcome: Outcome::Success,
        detail: json!({"user_id": s.user_id, "kind": s.kind.as_str(),
                       "starts_at": s.starts_at, "ends_at": s.ends_at}),
        ..actor.template()
    }
}

/// Whether `user` may be on `kind` duty during `[from, to)`: an active staff member holding the
/// duty's role (R-DUT-1..3), not on approved leave (R-DUT-4), not already on duty then. Call
/// with the person's calendar locked.
pub fn check_person(
    conn: &mut AnyConnection,
    user: Uuid,
    kind: DutyKind,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    field: &str,
) -> AppResult<()> {
    let person = staff::active(conn, user, field)?;
    if let Some(role) = kind.role_needed() {
        if !person.roles.contains(&role) {
            return Err(AppError::invalid(
                field,
                format!("{} duty needs the {} role", kind.as_str(), role.as_str()),
            ));
        }
    }
    if let Some(l) =
        leave::overlapping(conn, Some(user), &[ApprovalState::Approved], from, to)?.first()
    {
        return Err(AppError::rule(
            "on_leave",
            format!(
                "{} is on approved leave {} – {}",
                person.display_name, l.starts_at, l.ends_at
            ),
        ));
    }
    if let Some(s) = duty::live_between(conn, Some(user), from, to)?.first() {
        return Err(AppError::rule(
            "double_booked",
            format!(
                "{} is already on {} duty {} – {}",
                person.display_name,
                s.kind.as_str(),
                s.starts_at,
                s.ends_at
            ),
        ));
    }
    Ok(())
}

/// Puts someone on duty: the shift lies within its duty's window (R-DUT-1/3, judged in the
/// company time zone `tz`), and the person may take it (see [`check_person`]). Concurrent
/// rosterings of one person are judged one after the other, so a person is never double-booked.
pub fn roster(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: ShiftInput,
    tz: Tz,
    now: DateTime<Utc>,
) -> AppResult<ShiftRow> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ROSTERERS,
    )?;
    let shift = Shift {
        person: input.user_id,
        kind: input.kind,
        start: input.starts_at.with_timezone(&tz).naive_local(),
        end: input.ends_at.with_timezone(&tz).naive_local(),
    };
    DutyPolicy::default()
        .check_shift(&shift)
        .map_err(|m| AppError::invalid("starts_at", m))?;
    let row = ShiftRow {
        id: Uuid::now_v7(),
        user_id: input.user_id,
        kind: input.kind,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        created_by: actor.id,
        created_at: now,
        cancelled_at: None,
        cancelled_by: None,
        released_for_leave: None,
    };
    write_tx(conn, |conn| {
        lock_subject(conn, staff::CALENDAR, &row.user_id.to_string())?;
        check_person(
            conn,
            row.user_id,
            row.kind,
            row.starts_at,
            row.ends_at,
            "user_id",
        )?;
        fail::fail_point!("duty::roster::checked");
        duty::insert(conn, &row)?;
        audit::append(conn, &shift_entry(actor, "duty.rostered", &row), now)?;
        Ok(row)
    })
}

/// Cancels a shift (it stays on record as cancelled).
pub fn cancel(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ShiftRow> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ROSTERERS,
    )?;
    write_tx(conn, |conn| {
        let s = duty::find(conn, id)?.ok_or_else(|| AppError::not_found("no such shift"))?;
        if !duty::cancel(conn, id, actor.id, now)? {
            return Err(AppError::conflict(
                "shift_cancelled",
                "the shift was already cancelled",
            ));
        }
        audit::append(conn, &shift_entry(actor, "duty.cancelled", &s), now)?;
        duty::find(conn, id)?.ok_or_else(|| AppError::not_found("no such shift"))
    })
}

/// Roster generation (R-DUT-1..4): rosters `kind` duty from its template (the duty's window
/// on each day of `[from_day, to_day)`) in rotation through `people`, carrying on after whoever
/// had the last shift of that duty, skipping anyone on approved leave or on another duty then.
/// Returns the shifts, the days nobody could take, and the coverage gaps of the duty over the
/// period afterwards. Generations take turns (a lock), so two cannot both find the period free.
pub fn rotate(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: DutyKind,
    people: &[Uuid],
    (from_day, to_day): (NaiveDate, NaiveDate),
    tz: Tz,
    now: DateTime<Utc>,
) -> AppResult<Rotation> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ROSTERERS,
    )?;
    let from = day_start(tz, from_day);
    // Hotline duty of the last day runs into the next morning.
    let to = day_start(tz, to_day.succ_opt().unwrap_or(to_day));
    write_tx(conn, |conn| {
        lock_subject(conn, "rotation", kind.as_str())?;
        for (i, s) in people.iter().enumerate() {
            let person = staff::active(conn, *s, &format!("staff.{i}"))?;
            if let Some(role) = kind.role_needed() {
                if !person.roles.contains(&role) {
                    return Err(AppError::invalid(
                        format!("staff.{i}"),
                        format!("{} duty needs the {} role", kind.as_str(), role.as_str()),
                    ));
                }
            }
        }
        let existing = duty::live_between(conn, None, from, to)?;
        let (window_start, window_end) = (day_start(tz, from_day), day_start(tz, to_day));
        if existing
            .iter()
            .any(|s| s.kind == kind && s.starts_at >= window_start && s.starts_at < window_end)
        {
            return Err(AppError::conflict(
                "already_rostered",
                format!(
                    "the period already has {} shifts: cancel them first",
                    kind.as_str()
                ),
            ));
        }
        let last = duty::last_person_of(conn, kind, from)?;
        let mut busy: Vec<(Uuid, NaiveDateTime, NaiveDateTime)> = Vec::new();
        for s in people {
            for l in leave::overlapping(conn, Some(*s), &[ApprovalState::Approved], from, to)? {
                busy.push((*s, local(l.starts_at, tz), local(l.ends_at, tz)));
            }
        }
        // Someone already on another duty then is busy too.
        for s in &existing {
            busy.push((s.user_id, local(s.starts_at, tz), local(s.ends_at, tz)));
        }
        let (shifts, uncovered) = rules::rotation(
            &DutyPolicy::default(),
            kind,
            people,
            last,
            (from_day, to_day),
            &busy,
        );
        let rows: Vec<ShiftRow> = shifts
            .iter()
            .map(|s| ShiftRow {
                id: Uuid::now_v7(),
                user_id: s.person,
                kind: s.kind,
                starts_at: utc(s.start, tz),
                ends_at: utc(s.end, tz),
                created_by: actor.id,
                created_at: now,
                cancelled_at: None,
                cancelled_by: None,
                released_for_leave: None,
            })
            .collect();
        for r in &rows {
            duty::insert(conn, r)?;
            audit::append(conn, &shift_entry(actor, "duty.rostered", r), now)?;
        }
        let gaps = coverage_in(conn, &[kind], (from_day, to_day), tz)?;
        Ok(Rotation {
            shifts: rows,
            uncovered,
            gaps,
        })
    })
}

/// What a roster generation made.
#[derive(Debug, Clone)]
pub struct Rotation {
    pub shifts: Vec<ShiftRow>,
    /// Days nobody in the rotation could take.
    pub uncovered: Vec<NaiveDate>,
    /// What the duty's coverage rule finds uncovered over the period afterwards.
    pub gaps: Vec<rules::Gap>,
}

/// The coverage rule over `[from_day, to_day)` for `kinds`: the stretches of each duty's
/// window (in the company's local time) no live shift covers.
pub fn coverage_in(
    conn: &mut AnyConnection,
    kinds: &[DutyKind],
    (from_day, to_day): (NaiveDate, NaiveDate),
    tz: Tz,
) -> AppResult<Vec<rules::Gap>> {
    let from = day_start(tz, from_day);
    let to = day_start(tz, to_day.succ_opt().unwrap_or(to_day));
    let shifts: Vec<Shift> = duty::live_between(conn, None, from, to)?
        .iter()
        .map(|s| Shift {
            person: s.user_id,
            kind: s.kind,
            start: local(s.starts_at, tz),
            end: local(s.ends_at, tz),
        })
        .collect();
    Ok(rules::coverage_gaps(
        &DutyPolicy::default(),
        kinds,
        &shifts,
        (from_day, to_day),
    ))
}

/// A shift released because its person's leave was approved after the roster was made
/// (R-DUT-4): it needs someone else.
#[derive(Debug, Clone)]
pub struct Clash {
    pub shift: ShiftRow,
    pub leave_id: Uuid,
    /// Whoever is rostered on the same duty over the released shift's whole time now, if anyone.
    pub filled_by: Option<Uuid>,
    /// While unfilled: the next person of the duty's rotation (R-DUT-2) after the one on leave
    /// who is active and free then (no approved leave, no other shift).
    pub suggested: Option<Uuid>,
}

/// The shifts released for leave that start in `[from_day, to_day)` and are not over at `now`
/// (a past one is history, not a gap to fill), each with whoever filled it or a suggestion. The
/// rotation's order is read from the duty's shifts four weeks either side.
pub fn clashes(
    conn: &mut AnyConnection,
    (from_day, to_day): (NaiveDate, NaiveDate),
    tz: Tz,
    now: DateTime<Utc>,
) -> AppResult<Vec<Clash>> {
    let (from, to) = (day_start(tz, from_day), day_start(tz, to_day));
    let mut out = Vec::new();
    for s in duty::released_between(conn, from, to)? {
        if s.starts_at < from || s.ends_at <= now {
            continue;
        }
        let Some(leave_id) = s.released_for_leave else {
            continue;
        };
        let live = duty::live_between(conn, None, s.starts_at, s.ends_at)?;
        let filled_by = live
            .iter()
            .find(|o| o.kind == s.kind && o.starts_at <= s.starts_at && o.ends_at >= s.ends_at)
            .map(|o| o.user_id);
        let suggested = match filled_by {
            Some(_) => None,
            None => {
                let weeks = chrono::Duration::weeks(4);
                let order =
                    duty::rotation_order(conn, s.kind, s.starts_at - weeks, s.starts_at + weeks)?;
                let away: Vec<Uuid> = leave::overlapping(
                    conn,
                    None,
                    &[ApprovalState::Approved],
                    s.starts_at,
                    s.ends_at,
                )?
                .into_iter()
                .map(|l| l.user_id)
                .collect();
                let mut free = Vec::new();
                for p in &order {
                    let able = ecops_persistence::repo::users::find(conn, *p)?.is_some_and(|u| {
                        u.deactivated_at.is_none()
                            && s.kind.role_needed().is_none_or(|r| u.roles.contains(&r))
                    });
                    if able && !away.contains(p) && !live.iter().any(|o| o.user_id == *p) {
                        free.push(*p);
                    }
                }
                rules::next_in_rotation(&order, s.user_id, |p| !free.contains(&p))
            }
        };
        out.push(Clash {
            shift: s,
            leave_id,
            filled_by,
            suggested,
        });
    }
    Ok(out)
}

/// One person's share of duty over a period.
#[derive(Debug, Clone, Default)]
pub struct Share {
    pub user_id: Uuid,
    /// Shifts per duty, in the duties' order.
    pub shifts: Vec<(DutyKind, usize)>,
    /// Saturdays and Sundays on any duty.
    pub weekend_days: usize,
}

/// Fairness: how many shifts of each duty, and how many weekend days on duty, each person had
/// in `[from_day, to_day)` (live shifts by their start in the company's time).
pub fn fairness(
    conn: &mut AnyConnection,
    (from_day, to_day): (NaiveDate, NaiveDate),
    tz: Tz,
) -> AppResult<Vec<Share>> {
    use chrono::Datelike;
    let (from, to) = (day_start(tz, from_day), day_start(tz, to_day));
    let mut per: std::collections::BTreeMap<Uuid, Share> = Default::default();
    for s in duty::live_between(conn, None, from, to)? {
        if s.starts_at < from {
            continue;
        }
        let share = per.entry(s.user_id).or_insert_with(|| Share {
            user_id: s.user_id,
            ..Share::default()
        });
        match share.shifts.iter_mut().find(|(k, _)| *k == s.kind) {
            Some((_, n)) => *n += 1,
            None => share.shifts.push((s.kind, 1)),
        }
        let day = local(s.starts_at, tz).date();
        if matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            share.weekend_days += 1;
        }
    }
    let mut out: Vec<Share> = per.into_values().collect();
    for share in &mut out {
        share
            .shifts
            .sort_by_key(|(k, _)| DutyKind::ALL.iter().position(|x| x == k));
    }
    Ok(out)
}

fn local(t: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

fn utc(t: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    tz.from_local_datetime(&t)
        .earliest()
        .map_or_else(|| t.and_utc(), |x| x.with_timezone(&Utc))
}

/// A request to hand a shift to a colleague.
#[derive(Debug, Clone)]
pub struct SwapInput {
    pub shift_id: Uuid,
    pub colleague_id: Uuid,
    /// One of the colleague's shifts the requester takes in return (an exchange); none: the
    /// colleague simply takes the shift over.
    pub exchange_shift_id: Option<Uuid>,
    pub reason: String,
}

/// `shift_swap` approvals carry the swap.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SwapApproval {
    pub swap_id: Uuid,
}

fn swap_entry(actor: &Actor, action: &str, s: &Swap) -> NewEntry {
    NewEntry {
        action: action.to_owned(),
        subject_type: Some("shift_swap".to_owned()),
        subject_id: Some(s.id.to_string()),
        outcome: Outcome::Success,
        detail: json!({"shift_id": s.shift_id, "exchange_shift_id": s.exchange_shift_id,
                       "requested_by": s.requested_by, "colleague_id": s.colleague_id,
                       "state": s.state.as_str()}),
        ..actor.template()
    }
}

/// A live shift of `owner` that has not begun at `now`.
fn future_shift_of(
    conn: &mut AnyConnection,
    id: Uuid,
    owner: Uuid,
    now: DateTime<Utc>,
    field: &str,
) -> AppResult<ShiftRow> {
    let s = duty::find(conn, id)?
        .filter(|s| s.cancelled_at.is_none())
        .ok_or_else(|| AppError::invalid(field, "no such live shift"))?;
    if s.user_id != owner {
        return Err(AppError::invalid(
            field,
            "the shift belongs to someone else",
        ));
    }
    if s.starts_at <= now {
        return Err(AppError::rule(
            "shift_started",
            "a shift that has begun is not swapped: the department manager changes the roster",
        ));
    }
    Ok(s)
}

/// Locks the calendars of two people in a fixed order (no deadlock between two swaps).
fn lock_calendars(conn: &mut AnyConnection, a: Uuid, b: Uuid) -> AppResult<()> {
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    lock_subject(conn, staff::CALENDAR, &first.to_string())?;
    lock_subject(conn, staff::CALENDAR, &second.to_string())?;
    Ok(())
}

/// The person on a shift asks a colleague to take it (optionally in exchange for one of the
/// colleague's shifts). Nothing changes on the roster until the colleague accepts and the
/// department manager approves.
pub fn request_swap(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: SwapInput,
    now: DateTime<Utc>,
) -> AppResult<Swap> {
    if input.colleague_id == actor.id {
        return Err(AppError::rule(
            "swap_with_self",
            "a swap needs a colleague other than yourself",
        ));
    }
    write_tx(conn, |conn| {
        let shift = future_shift_of(conn, input.shift_id, actor.id, now, "shift_id")?;
        let colleague = staff::active(conn, input.colleague_id, "colleague_id")?;
        if let Some(role) = shift.kind.role_needed() {
            if !colleague.roles.contains(&role) {
                return Err(AppError::invalid(
                    "colleague_id",
                    format!(
                        "{} duty needs the {} role",
                        shift.kind.as_str(),
                        role.as_str()
                    ),
                ));
            }
        }
        if let Some(ex) = input.exchange_shift_id {
            let theirs = future_shift_of(conn, ex, colleague.id, now, "exchange_shift_id")?;
            if let Some(role) = theirs.kind.role_needed() {
                let me = staff::active(conn, actor.id, "exchange_shift_id")?;
                if !me.roles.contains(&role) {
                    return Err(AppError::invalid(
                        "exchange_shift_id",
                        format!(
                            "{} duty needs the {} role",
                            theirs.kind.as_str(),
                            role.as_str()
                        ),
                    ));
                }
            }
        }
        let swap = Swap {
            id: Uuid::now_v7(),
            shift_id: shift.id,
            exchange_shift_id: input.exchange_shift_id,
            requested_by: actor.id,
            colleague_id: colleague.id,
            reason: input.reason.trim().to_owned(),
            state: SwapState::Requested,
            approval_request_id: None,
            created_at: now,
            answered_at: None,
            decided_at: None,
        };
        duty::insert_swap(conn, &swap)?;
        audit::append(conn, &swap_entry(actor, "duty.swap_requested", &swap), now)?;
        Ok(swap)
    })
}

/// The colleague answers. Accepting checks that they may take the shift now (role, leave, no
/// other duty then) and files the approval request to the department manager; declining ends
/// the swap.
pub fn answer_swap(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    accept: bool,
    now: DateTime<Utc>,
) -> AppResult<(
    Swap,
    Option<ecops_persistence::repo::approvals::ApprovalRequest>,
)> {
    write_tx(conn, |conn| {
        let swap = duty::find_swap(conn, id)?.ok_or_else(|| AppError::not_found("no such swap"))?;
        if swap.colleague_id != actor.id {
            return Err(AppError::forbidden(
                "not_your_swap",
                "only the colleague asked answers a swap",
            ));
        }
        if swap.state != SwapState::Requested {
            return Err(AppError::conflict(
                "swap_answered",
                format!("the swap is {}", swap.state.as_str()),
            ));
        }
        if !accept {
            duty::set_swap_state(
                conn,
                id,
                SwapState::Requested,
                SwapState::Declined,
                None,
                now,
            )?;
            let swap =
                duty::find_swap(conn, id)?.ok_or_else(|| AppError::not_found("no such swap"))?;
            audit::append(conn, &swap_entry(actor, "duty.swap_declined", &swap), now)?;
            return Ok((swap, None));
        }
        lock_calendars(conn, swap.requested_by, swap.colleague_id)?;
        let shift = future_shift_of(conn, swap.shift_id, swap.requested_by, now, "shift_id")?;
        check_available(conn, &swap, &shift, None)?;
        let payload = serde_json::to_value(SwapApproval { swap_id: id })
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let request = crate::approvals::submit(
            conn,
            ApprovalKind::ShiftSwap,
            ("shift_swap", id.to_string()),
            actor,
            payload,
            &swap.reason,
            None,
            now,
        )?;
        duty::set_swap_state(
            conn,
            id,
            SwapState::Requested,
            SwapState::Accepted,
            Some(request.id),
            now,
        )?;
        let swap = duty::find_swap(conn, id)?.ok_or_else(|| AppError::not_found("no such swap"))?;
        audit::append(conn, &swap_entry(actor, "duty.swap_accepted", &swap), now)?;
        Ok((swap, Some(request)))
    })
}

/// Whether the colleague may take `shift` (and the requester the exchanged one): role, leave,
/// no other live duty then apart from the shifts being exchanged. `exchange` is the colleague's
/// shift when it is already cancelled by the swap being applied.
fn check_available(
    conn: &mut AnyConnection,
    swap: &Swap,
    shift: &ShiftRow,
    exchange: Option<&ShiftRow>,
) -> AppResult<()> {
    let mut colleague_busy = duty::live_between(
        conn,
        Some(swap.colleague_id),
        shift.starts_at,
        shift.ends_at,
    )?;
    colleague_busy.retain(|s| Some(s.id) != swap.exchange_shift_id);
    if colleague_busy.is_empty() {
        let person = staff::active(conn, swap.colleague_id, "colleague_id")?;
        if let Some(role) = shift.kind.role_needed() {
            if !person.roles.contains(&role) {
                return Err(AppError::rule(
                    "missing_duty_role",
                    format!(
                        "{} duty needs the {} role",
                        shift.kind.as_str(),
                        role.as_str()
                    ),
                ));
            }
        }
        if let Some(l) = leave::overlapping(
            conn,
            Some(swap.colleague_id),
            &[ApprovalState::Approved],
            shift.starts_at,
            shift.ends_at,
        )?
        .first()
        {
            return Err(AppError::rule(
                "on_leave",
                format!(
                    "{} is on approved leave {} – {}",
                    person.display_name, l.starts_at, l.ends_at
                ),
            ));
        }
    } else {
        check_person(
            conn,
            swap.colleague_id,
            shift.kind,
            shift.starts_at,
            shift.ends_at,
            "colleague_id",
        )?;
    }
    if let Some(ex) = exchange {
        check_person(
            conn,
            swap.requested_by,
            ex.kind,
            ex.starts_at,
            ex.ends_at,
            "exchange_shift_id",
        )?;
    }
    Ok(())
}

/// The effect of an approved `shift_swap`: with both calendars locked, the shift (and the
/// exchanged one) must still be live, not begun and held by the same people, and the colleague
/// must still be free and allowed to take it; then the shifts are cancelled and rostered anew to
/// the other person, the swap is approved, and other open swaps of the same shifts are
/// superseded. Otherwise the decision is refused and nothing is written. Concurrent approvals of
/// swaps of one shift take turns on the requester's calendar lock, so one wins.
pub fn apply_swap(
    conn: &mut AnyConnection,
    swap_id: Uuid,
    approver: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let changed = |m: &str| AppError::rule("subject_changed", m.to_owned());
    let swap = duty::find_swap(conn, swap_id)?
        .ok_or_else(|| AppError::not_found("the swap no longer exists"))?;
    lock_calendars(conn, swap.requested_by, swap.colleague_id)?;
    if swap.state != SwapState::Accepted {
        return Err(changed("the swap is no longer waiting for a decision"));
    }
    let live = |s: Option<ShiftRow>, owner: Uuid| {
        s.filter(|s| s.cancelled_at.is_none() && s.user_id == owner && s.starts_at > now)
    };
    let shift = live(duty::find(conn, swap.shift_id)?, swap.requested_by).ok_or_else(|| {
        changed("the shift was changed, cancelled or has begun since the swap was asked")
    })?;
    let exchange = match swap.exchange_shift_id {
        Some(id) => Some(
            live(duty::find(conn, id)?, swap.colleague_id).ok_or_else(|| {
                changed("the colleague's shift was changed, cancelled or has begun")
            })?,
        ),
        None => None,
    };
    fail::fail_point!("duty::swap::checked");
    // Conditional updates: a shift cancelled meanwhile (by a swap applied concurrently, on
    // PostgreSQL seen once its transaction commits) refuses this one.
    if !duty::cancel(conn, shift.id, approver, now)? {
        return Err(changed("the shift was changed since the swap was asked"));
    }
    if let Some(ex) = &exchange {
        if !duty::cancel(conn, ex.id, approver, now)? {
            return Err(changed(
                "the colleague's shift was changed since the swap was asked",
            ));
        }
    }
    check_available(conn, &swap, &shift, exchange.as_ref())?;
    let anew = |s: &ShiftRow, to: Uuid| ShiftRow {
        id: Uuid::now_v7(),
        user_id: to,
        kind: s.kind,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        created_by: approver,
        created_at: now,
        cancelled_at: None,
        cancelled_by: None,
        released_for_leave: None,
    };
    let mut rostered = vec![anew(&shift, swap.colleague_id)];
    if let Some(ex) = &exchange {
        rostered.push(anew(ex, swap.requested_by));
    }
    for r in &rostered {
        duty::insert(conn, r)?;
    }
    if !duty::set_swap_state(
        conn,
        swap.id,
        SwapState::Accepted,
        SwapState::Approved,
        None,
        now,
    )? {
        return Err(changed("the swap is no longer waiting for a decision"));
    }
    // Other offers for the same shifts can no longer happen.
    let mut others = duty::open_swaps_of_shift(conn, shift.id)?;
    if let Some(ex) = &exchange {
        others.extend(duty::open_swaps_of_shift(conn, ex.id)?);
    }
    // Their approval requests stay pending (closing them here would wait for a decision of
    // them running now, which waits for this one's calendar lock: a deadlock); deciding one
    // later is refused as `subject_changed`, and rejecting it is what the manager does.
    for o in others.iter().filter(|o| o.id != swap.id) {
        duty::set_swap_state(conn, o.id, o.state, SwapState::Superseded, None, now)?;
    }
    let cancelled: Vec<Uuid> = std::iter::once(shift.id)
        .chain(exchange.as_ref().map(|e| e.id))
        .collect();
    let rostered_ids: Vec<Uuid> = rostered.iter().map(|r| r.id).collect();
    let superseded: Vec<Uuid> = others
        .iter()
        .filter(|o| o.id != swap.id)
        .map(|o| o.id)
        .collect();
    audit::append(
        conn,
        &NewEntry {
            actor_id: Some(approver),
            actor_username: None,
            action: "duty.swap_applied".to_owned(),
            subject_type: Some("shift_swap".to_owned()),
            subject_id: Some(swap.id.to_string()),
            client_addr: None,
            outcome: Outcome::Success,
            detail: json!({"cancelled": cancelled, "rostered": rostered_ids, "superseded": superseded}),
            request_id: None,
            on_behalf_of: None,
        },
        now,
    )?;
    Ok(())
}

/// A `shift_swap` request rejected or withdrawn: the swap ends with it.
pub fn close_swap(
    conn: &mut AnyConnection,
    swap_id: Uuid,
    state: ApprovalState,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let to = if state == ApprovalState::Withdrawn {
        SwapState::Withdrawn
    } else {
        SwapState::Rejected
    };
    duty::set_swap_state(conn, swap_id, SwapState::Accepted, to, None, now)?;
    Ok(())
}
