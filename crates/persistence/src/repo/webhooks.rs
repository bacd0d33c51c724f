//! Webhook subscriptions, the deliveries fanned out to them from the outbox, and every attempt.
//!
//! A delivery is claimed by one node at a time with a lease (one conditional `UPDATE`, so two
//! nodes never both win); a node that dies mid-delivery leaves the lease to expire and the
//! delivery is sent again, with the same webhook-id (the event's id).

use super::{from_db, parse_uuid, to_db};
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_subscriptions};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

pub const ACTIVE: &str = "active";
pub const PAUSED: &str = "paused";
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// A subscription (its secret stays sealed).
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub filter_channel: Option<String>,
    pub filter_category: Option<String>,
    pub secret_sealed: String,
    pub state: String,
    pub paused_reason: Option<String>,
    pub consecutive_failures: i32,
    /// When the current run of failures began.
    pub failing_since: Option<DateTime<Utc>>,
    pub fanned_to: i64,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_subscriptions)]
struct SubRow {
    id: String,
    url: String,
    description: String,
    event_types: String,
    filter_channel: Option<String>,
    filter_category: Option<String>,
    secret_sealed: String,
    state: String,
    paused_reason: Option<String>,
    consecutive_failures: i32,
    failing_since: Option<NaiveDateTime>,
    fanned_to: i64,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn subscription(r: SubRow) -> StoreResult<Subscription> {
    Ok(Subscription {
        id: parse_uuid(&r.id)?,
        url: r.url,
        description: r.description,
        event_types: serde_json::from_str(&r.event_types)?,
        filter_channel: r.filter_channel,
        filter_category: r.filter_category,
        secret_sealed: r.secret_sealed,
        state: r.state,
        paused_reason: r.paused_reason,
        consecutive_failures: r.consecutive_failures,
        failing_since: r.failing_since.map(from_db),
        fanned_to: r.fanned_to,
        created_by: parse_uuid(&r.created_by)?,
        created_at: from_db(r.created_at),
        updated_at: from_db(r.updated_at),
    })
}

pub fn insert(conn: &mut AnyConnection, s: &Subscription) -> StoreResult<()> {
    diesel::insert_into(webhook_subscriptions::table)
        .values(SubRow {
            id: s.id.to_string(),
            url: s.url.clone(),
            description: s.description.clone(),
            event_types: serde_json::to_string(&s.event_types)?,
            filter_channel: s.filter_channel.clone(),
            filter_category: s.filter_category.clone(),
            secret_sealed: s.secret_sealed.clone(),
            state: s.state.clone(),
            paused_reason: s.paused_reason.clone(),
            consecutive_failures: s.consecutive_failures,
            failing_since: s.failing_since.map(to_db),
            fanned_to: s.fanned_to,
            created_by: s.created_by.to_string(),
            created_at: to_db(s.created_at),
            updated_at: to_db(s.updated_at),
        })
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Subscription>> {
    webhook_subscriptions::table
        .find(id.to_string())
        .select(SubRow::as_select())
        .first(conn)
        .optional()?
        .map(subscription)
        .transpose()
}

/// Every subscription, oldest first.
pub fn list(conn: &mut AnyConnection) -> StoreResult<Vec<Subscription>> {
    webhook_subscriptions::table
        .select(SubRow::as_select())
        .order(webhook_subscriptions::created_at.asc())
        .load(conn)?
        .into_iter()
        .map(subscription)
        .collect()
}

/// Writes what an administrator may change: target, description, types, filter (the secret
/// only through [`set_secret`], so a change never writes back a seal a key rotation replaced).
pub fn update(conn: &mut AnyConnection, s: &Subscription, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(webhook_subscriptions::table.find(s.id.to_string()))
        .set((
            webhook_subscriptions::url.eq(&s.url),
            webhook_subscriptions::description.eq(&s.description),
            webhook_subscriptions::event_types.eq(serde_json::to_string(&s.event_types)?),
            webhook_subscriptions::filter_channel.eq(&s.filter_channel),
            webhook_subscriptions::filter_category.eq(&s.filter_category),
            webhook_subscriptions::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces the sealed secret (a new secret, or a vault key rotation).
pub fn set_secret(conn: &mut AnyConnection, id: Uuid, sealed: &str) -> StoreResult<()> {
    diesel::update(webhook_subscriptions::table.find(id.to_string()))
        .set(webhook_subscriptions::secret_sealed.eq(sealed))
        .execute(conn)?;
    Ok(())
}

/// Pauses an active subscription (`reason`) or resumes a paused one (`None`); false when it was
/// already in that state. Resuming clears the run of failures.
pub fn set_state(
    conn: &mut AnyConnection,
    id: Uuid,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let t = webhook_subscriptions::table.find(id.to_string());
    let n = match reason {
        Some(reason) => diesel::update(t.filter(webhook_subscriptions::state.eq(ACTIVE)))
            .set((
                webhook_subscriptions::state.eq(PAUSED),
                webhook_subscriptions::paused_reason.eq(Some(reason)),
                webhook_subscriptions::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?,
        None => diesel::update(t.filter(webhook_subscriptions::state.eq(PAUSED)))
            .set((
                webhook_subscriptions::state.eq(ACTIVE),
                webhook_subscriptions::paused_reason.eq(None::<String>),
                webhook_subscriptions::consecutive_failures.eq(0),
                webhook_subscriptions::failing_since.eq(None::<NaiveDateTime>),
                webhook_subscriptions::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Removes a subscription with its deliveries and attempts.
pub fn delete(conn: &mut AnyConnection, id: Uuid) -> StoreResult<bool> {
    let id = id.to_string();
    diesel::delete(webhook_attempts::table.filter(webhook_attempts::subscription_id.eq(&id)))
        .execute(conn)?;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(&id)))
        .execute(conn)?;
    Ok(diesel::delete(webhook_subscriptions::table.find(&id)).execute(conn)? == 1)
}

/// Moves the subscription's fan-out mark from `from` to `to`; false when another node moved it
/// first (its deliveries are then that node's to write).
pub fn advance(conn: &mut AnyConnection, id: Uuid, from: i64, to: i64) -> StoreResult<bool> {
    Ok(diesel::update(
        webhook_subscriptions::table
            .find(id.to_string())
            .filter(webhook_subscriptions::fanned_to.eq(from)),
    )
    .set(webhook_subscriptions::fanned_to.eq(to))
    .execute(conn)?
        == 1)
}

/// Counts a failed attempt in the subscription's run of failures; returns the run's length and
/// when it began.
pub fn count_failure(
    conn: &mut AnyConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<(i32, DateTime<Utc>)> {
    let t = || webhook_subscriptions::table.find(id.to_string());
    diesel::update(t())
        .set(
            webhook_subscriptions::consecutive_failures
                .eq(webhook_subscriptions::consecutive_failures + 1),
        )
        .execute(conn)?;
    diesel::update(t().filter(webhook_subscriptions::failing_since.is_null()))
        .set(webhook_subscriptions::failing_since.eq(Some(to_db(now))))
        .execute(conn)?;
    let (run, since): (i32, Option<NaiveDateTime>) = t()
        .select((
            webhook_subscriptions::consecutive_failures,
            webhook_subscriptions::failing_since,
        ))
        .first(conn)?;
    Ok((run, since.map_or(now, from_db)))
}

/// A success ends the run of failures.
pub fn clear_failures(conn: &mut AnyConnection, id: Uuid) -> StoreResult<()> {
    diesel::update(
        webhook_subscriptions::table
            .find(id.to_string())
            .filter(webhook_subscriptions::consecutive_failures.ne(0)),
    )
    .set((
        webhook_subscriptions::consecutive_failures.eq(0),
        webhook_subscriptions::failing_since.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// One event to deliver to one subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub event_seq: i64,
    pub event_id: Uuid,
    pub event_type: String,
    pub resource_key: String,
    pub state: String,
    pub tries: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub lease_holder: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
struct DeliveryRow {
    id: String,
    subscription_id: String,
    event_seq: i64,
    event_id: String,
    event_type: String,
    resource_key: String,
    state: String,
    tries: i32,
    next_attempt_at: NaiveDateTime,
    lease_holder: Option<String>,
    lease_until: Option<NaiveDateTime>,
    last_status: Option<i32>,
    last_error: Option<String>,
    created_at: NaiveDateTime,
    delivered_at: Option<NaiveDateTime>,
}

fn delivery(r: DeliveryRow) -> StoreResult<Delivery> {
    Ok(Delivery {
        id: parse_uuid(&r.id)?,
        subscription_id: parse_uuid(&r.subscription_id)?,
        event_seq: r.event_seq,
        event_id: parse_uuid(&r.event_id)?,
        event_type: r.event_type,
        resource_key: r.resource_key,
        state: r.state,
        tries: r.tries,
        next_attempt_at: from_db(r.next_attempt_at),
        lease_holder: r.lease_holder,
        lease_until: r.lease_until.map(from_db),
        last_status: r.last_status,
        last_error: r.last_error,
        created_at: from_db(r.created_at),
        delivered_at: r.delivered_at.map(from_db),
    })
}

/// A new pending delivery of `event` (seq, id, type, resource key) to `subscription`, due now.
pub fn enqueue(
    conn: &mut AnyConnection,
    subscription: Uuid,
    event: (i64, Uuid, &str, &str),
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let (seq, event_id, event_type, resource_key) = event;
    // Checked first: on PostgreSQL a refused insert would abort the caller's transaction. The
    // callers hold the subscription's fan-out lock, so nothing slips in between.
    let exists = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription.to_string()))
        .filter(webhook_deliveries::event_seq.eq(seq))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(());
    }
    let inserted = diesel::insert_into(webhook_deliveries::table)
        .values(DeliveryRow {
            id: Uuid::now_v7().to_string(),
            subscription_id: subscription.to_string(),
            event_seq: seq,
            event_id: event_id.to_string(),
            event_type: event_type.to_owned(),
            resource_key: resource_key.to_owned(),
            state: PENDING.to_owned(),
            tries: 0,
            next_attempt_at: to_db(now),
            lease_holder: None,
            lease_until: None,
            last_status: None,
            last_error: None,
            created_at: to_db(now),
            delivered_at: None,
        })
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        // Fanned out already (the unique key on subscription and event).
        Err(e) => match StoreError::from(e) {
            StoreError::Unique(_) => Ok(()),
            other => Err(other),
        },
    }
}

/// The first `limit` pending deliveries of a subscription, oldest event first (due or not,
/// leased or not: the caller picks, per resource, the first).
pub fn pending(
    conn: &mut AnyConnection,
    subscription: Uuid,
    limit: i64,
) -> StoreResult<Vec<Delivery>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription.to_string()))
        .filter(webhook_deliveries::state.eq(PENDING))
        .order(webhook_deliveries::event_seq.asc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(delivery)
        .collect()
}

/// Takes the delivery for `holder` until `until` if it is still pending, due and not held by a
/// live lease. One conditional statement: of several nodes, one wins.
pub fn claim(
    conn: &mut AnyConnection,
    id: Uuid,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        webhook_deliveries::table
            .find(id.to_string())
            .filter(webhook_deliveries::state.eq(PENDING))
            .filter(webhook_deliveries::next_attempt_at.le(to_db(now)))
            .filter(
                webhook_deliveries::lease_until
                    .is_null()
                    .or(webhook_deliveries::lease_until.lt(to_db(now))),
            ),
    )
    .set((
        webhook_deliveries::lease_holder.eq(Some(holder)),
        webhook_deliveries::lease_until.eq(Some(to_db(until))),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// What became of a delivery after an attempt.
#[derive(Debug, Clone)]
pub enum After {
    Delivered,
    /// Try again at this instant.
    Retry(DateTime<Utc>),
    /// Out of tries.
    Failed,
}

/// Records the outcome of `holder`'s attempt and lets the lease go; false when the lease was no
/// longer `holder`'s (it expired and another node took the delivery).
pub fn settle(
    conn: &mut AnyConnection,
    id: Uuid,
    holder: &str,
    after: &After,
    status: Option<i32>,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let t = webhook_deliveries::table
        .find(id.to_string())
        .filter(webhook_deliveries::state.eq(PENDING))
        .filter(webhook_deliveries::lease_holder.eq(holder));
    let (state, next, delivered) = match after {
        After::Delivered => (DELIVERED, now, Some(to_db(now))),
        After::Retry(at) => (PENDING, *at, None),
        After::Failed => (FAILED, now, None),
    };
    let n = diesel::update(t)
        .set((
            webhook_deliveries::state.eq(state),
            webhook_deliveries::tries.eq(webhook_deliveries::tries + 1),
            webhook_deliveries::next_attempt_at.eq(to_db(next)),
            webhook_deliveries::lease_holder.eq(None::<String>),
            webhook_deliveries::lease_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_status.eq(status),
            webhook_deliveries::last_error.eq(error),
            webhook_deliveries::delivered_at.eq(delivered),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Sends a delivery again from the first try, due now (whatever its state); false when there is
/// no delivery of that event to that subscription.
pub fn requeue(
    conn: &mut AnyConnection,
    subscription: Uuid,
    event: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    match delivery_of(conn, subscription, event)? {
        Some(d) => Ok(requeue_range(conn, subscription, (d.event_seq, d.event_seq), now)? == 1),
        None => Ok(false),
    }
}

/// Sends again every delivery of the subscription whose event is numbered within `seqs`
/// (inclusive); returns how many.
pub fn requeue_range(
    conn: &mut AnyConnection,
    subscription: Uuid,
    seqs: (i64, i64),
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    Ok(diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(subscription.to_string()))
            .filter(webhook_deliveries::event_seq.between(seqs.0, seqs.1)),
    )
    .set((
        webhook_deliveries::state.eq(PENDING),
        webhook_deliveries::tries.eq(0),
        webhook_deliveries::next_attempt_at.eq(to_db(now)),
        webhook_deliveries::delivered_at.eq(None::<NaiveDateTime>),
        // An attempt on its way settles nothing now: the delivery goes again.
        webhook_deliveries::lease_holder.eq(None::<String>),
        webhook_deliveries::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?)
}

/// After a resume: what waits for a retry is due now.
pub fn due_now(
    conn: &mut AnyConnection,
    subscription: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(subscription.to_string()))
            .filter(webhook_deliveries::state.eq(PENDING))
            .filter(webhook_deliveries::next_attempt_at.gt(to_db(now))),
    )
    .set(webhook_deliveries::next_attempt_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(())
}

/// One delivery of `event` to `subscription`.
pub fn delivery_of(
    conn: &mut AnyConnection,
    subscription: Uuid,
    event: Uuid,
) -> StoreResult<Option<Delivery>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription.to_string()))
        .filter(webhook_deliveries::event_id.eq(event.to_string()))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?
        .map(delivery)
        .transpose()
}

/// A subscription's deliveries, newest event first, optionally of one state, before a `seq`.
pub fn deliveries(
    conn: &mut AnyConnection,
    subscription: Uuid,
    state: Option<&str>,
    before_seq: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<Delivery>> {
    let mut q = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription.to_string()))
        .select(DeliveryRow::as_select())
        .into_boxed();
    if let Some(s) = state {
        q = q.filter(webhook_deliveries::state.eq(s.to_owned()));
    }
    if let Some(b) = before_seq {
        q = q.filter(webhook_deliveries::event_seq.lt(b));
    }
    q.order(webhook_deliveries::event_seq.desc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(delivery)
        .collect()
}

/// How many deliveries of a subscription are in each state: (pending, delivered, failed).
pub fn counts(conn: &mut AnyConnection, subscription: Uuid) -> StoreResult<(i64, i64, i64)> {
    let rows: Vec<(String, i64)> = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription.to_string()))
        .group_by(webhook_deliveries::state)
        .select((webhook_deliveries::state, diesel::dsl::count_star()))
        .load(conn)?;
    let of = |s: &str| rows.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    Ok((of(PENDING), of(DELIVERED), of(FAILED)))
}

/// One attempt to deliver (or a test ping).
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub delivery_id: Option<Uuid>,
    pub event_id: Uuid,
    pub event_type: String,
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    pub response_excerpt: String,
    pub error: Option<String>,
    pub node: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
struct AttemptRow {
    id: String,
    subscription_id: String,
    delivery_id: Option<String>,
    event_id: String,
    event_type: String,
    attempted_at: NaiveDateTime,
    status_code: Option<i32>,
    latency_ms: i64,
    response_excerpt: String,
    error: Option<String>,
    node: String,
}

pub fn record_attempt(conn: &mut AnyConnection, a: &Attempt) -> StoreResult<()> {
    diesel::insert_into(webhook_attempts::table)
        .values(AttemptRow {
            id: a.id.to_string(),
            subscription_id: a.subscription_id.to_string(),
            delivery_id: a.delivery_id.map(|d| d.to_string()),
            event_id: a.event_id.to_string(),
            event_type: a.event_type.clone(),
            attempted_at: to_db(a.attempted_at),
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            response_excerpt: a.response_excerpt.clone(),
            error: a.error.clone(),
            node: a.node.clone(),
        })
        .execute(conn)?;
    Ok(())
}

/// A subscription's attempts, newest first, optionally of one event, before an attempt id.
pub fn attempts(
    conn: &mut AnyConnection,
    subscription: Uuid,
    event: Option<Uuid>,
    before: Option<Uuid>,
    limit: i64,
) -> StoreResult<Vec<Attempt>> {
    let mut q = webhook_attempts::table
        .filter(webhook_attempts::subscription_id.eq(subscription.to_string()))
        .select(AttemptRow::as_select())
        .into_boxed();
    if let Some(e) = event {
        q = q.filter(webhook_attempts::event_id.eq(e.to_string()));
    }
    if let Some(b) = before {
        // Ids are UUIDv7: their text order is their time order.
        q = q.filter(webhook_attempts::id.lt(b.to_string()));
    }
    q.order(webhook_attempts::id.desc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(|r| {
            Ok(Attempt {
                id: parse_uuid(&r.id)?,
                subscription_id: parse_uuid(&r.subscription_id)?,
                delivery_id: r.delivery_id.as_deref().map(parse_uuid).transpose()?,
                event_id: parse_uuid(&r.event_id)?,
                event_type: r.event_type,
                attempted_at: from_db(r.attempted_at),
                status_code: r.status_code,
                latency_ms: r.latency_ms,
                response_excerpt: r.response_excerpt,
                error: r.error,
                node: r.node,
            })
        })
        .collect()
}
