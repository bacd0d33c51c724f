//! Webhook subscriptions (IT, from a login session: they hand out signing secrets), their
//! delivery log, redelivery and a test ping; and the dispatcher that delivers the outbox's
//! events, signed as Standard Webhooks describes.

use crate::auth::{Caller, Identity};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::Utc;
use ecops_api_types::{
    AttemptQuery, AttemptView, CreateWebhookRequest, DeliveryQuery, DeliveryState, DeliveryView,
    EventType, Page, PauseReason, Problem, RedeliverRangeRequest, Redelivered, RotateSecretRequest,
    SecretRotated, UpdateWebhookRequest, WebhookCreated, WebhookFilter, WebhookState, WebhookView,
};
use ecops_app::webhooks::{self as uc, AttemptOutcome, Job, Settings};
use ecops_domain::webhook::{check_target, is_internal, Allowlist, Filter};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::repo::webhooks::{self as repo, Attempt, Delivery, Subscription};
use ecops_persistence::AnyConnection;
use std::net::SocketAddr;
use std::sync::Arc;
use uuid::Uuid;

fn require_admin(who: &Identity) -> ApiResult<()> {
    who.require(PermissionLevel::Operator, &[JobRole::ItAdmin])?;
    if who.session_id().is_none() {
        return Err(ApiError::forbidden(
            "session_required",
            "webhook subscriptions are managed from a login session",
        ));
    }
    Ok(())
}

fn view(conn: &mut AnyConnection, s: Subscription) -> ApiResult<WebhookView> {
    let (pending, delivered, failed) = repo::counts(conn, s.id)?;
    Ok(WebhookView {
        id: s.id,
        url: s.url,
        description: s.description,
        event_types: s
            .event_types
            .iter()
            .filter_map(|t| EventType::parse(t))
            .collect(),
        filter: WebhookFilter {
            channel: s.filter_channel,
            category: s.filter_category,
        },
        state: if s.state == repo::PAUSED {
            WebhookState::Paused
        } else {
            WebhookState::Active
        },
        paused_reason: match s.paused_reason.as_deref() {
            Some("failures") => Some(PauseReason::Failures),
            Some(_) => Some(PauseReason::ByAdmin),
            None => None,
        },
        consecutive_failures: s.consecutive_failures,
        pending,
        delivered,
        failed,
        created_by: s.created_by,
        created_at: s.created_at,
        updated_at: s.updated_at,
    })
}

fn delivery_view(d: Delivery) -> ApiResult<DeliveryView> {
    let state = match d.state.as_str() {
        repo::DELIVERED => DeliveryState::Delivered,
        repo::FAILED => DeliveryState::Failed,
        _ => DeliveryState::Pending,
    };
    Ok(DeliveryView {
        event_id: d.event_id,
        seq: d.event_seq,
        event_type: EventType::parse(&d.event_type)
            .ok_or_else(|| ApiError::internal(format!("stored event type `{}`", d.event_type)))?,
        resource: d.resource_key,
        next_attempt_at: (state == DeliveryState::Pending).then_some(d.next_attempt_at),
        state,
        tries: d.tries,
        last_status: d.last_status,
        last_error: d.last_error,
        created_at: d.created_at,
        delivered_at: d.delivered_at,
    })
}

fn attempt_view(a: Attempt) -> AttemptView {
    AttemptView {
        id: a.id,
        event_id: a.event_id,
        event_type: a.event_type,
        attempted_at: a.attempted_at,
        status_code: a.status_code,
        latency_ms: a.latency_ms,
        response_excerpt: a.response_excerpt,
        error: a.error,
        node: a.node,
    }
}

fn filter(f: WebhookFilter) -> Filter {
    let clean = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Filter {
        channel: clean(f.channel),
        category: clean(f.category),
    }
}

/// Every type names one of the catalogue (checked before the target is resolved).
fn known_types(types: &[String]) -> ApiResult<()> {
    for (i, t) in types.iter().enumerate() {
        if EventType::parse(t).is_none() {
            return Err(ApiError::invalid_field(
                &format!("event_types[{i}]"),
                format!(
                    "`{t}` is not an event type; known: {}",
                    EventType::ALL.map(EventType::as_str).join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Checks a target as the dispatcher will reach it: its form (https, or an allowlisted host),
/// then every address its name resolves to (none internal unless allowlisted).
async fn checked_url(url: &str, allow: &Allowlist) -> ApiResult<String> {
    let target =
        check_target(url, allow).map_err(|e| ApiError::invalid_field("url", e.to_string()))?;
    if !target.allowlisted {
        let addrs = resolve(&target.host, target.port).await.map_err(|e| {
            ApiError::invalid_field("url", format!("`{}` does not resolve: {e}", target.host))
        })?;
        if let Some(bad) = addrs
            .iter()
            .find(|a| is_internal(a.ip()) && !allow.allows_ip(a.ip()))
        {
            return Err(ApiError::invalid_field(
                "url",
                format!(
                    "`{}` resolves to an internal address ({}); only allowlisted hosts may",
                    target.host,
                    bad.ip()
                ),
            ));
        }
    }
    Ok(target.url)
}

async fn resolve(host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await?
        .collect();
    if addrs.is_empty() {
        return Err(std::io::Error::other("no address"));
    }
    Ok(addrs)
}

/// Subscribes a target to event types. The answer carries the signing secret, once.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), request_body = CreateWebhookRequest,
    responses((status = 201, description = "Subscribed; keep the secret, it is not shown again", body = WebhookCreated),
        (status = 422, description = "An unknown event type, a URL that is not https or reaches an internal address without the allowlist, a secret that is not `whsec_` and 24 to 64 bytes of base64", body = Problem, content_type = "application/problem+json")))]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateWebhookRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    // Only IT may make the server resolve a name: checked before the target is looked at.
    require_admin(&state.identify(who.clone()).await?)?;
    known_types(&body.event_types)?;
    let url = checked_url(&body.url, &state.config.webhooks.allowlist).await?;
    let now = state.clock.now();
    let key = state.config.vault_key.clone();
    let created = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            let (s, secret) = uc::subscribe(
                conn,
                &actor(&who, &meta),
                &key,
                uc::NewSubscription {
                    url,
                    description: body.description,
                    event_types: body.event_types,
                    filter: filter(body.filter),
                    secret: body.secret,
                },
                now,
            )?;
            Ok(WebhookCreated {
                secret,
                subscription: view(conn, s)?,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// The subscriptions, oldest first, with their delivery counts.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    responses((status = 200, description = "Every subscription", body = [WebhookView])))]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
) -> ApiResult<web::Json<Vec<WebhookView>>> {
    let list = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            uc::list(conn, &actor(&who, &meta))?
                .into_iter()
                .map(|s| view(conn, s))
                .collect()
        })
        .await?;
    Ok(web::Json(list))
}

/// One subscription.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 200, description = "The subscription", body = WebhookView),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json")))]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<WebhookView>> {
    let id = id.into_inner();
    let v = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            let s = uc::get(conn, &actor(&who, &meta), id)?;
            view(conn, s)
        })
        .await?;
    Ok(web::Json(v))
}

/// Changes the target, description, event types or filter; the next delivery follows it.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), request_body = UpdateWebhookRequest,
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 200, description = "Changed", body = WebhookView),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown event type or a refused URL", body = Problem, content_type = "application/problem+json")))]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateWebhookRequest>,
) -> ApiResult<web::Json<WebhookView>> {
    let id = id.into_inner();
    let body = body.into_inner();
    require_admin(&state.identify(who.clone()).await?)?;
    if let Some(types) = &body.event_types {
        known_types(types)?;
    }
    let url = match &body.url {
        Some(u) => Some(checked_url(u, &state.config.webhooks.allowlist).await?),
        None => None,
    };
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            let s = uc::change(
                conn,
                &actor(&who, &meta),
                id,
                uc::Change {
                    url,
                    description: body.description,
                    event_types: body.event_types,
                    filter: body.filter.map(filter),
                },
                now,
            )?;
            view(conn, s)
        })
        .await?;
    Ok(web::Json(v))
}

/// Removes a subscription with its deliveries and log; answers with what it was.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 200, description = "Removed; the subscription as it was", body = WebhookView),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json")))]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<WebhookView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            let a = actor(&who, &meta);
            let found = uc::get(conn, &a, id)?;
            let before = view(conn, found)?;
            uc::remove(conn, &a, id, now)?;
            Ok(before)
        })
        .await?;
    Ok(web::Json(v))
}

/// Pauses or resumes a subscription (IT) and answers with it.
async fn set_state(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: Uuid,
    change: fn(
        &mut AnyConnection,
        &ecops_app::Actor,
        Uuid,
        chrono::DateTime<Utc>,
    ) -> ecops_app::AppResult<Subscription>,
) -> ApiResult<web::Json<WebhookView>> {
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            let s = change(conn, &actor(&who, &meta), id, now)?;
            view(conn, s)
        })
        .await?;
    Ok(web::Json(v))
}

/// Pauses deliveries; events go on being queued and are sent, in order, on resume.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 200, description = "Paused", body = WebhookView),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Paused already", body = Problem, content_type = "application/problem+json")))]
#[post("/webhooks/{id}/pause")]
pub async fn pause_webhook(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<WebhookView>> {
    set_state(state, meta, who, id.into_inner(), uc::pause).await
}

/// Resumes a paused subscription (also one paused after failures): what waited is sent now.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 200, description = "Resumed", body = WebhookView),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not paused", body = Problem, content_type = "application/problem+json")))]
#[post("/webhooks/{id}/resume")]
pub async fn resume_webhook(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<WebhookView>> {
    set_state(state, meta, who, id.into_inner(), uc::resume).await
}

/// A new signing secret, used from the next attempt on; shown once.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), request_body = RotateSecretRequest,
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 200, description = "The new secret", body = SecretRotated),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A secret that is not `whsec_` and 24 to 64 bytes of base64", body = Problem, content_type = "application/problem+json")))]
#[post("/webhooks/{id}/secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<RotateSecretRequest>,
) -> ApiResult<web::Json<SecretRotated>> {
    let id = id.into_inner();
    let secret = body.into_inner().secret;
    let now = state.clock.now();
    let key = state.config.vault_key.clone();
    let secret = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            Ok(uc::rotate_secret(
                conn,
                &actor(&who, &meta),
                &key,
                id,
                secret,
                now,
            )?)
        })
        .await?;
    Ok(web::Json(SecretRotated { secret }))
}

/// The subscription's deliveries, newest event first.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id"), DeliveryQuery),
    responses((status = 200, description = "One page of deliveries", body = Page<DeliveryView>),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json")))]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    query: Query<DeliveryQuery>,
) -> ApiResult<web::Json<Page<DeliveryView>>> {
    let id = id.into_inner();
    let q = query.into_inner();
    let limit = list_limit(q.limit)?;
    let before = match state.cursors.decode(q.cursor.as_deref())? {
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            ApiError::bad_field("invalid_cursor", "cursor", "is not a cursor of this list")
        })?),
        None => None,
    };
    let rows = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            Ok(uc::deliveries(
                conn,
                &actor(&who, &meta),
                id,
                q.state.map(DeliveryState::as_str),
                before,
                limit + 1,
            )?)
        })
        .await?;
    let (rows, next_cursor) = state
        .cursors
        .paginate(rows, limit, |d| d.event_seq.to_string());
    Ok(web::Json(Page {
        items: rows
            .into_iter()
            .map(delivery_view)
            .collect::<ApiResult<_>>()?,
        next_cursor,
    }))
}

fn list_limit(limit: Option<i64>) -> ApiResult<i64> {
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_field(
            "invalid_query",
            "limit",
            "must be 1 to 200",
        ));
    }
    Ok(limit)
}

/// Every attempt, newest first: time, status, latency and the start of the answer.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id"), AttemptQuery),
    responses((status = 200, description = "One page of attempts", body = Page<AttemptView>),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json")))]
#[get("/webhooks/{id}/attempts")]
pub async fn list_webhook_attempts(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    query: Query<AttemptQuery>,
) -> ApiResult<web::Json<Page<AttemptView>>> {
    let id = id.into_inner();
    let q = query.into_inner();
    let limit = list_limit(q.limit)?;
    let before = match state.cursors.decode(q.cursor.as_deref())? {
        Some(c) => Some(Uuid::parse_str(&c).map_err(|_| {
            ApiError::bad_field("invalid_cursor", "cursor", "is not a cursor of this list")
        })?),
        None => None,
    };
    let rows = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            Ok(uc::attempts(
                conn,
                &actor(&who, &meta),
                id,
                q.event_id,
                before,
                limit + 1,
            )?)
        })
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |a| a.id.to_string());
    Ok(web::Json(Page {
        items: rows.into_iter().map(attempt_view).collect(),
        next_cursor,
    }))
}

/// Sends one event again from its first try, with the same `webhook-id` (also an event recorded
/// before the subscription existed: a replay).
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id"), ("event_id" = Uuid, Path, description = "Event id")),
    responses((status = 202, description = "Queued", body = DeliveryView),
        (status = 404, description = "No such subscription or event", body = Problem, content_type = "application/problem+json")))]
#[post("/webhooks/{id}/deliveries/{event_id}/redeliver")]
pub async fn redeliver_webhook_event(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, event) = path.into_inner();
    let now = state.clock.now();
    let d = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            delivery_view(uc::redeliver(conn, &actor(&who, &meta), id, event, now)?)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(d))
}

/// Sends again, in order, what the subscription takes of the events recorded in a period.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), request_body = RedeliverRangeRequest,
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 202, description = "Queued", body = Redelivered),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`to` not after `from`, or more than 31 days", body = Problem, content_type = "application/problem+json")))]
#[post("/webhooks/{id}/redeliver")]
pub async fn redeliver_webhook_range(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: web::Json<RedeliverRangeRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let now = state.clock.now();
    let queued = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            Ok(uc::redeliver_range(
                conn,
                &actor(&who, &meta),
                id,
                (body.from, body.to),
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(Redelivered { queued }))
}

/// Sends a signed `webhook.ping` now and answers with the attempt (also in the delivery log).
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 200, description = "The attempt: the receiver's status, latency and answer", body = AttemptView),
        (status = 404, description = "No such subscription", body = Problem, content_type = "application/problem+json")))]
#[post("/webhooks/{id}/ping")]
pub async fn ping_webhook(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AttemptView>> {
    let id = id.into_inner();
    let key = state.config.vault_key.clone();
    let (caller, m) = (who.clone(), meta.clone());
    let (url, secret) = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            Ok(uc::ping_target(conn, &actor(&who, &m), &key, id)?)
        })
        .await?;
    let now = state.clock.now();
    let ping_id = Uuid::now_v7();
    let body = serde_json::json!({
        "seq": 0,
        "id": ping_id,
        "type": uc::PING,
        "occurred_at": now,
        "resource_type": "webhook_subscription",
        "resource_id": id,
        "context": {},
        "data": {"subscription_id": id},
    })
    .to_string();
    let sender = Sender::new(&state.config.webhooks).map_err(ApiError::internal)?;
    let outcome = sender
        .send(&url, &secret, &ping_id.to_string(), &body, now.timestamp())
        .await;
    let node = state.config.webhooks.node.clone();
    let a = state
        .run_as(caller, move |conn, who| {
            Ok(uc::record_ping(
                conn,
                &actor(&who, &meta),
                id,
                ping_id,
                &outcome,
                &node,
                now,
            )?)
        })
        .await?;
    Ok(web::Json(attempt_view(a)))
}

/// Resolves names for the dispatcher, keeping only addresses a webhook may reach: internal ones
/// only for allowlisted hosts. Checked at every connection, so a name that later resolves inside
/// the network (DNS rebinding) is refused then too.
struct GuardedResolver {
    allow: Arc<Allowlist>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs = resolve(&host, 0).await?;
            let allowed_host = allow.allows_host(&host);
            let ok: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|a| allowed_host || allow.allows_ip(a.ip()) || !is_internal(a.ip()))
                .collect();
            if ok.is_empty() {
                return Err(format!("`{host}` resolves only to internal addresses").into());
            }
            Ok(Box::new(ok.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Sends signed deliveries.
pub struct Sender {
    client: reqwest::Client,
    allow: Arc<Allowlist>,
}

/// How much of an answer's body is kept in the log.
const EXCERPT_CHARS: usize = 500;

impl Sender {
    pub fn new(settings: &Settings) -> Result<Sender, String> {
        let allow = Arc::new(settings.allowlist.clone());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve the name itself, past the guard below.
            .no_proxy()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("ecops-webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver {
                allow: allow.clone(),
            }))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Sender { client, allow })
    }

    /// POSTs `body` to `url` with the Standard Webhooks headers; never fails, reports.
    pub async fn send(
        &self,
        url: &str,
        secret: &str,
        webhook_id: &str,
        body: &str,
        timestamp: i64,
    ) -> AttemptOutcome {
        let started = std::time::Instant::now();
        let fail = |error: String| AttemptOutcome {
            status: None,
            latency_ms: started.elapsed().as_millis() as i64,
            excerpt: String::new(),
            error: Some(error),
        };
        // The target is checked again: the allowlist may have changed since it was subscribed.
        if let Err(e) = check_target(url, &self.allow) {
            return fail(format!("the target is refused: {e}"));
        }
        let signature = match standardwebhooks::Webhook::new(secret)
            .and_then(|w| w.sign(webhook_id, timestamp, body.as_bytes()))
        {
            Ok(s) => s,
            Err(e) => return fail(format!("signing failed: {e}")),
        };
        let sent = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", webhook_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_owned())
            .send()
            .await;
        let mut resp = match sent {
            Ok(r) => r,
            Err(e) => {
                // The URL (which may carry a token in its query) stays out of the log.
                let e = e.without_url();
                let why = if e.is_timeout() {
                    "timed out".to_owned()
                } else {
                    std::error::Error::source(&e)
                        .map(|s| format!("{e}: {s}"))
                        .unwrap_or_else(|| e.to_string())
                };
                return fail(why);
            }
        };
        let status = resp.status().as_u16();
        let mut bytes = Vec::new();
        while bytes.len() < EXCERPT_CHARS * 4 {
            match resp.chunk().await {
                Ok(Some(c)) => bytes.extend_from_slice(&c),
                _ => break,
            }
        }
        let excerpt: String = String::from_utf8_lossy(&bytes)
            .chars()
            .take(EXCERPT_CHARS)
            .collect();
        AttemptOutcome {
            status: Some(status),
            latency_ms: started.elapsed().as_millis() as i64,
            excerpt,
            error: (!(200..300).contains(&status)).then(|| {
                if (300..400).contains(&status) {
                    "redirects are not followed".to_owned()
                } else {
                    format!("answered {status}")
                }
            }),
        }
    }
}

async fn deliver(state: &web::Data<AppState>, sender: &Sender) -> Result<usize, ApiError> {
    let settings = state.config.webhooks.clone();
    let now = state.clock.now();
    state.run(move |conn| Ok(uc::fan_out(conn, now)?)).await?;
    let key = state.config.vault_key.clone();
    // Read again: the fan-out may have taken a while, and the lease runs from the claim.
    let now = state.clock.now();
    let claimed = state
        .run(move |conn| Ok(uc::claim_due(conn, &settings, &key, now)?))
        .await?;
    for id in &claimed.sealed_elsewhere {
        tracing::warn!(subscription = %id, "a webhook secret does not open with this node's vault key (rotated while it ran? restart it with the new key); its deliveries wait");
    }
    let jobs: Vec<Job> = claimed.jobs;
    let n = jobs.len();
    let sends = jobs.into_iter().map(|job| async move {
        let outcome = sender
            .send(
                &job.url,
                &job.secret,
                &job.webhook_id,
                &job.payload,
                state.clock.now().timestamp(),
            )
            .await;
        (job, outcome)
    });
    for (job, outcome) in futures_util::future::join_all(sends).await {
        let settings = state.config.webhooks.clone();
        let at = state.clock.now();
        if let Err(e) = state
            .run(move |conn| Ok(uc::settle(conn, &settings, &job, &outcome, at)?))
            .await
        {
            tracing::warn!(error = %e, "recording a webhook attempt failed; the lease will run out and it is sent again");
        }
    }
    Ok(n)
}

/// Delivers the outbox's events to the subscriptions until the server stops.
pub async fn run_dispatcher(state: web::Data<AppState>) {
    let sender = match Sender::new(&state.config.webhooks) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "the webhook dispatcher cannot start");
            return;
        }
    };
    let tick = std::time::Duration::from_millis(state.config.webhook_tick_ms.max(10));
    loop {
        match deliver(&state, &sender).await {
            // A full batch: there may be more at once.
            Ok(n) if n >= state.config.webhooks.batch => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, at = %Utc::now(), "webhook delivery round failed"),
        }
        tokio::time::sleep(tick).await;
    }
}
