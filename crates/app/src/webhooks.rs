//! Webhooks: subscriptions managed by IT, the outbox's events fanned out to them, delivered by
//! whichever node claims them first, tried again on a schedule, a subscription paused after a run
//! of failures. The sending itself (HTTP, signatures) is the caller's; here are the decisions and
//! the records.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use crate::vault::VaultKey;
use chrono::{DateTime, Duration, Utc};
use ecops_domain::access::ACCOUNT_ADMINS;
use ecops_domain::webhook::{Allowlist, Filter, RetryPolicy};
use ecops_domain::PermissionLevel;
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::audit::{self, NewEntry, Outcome};
use ecops_persistence::repo::outbox;
use ecops_persistence::repo::webhooks::{self as repo, After, Attempt, Delivery, Subscription};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// How deliveries are made.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Hosts and networks that may be called over HTTP and resolve to internal addresses.
    pub allowlist: Allowlist,
    pub retry: RetryPolicy,
    /// A subscription is paused after this many failed attempts in a row (0: never), once the
    /// run has lasted `pause_after` (a short outage under heavy traffic fails many attempts at
    /// once without pausing anything).
    pub pause_after_failures: u32,
    pub pause_after: Duration,
    /// How long one attempt may take.
    pub timeout: std::time::Duration,
    /// Deliveries one node sends at once.
    pub batch: usize,
    /// This node's name in leases and the delivery log.
    pub node: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            allowlist: Allowlist::default(),
            retry: RetryPolicy::default(),
            pause_after_failures: 20,
            pause_after: Duration::minutes(30),
            timeout: std::time::Duration::from_secs(10),
            batch: 16,
            node: format!("node-{}", std::process::id()),
        }
    }
}

impl Settings {
    /// A claimed delivery is this node's for the attempt's timeout and a margin; after that a
    /// node that died mid-delivery has left it to another.
    pub fn lease(&self) -> Duration {
        Duration::from_std(self.timeout).unwrap_or(Duration::seconds(10)) + Duration::seconds(30)
    }
}

/// What a new subscription is made of; the URL is checked (form and resolved addresses) by the
/// caller, which can reach the network.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub filter: Filter,
    /// `None`: one is generated.
    pub secret: Option<String>,
}

/// A change to a subscription: what is `Some` is replaced.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub filter: Option<Filter>,
}

fn require_admin(actor: &Actor) -> AppResult<()> {
    actor.require(PermissionLevel::Operator, ACCOUNT_ADMINS)
}

fn entry(actor: &Actor, action: &str, id: Uuid, detail: serde_json::Value) -> NewEntry {
    actor.audit_entry(
        action,
        Some(("webhook_subscription", id.to_string())),
        Outcome::Success,
        detail,
    )
}

fn check_types(types: &[String]) -> AppResult<()> {
    if types.is_empty() {
        return Err(AppError::invalid(
            "event_types",
            "name at least one event type",
        ));
    }
    for (i, t) in types.iter().enumerate() {
        if crate::outbox::EventType::parse(t).is_none() {
            return Err(AppError::invalid(
                format!("event_types[{i}]"),
                format!("`{t}` is not an event type"),
            ));
        }
    }
    Ok(())
}

fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

fn filter_detail(f: &Filter) -> serde_json::Value {
    json!({"channel": f.channel, "category": f.category})
}

/// Records a subscription; it receives the events recorded from now on. Returns it with its
/// signing secret, which is not shown again.
pub fn subscribe(
    conn: &mut AnyConnection,
    actor: &Actor,
    key: &VaultKey,
    input: NewSubscription,
    now: DateTime<Utc>,
) -> AppResult<(Subscription, String)> {
    require_admin(actor)?;
    let mut types = input.event_types;
    types.dedup();
    check_types(&types)?;
    let secret = match input.secret {
        Some(s) => {
            ecops_domain::webhook::check_secret(&s).map_err(|m| AppError::invalid("secret", m))?;
            s
        }
        None => new_secret(),
    };
    let id = Uuid::now_v7();
    let sealed = key.seal_text(id, &secret)?;
    write_tx(conn, |conn| {
        lock_subject(conn, "vault", "key")?;
        let s = Subscription {
            id,
            url: input.url,
            description: input.description.trim().to_owned(),
            event_types: types,
            filter_channel: input.filter.channel.clone(),
            filter_category: input.filter.category.clone(),
            secret_sealed: sealed,
            state: repo::ACTIVE.to_owned(),
            paused_reason: None,
            consecutive_failures: 0,
            failing_since: None,
            fanned_to: outbox::head(conn)?.unwrap_or(0),
            created_by: actor.id,
            created_at: now,
            updated_at: now,
        };
        repo::insert(conn, &s)?;
        audit::append(
            conn,
            &entry(
                actor,
                "webhook.create",
                id,
                json!({"url": s.url, "event_types": s.event_types, "filter": filter_detail(&input.filter)}),
            ),
            now,
        )?;
        Ok((s, secret))
    })
}

/// The subscriptions (IT only).
pub fn list(conn: &mut AnyConnection, actor: &Actor) -> AppResult<Vec<Subscription>> {
    require_admin(actor)?;
    Ok(repo::list(conn)?)
}

fn found(conn: &mut AnyConnection, id: Uuid) -> AppResult<Subscription> {
    repo::find(conn, id)?.ok_or_else(|| AppError::not_found("no such webhook subscription"))
}

/// One subscription (IT only).
pub fn get(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<Subscription> {
    require_admin(actor)?;
    found(conn, id)
}

/// Changes a subscription's target, description, types or filter.
pub fn change(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    change: Change,
    now: DateTime<Utc>,
) -> AppResult<Subscription> {
    require_admin(actor)?;
    if let Some(types) = &change.event_types {
        check_types(types)?;
    }
    write_tx(conn, |conn| {
        let mut s = found(conn, id)?;
        let before = json!({"url": s.url, "event_types": s.event_types, "description": s.description,
            "filter": {"channel": s.filter_channel, "category": s.filter_category}});
        if let Some(url) = change.url {
            s.url = url;
        }
        if let Some(d) = change.description {
            s.description = d.trim().to_owned();
        }
        if let Some(mut types) = change.event_types {
            types.dedup();
            s.event_types = types;
        }
        if let Some(f) = change.filter {
            s.filter_channel = f.channel;
            s.filter_category = f.category;
        }
        repo::update(conn, &s, now)?;
        audit::append(
            conn,
            &entry(
                actor,
                "webhook.update",
                id,
                json!({"before": before, "url": s.url, "event_types": s.event_types,
                    "description": s.description,
                    "filter": {"channel": s.filter_channel, "category": s.filter_category}}),
            ),
            now,
        )?;
        found(conn, id)
    })
}

/// A new signing secret (given or generated), effective for the next attempt; returned once.
pub fn rotate_secret(
    conn: &mut AnyConnection,
    actor: &Actor,
    key: &VaultKey,
    id: Uuid,
    secret: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<String> {
    require_admin(actor)?;
    let secret = match secret {
        Some(s) => {
            ecops_domain::webhook::check_secret(&s).map_err(|m| AppError::invalid("secret", m))?;
            s
        }
        None => new_secret(),
    };
    let sealed = key.seal_text(id, &secret)?;
    write_tx(conn, |conn| {
        // The vault key's rotation takes the same lock: a secret sealed now is never left under
        // a key that rotation replaced.
        lock_subject(conn, "vault", "key")?;
        found(conn, id)?;
        repo::set_secret(conn, id, &sealed)?;
        audit::append(
            conn,
            &entry(actor, "webhook.rotate_secret", id, json!({})),
            now,
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(secret)
}

/// Pauses deliveries (they wait, and flow again on resume).
pub fn pause(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Subscription> {
    require_admin(actor)?;
    write_tx(conn, |conn| {
        found(conn, id)?;
        if !repo::set_state(conn, id, Some("by_admin"), now)? {
            return Err(AppError::conflict(
                "already_paused",
                "the subscription is paused already",
            ));
        }
        audit::append(conn, &entry(actor, "webhook.pause", id, json!({})), now)?;
        found(conn, id)
    })
}

/// Resumes a paused subscription: what waited is sent now, in order.
pub fn resume(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Subscription> {
    require_admin(actor)?;
    write_tx(conn, |conn| {
        let before = found(conn, id)?;
        if !repo::set_state(conn, id, None, now)? {
            return Err(AppError::conflict(
                "not_paused",
                "the subscription is not paused",
            ));
        }
        repo::due_now(conn, id, now)?;
        audit::append(
            conn,
            &entry(
                actor,
                "webhook.resume",
                id,
                json!({"paused_for": before.paused_reason}),
            ),
            now,
        )?;
        found(conn, id)
    })
}

/// Removes a subscription, its deliveries and its log.
pub fn remove(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    require_admin(actor)?;
    write_tx(conn, |conn| {
        // A fan-out of this subscription finishes first (its deliveries are removed with it).
        lock_subject(conn, "webhook_fanout", &id.to_string())?;
        let s = found(conn, id)?;
        repo::delete(conn, id)?;
        audit::append(
            conn,
            &entry(actor, "webhook.delete", id, json!({"url": s.url})),
            now,
        )?;
        Ok(())
    })
}

fn filter_of(s: &Subscription) -> Filter {
    Filter {
        channel: s.filter_channel.clone(),
        category: s.filter_category.clone(),
    }
}

/// Whether the subscription takes the event: its type, then its filter. An after-sales case is
/// narrowed by its order's channel.
fn takes(conn: &mut AnyConnection, s: &Subscription, e: &outbox::Event) -> AppResult<bool> {
    if !s.event_types.contains(&e.event_type) {
        return Ok(false);
    }
    let filter = filter_of(s);
    if filter.channel.is_some() && e.resource_type == "aftersales_case" {
        let order = e.data["order_id"]
            .as_str()
            .and_then(|o| Uuid::parse_str(o).ok());
        let channel = match order {
            Some(o) => ecops_persistence::repo::orders::find_row(conn, o)?.map(|r| r.channel),
            None => None,
        };
        return Ok(channel == filter.channel && filter.passes(&e.data));
    }
    Ok(filter.passes(&e.data))
}

fn resource_key(e: &outbox::Event) -> String {
    format!("{}:{}", e.resource_type, e.resource_id)
}

/// Sends one event again from its first try (also one recorded before the subscription existed,
/// or left out by its types: an explicit replay).
pub fn redeliver(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    event: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Delivery> {
    require_admin(actor)?;
    found(conn, id)?;
    // What the subscription has not been given yet is queued first, in order.
    fan_out_one(conn, id, now)?;
    write_tx(conn, |conn| {
        lock_subject(conn, "webhook_fanout", &id.to_string())?;
        let s = found(conn, id)?;
        let e = outbox::find(conn, event)?
            .ok_or_else(|| AppError::not_found(format!("no event {event}")))?;
        if e.seq > s.fanned_to {
            return Err(AppError::conflict(
                "not_yet_queued",
                "the event is newer than what the subscription has been given; it is on its way",
            ));
        }
        if !repo::requeue(conn, id, event, now)? {
            repo::enqueue(
                conn,
                id,
                (e.seq, e.id, &e.event_type, &resource_key(&e)),
                now,
            )?;
        }
        audit::append(
            conn,
            &entry(
                actor,
                "webhook.redeliver",
                id,
                json!({"event_id": event, "seq": e.seq}),
            ),
            now,
        )?;
        repo::delivery_of(conn, id, event)?
            .ok_or_else(|| AppError::Internal("a requeued delivery is gone".into()))
    })
}

/// The longest period one redelivery may span.
pub const MAX_REDELIVERY_DAYS: i64 = 31;

/// Sends again what the subscription takes of the events recorded in `[from, to)`, in order.
/// Returns how many deliveries were queued.
pub fn redeliver_range(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    period: (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> AppResult<usize> {
    require_admin(actor)?;
    let (from, to) = period;
    if to <= from {
        return Err(AppError::invalid("to", "must be after `from`"));
    }
    if to - from > Duration::days(MAX_REDELIVERY_DAYS) {
        return Err(AppError::invalid(
            "to",
            format!("a redelivery spans at most {MAX_REDELIVERY_DAYS} days"),
        ));
    }
    found(conn, id)?;
    fan_out_one(conn, id, now)?;
    write_tx(conn, |conn| {
        lock_subject(conn, "webhook_fanout", &id.to_string())?;
        let s = found(conn, id)?;
        let Some((first, last)) = outbox::span(conn, from, to)? else {
            return Ok(0);
        };
        // Events the fan-out has not reached yet are delivered by it.
        let last = last.min(s.fanned_to);
        let mut queued = 0;
        let mut after = first - 1;
        while after < last {
            let batch = outbox::after(conn, after, &s.event_types, 500)?;
            let Some(end) = batch.last().map(|e| e.seq) else {
                break;
            };
            for e in batch
                .iter()
                .filter(|e| e.seq <= last && e.occurred_at >= from && e.occurred_at < to)
            {
                if !takes(conn, &s, e)? {
                    continue;
                }
                if !repo::requeue(conn, id, e.id, now)? {
                    repo::enqueue(
                        conn,
                        id,
                        (e.seq, e.id, &e.event_type, &resource_key(e)),
                        now,
                    )?;
                }
                queued += 1;
            }
            after = end;
        }
        audit::append(
            conn,
            &entry(
                actor,
                "webhook.redeliver",
                id,
                json!({"from": from, "to": to, "count": queued}),
            ),
            now,
        )?;
        Ok(queued)
    })
}

/// Fans the outbox's new events out to every subscription (active or paused: a paused one gets
/// them on resume). Each subscription's mark moves under its own lock, so with several nodes an
/// event is queued once per subscription (the unique key backs it). Returns how many deliveries
/// were queued.
pub fn fan_out(conn: &mut AnyConnection, now: DateTime<Utc>) -> AppResult<usize> {
    let subscriptions = repo::list(conn)?;
    if subscriptions.is_empty() {
        return Ok(0);
    }
    let head = outbox::head(conn)?.unwrap_or(0);
    let mut queued = 0;
    for sub in subscriptions {
        // Nothing new for it: no write transaction (on SQLite it would take the write lock each
        // tick of each node).
        if head > sub.fanned_to {
            queued += fan_out_one(conn, sub.id, now)?;
        }
    }
    Ok(queued)
}

/// Fans the new events out to one subscription, a batch per transaction.
fn fan_out_one(conn: &mut AnyConnection, id: Uuid, now: DateTime<Utc>) -> AppResult<usize> {
    const BATCH: i64 = 500;
    let mut queued = 0;
    loop {
        let (n, more) = write_tx(conn, |conn| -> AppResult<(usize, bool)> {
            lock_subject(conn, "webhook_fanout", &id.to_string())?;
            let Some(s) = repo::find(conn, id)? else {
                return Ok((0, false));
            };
            let head = outbox::head(conn)?.unwrap_or(0);
            if head <= s.fanned_to {
                return Ok((0, false));
            }
            let events = outbox::after(conn, s.fanned_to, &s.event_types, BATCH)?;
            let full = events.len() as i64 == BATCH;
            let mut n = 0;
            for e in &events {
                if takes(conn, &s, e)? {
                    repo::enqueue(
                        conn,
                        s.id,
                        (e.seq, e.id, &e.event_type, &resource_key(e)),
                        now,
                    )?;
                    n += 1;
                }
            }
            let last = events.last().map_or(head, |e| e.seq);
            let to = if full { last } else { last.max(head) };
            if !repo::advance(conn, s.id, s.fanned_to, to)? {
                return Ok((0, false));
            }
            Ok((n, full))
        })?;
        queued += n;
        if !more {
            return Ok(queued);
        }
    }
}

/// A delivery claimed by this node, ready to send.
#[derive(Debug, Clone)]
pub struct Job {
    pub delivery: Delivery,
    pub subscription: Uuid,
    pub url: String,
    pub secret: String,
    /// The webhook-id: the event's id, the same on every try and every node.
    pub webhook_id: String,
    pub event_type: String,
    /// The body: the event as `GET /events` shows it.
    pub payload: String,
}

/// The event as the feed shows it (the webhook body).
pub fn payload(e: &outbox::Event) -> serde_json::Value {
    json!({
        "seq": e.seq,
        "id": e.id,
        "type": e.event_type,
        "occurred_at": e.occurred_at,
        "resource_type": e.resource_type,
        "resource_id": e.resource_id,
        "context": e.context,
        "data": e.data,
    })
}

/// What a round of the dispatcher claimed.
#[derive(Debug, Default)]
pub struct Claimed {
    pub jobs: Vec<Job>,
    /// Subscriptions left alone because their secret does not open with this node's vault key
    /// (their deliveries wait; the caller says so in its log).
    pub sealed_elsewhere: Vec<Uuid>,
}

/// Claims up to `settings.batch` due deliveries for this node: of each active subscription, per
/// resource only the oldest pending one (so a resource's events arrive in order), when it is due
/// and not held by another node. A first pass gives each subscription an even share of the batch
/// (starting at a different one each round), a second hands what is left to whoever has more, so
/// one backlog neither starves the others nor waits while the batch runs half empty.
pub fn claim_due(
    conn: &mut AnyConnection,
    settings: &Settings,
    key: &VaultKey,
    now: DateTime<Utc>,
) -> AppResult<Claimed> {
    let mut out = Claimed::default();
    let mut active: Vec<(Subscription, String)> = Vec::new();
    for s in repo::list(conn)?
        .into_iter()
        .filter(|s| s.state == repo::ACTIVE)
    {
        match key.open_text(s.id, &s.secret_sealed) {
            Ok(secret) => active.push((s, secret)),
            Err(_) => out.sealed_elsewhere.push(s.id),
        }
    }
    if active.is_empty() {
        return Ok(out);
    }
    let start = rand::random::<usize>() % active.len();
    active.rotate_left(start);
    let share = settings.batch.div_ceil(active.len()).max(1);
    for pass_share in [share, settings.batch] {
        for (s, secret) in &active {
            if out.jobs.len() >= settings.batch {
                return Ok(out);
            }
            let room = settings.batch - out.jobs.len();
            let taken = claim_from(conn, settings, s, secret, now, pass_share.min(room))?;
            out.jobs.extend(taken);
        }
    }
    Ok(out)
}

/// Claims up to `limit` due deliveries of one subscription.
fn claim_from(
    conn: &mut AnyConnection,
    settings: &Settings,
    s: &Subscription,
    secret: &str,
    now: DateTime<Utc>,
    limit: usize,
) -> AppResult<Vec<Job>> {
    let until = now + settings.lease();
    let mut jobs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for d in repo::pending(conn, s.id, 500)? {
        if jobs.len() >= limit {
            break;
        }
        // Only the first pending delivery of each resource may go.
        if !seen.insert(d.resource_key.clone()) {
            continue;
        }
        let held = d.lease_until.is_some_and(|u| u >= now);
        if d.next_attempt_at > now || held {
            continue;
        }
        if !repo::claim(conn, d.id, &settings.node, now, until)? {
            continue;
        }
        let Some(e) = outbox::at(conn, d.event_seq)? else {
            // The event is gone (a restore replaced the database): nothing to send.
            repo::settle(
                conn,
                d.id,
                &settings.node,
                &After::Failed,
                None,
                Some("the event no longer exists"),
                now,
            )?;
            continue;
        };
        jobs.push(Job {
            subscription: s.id,
            url: s.url.clone(),
            secret: secret.to_owned(),
            webhook_id: e.id.to_string(),
            event_type: e.event_type.clone(),
            payload: payload(&e).to_string(),
            delivery: d,
        });
    }
    Ok(jobs)
}

/// How an attempt went.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    /// The answer's status, if one came.
    pub status: Option<u16>,
    pub latency_ms: i64,
    /// The first bytes of the answer's body.
    pub excerpt: String,
    /// What went wrong before an answer (refused, timed out, not allowed).
    pub error: Option<String>,
}

impl AttemptOutcome {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Records an attempt of `job` and decides what follows: delivered; tried again after the
/// schedule's next wait; failed when the schedule is spent. A failure lengthens the
/// subscription's run of failures, which pauses it at `settings.pause_after_failures` (said in
/// the audit log); a success ends the run.
pub fn settle(
    conn: &mut AnyConnection,
    settings: &Settings,
    job: &Job,
    outcome: &AttemptOutcome,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use rand::Rng;
    let jitter: f64 = rand::thread_rng().gen();
    write_tx(conn, |conn| {
        repo::record_attempt(
            conn,
            &Attempt {
                id: Uuid::now_v7(),
                subscription_id: job.subscription,
                delivery_id: Some(job.delivery.id),
                event_id: job.delivery.event_id,
                event_type: job.event_type.clone(),
                attempted_at: now,
                status_code: outcome.status.map(i32::from),
                latency_ms: outcome.latency_ms,
                response_excerpt: outcome.excerpt.clone(),
                error: outcome.error.clone(),
                node: settings.node.clone(),
            },
        )?;
        let tries = u32::try_from(job.delivery.tries).unwrap_or(0) + 1;
        let after = if outcome.succeeded() {
            After::Delivered
        } else {
            match settings.retry.next_wait(tries, jitter) {
                Some(wait) => After::Retry(now + wait),
                None => After::Failed,
            }
        };
        let settled = repo::settle(
            conn,
            job.delivery.id,
            &settings.node,
            &after,
            outcome.status.map(i32::from),
            outcome.error.as_deref(),
            now,
        )?;
        if !settled {
            // The lease ran out and another node has the delivery: its attempt decides.
            return Ok(());
        }
        if outcome.succeeded() {
            repo::clear_failures(conn, job.subscription)?;
            return Ok(());
        }
        let (run, since) = repo::count_failure(conn, job.subscription, now)?;
        let limit = i32::try_from(settings.pause_after_failures).unwrap_or(i32::MAX);
        if limit > 0
            && run >= limit
            && now - since >= settings.pause_after
            && repo::set_state(conn, job.subscription, Some("failures"), now)?
        {
            audit::append(
                conn,
                &NewEntry {
                    actor_id: None,
                    actor_username: None,
                    action: "webhook.paused".to_owned(),
                    subject_type: Some("webhook_subscription".to_owned()),
                    subject_id: Some(job.subscription.to_string()),
                    client_addr: None,
                    outcome: Outcome::Success,
                    detail: json!({
                        "reason": "failures",
                        "consecutive_failures": run,
                        "failing_since": since,
                        "last_status": outcome.status,
                        "last_error": outcome.error,
                        "node": settings.node,
                    }),
                    request_id: None,
                    on_behalf_of: None,
                },
                now,
            )?;
        }
        Ok(())
    })
}

/// The target and secret of a test ping (IT only).
pub fn ping_target(
    conn: &mut AnyConnection,
    actor: &Actor,
    key: &VaultKey,
    id: Uuid,
) -> AppResult<(String, String)> {
    require_admin(actor)?;
    let s = found(conn, id)?;
    Ok((s.url.clone(), key.open_text(s.id, &s.secret_sealed)?))
}

/// Records a test ping's attempt in the delivery log and the audit log.
pub fn record_ping(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    ping_id: Uuid,
    outcome: &AttemptOutcome,
    node: &str,
    now: DateTime<Utc>,
) -> AppResult<Attempt> {
    write_tx(conn, |conn| {
        found(conn, id)?;
        let a = Attempt {
            id: Uuid::now_v7(),
            subscription_id: id,
            delivery_id: None,
            event_id: ping_id,
            event_type: PING.to_owned(),
            attempted_at: now,
            status_code: outcome.status.map(i32::from),
            latency_ms: outcome.latency_ms,
            response_excerpt: outcome.excerpt.clone(),
            error: outcome.error.clone(),
            node: node.to_owned(),
        };
        repo::record_attempt(conn, &a)?;
        audit::append(
            conn,
            &entry(
                actor,
                "webhook.ping",
                id,
                json!({"status": outcome.status, "error": outcome.error}),
            ),
            now,
        )?;
        Ok(a)
    })
}

/// The type of a test ping (not an event of the catalogue: never in the feed).
pub const PING: &str = "webhook.ping";

/// A subscription's deliveries and attempts (IT only).
pub fn deliveries(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    state: Option<&str>,
    before_seq: Option<i64>,
    limit: i64,
) -> AppResult<Vec<Delivery>> {
    require_admin(actor)?;
    found(conn, id)?;
    Ok(repo::deliveries(conn, id, state, before_seq, limit)?)
}

pub fn attempts(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    event: Option<Uuid>,
    before: Option<Uuid>,
    limit: i64,
) -> AppResult<Vec<Attempt>> {
    require_admin(actor)?;
    found(conn, id)?;
    Ok(repo::attempts(conn, id, event, before, limit)?)
}
