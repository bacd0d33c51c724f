//! Orders (R-ORD-1..7): creation with stock reservation, the event list, the queue, and the
//! hash-chain check. No endpoint changes an order's core data; attempts are refused and audited.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::idempotency;
use crate::state::AppState;
use crate::support::{page_limit, RequestMeta};
use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use ecops_api_types::{
    CreateOrderRequest, OrderEventInput, OrderEventView, OrderLineView, OrderQuery,
    OrderVerification, OrderView, Page, Problem,
};
use ecops_app::orders::{self as flow, CustomerRef, NewLine, NewOrder};
use ecops_domain::order::{deadline_outcome, EventKind, OrderStatus};
use ecops_domain::product::Sku;
use ecops_persistence::repo::from_db;
use ecops_persistence::repo::orders::{
    self, EventRow, LineRow, OrderFilter, OrderRow, OrderSort, StatusRow,
};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

pub(crate) use ecops_domain::access::ORDER_TAKERS;

/// A stored id; a malformed one is corrupt data (an internal error), never a nil id.
fn uuid_of(s: &str) -> ApiResult<Uuid> {
    Ok(ecops_persistence::repo::orders::parse_id(s)?)
}

/// The wire view of an order.
pub fn view(
    o: &OrderRow,
    lines: &[LineRow],
    s: &StatusRow,
    events: &[EventRow],
    now: DateTime<Utc>,
) -> ApiResult<OrderView> {
    let due = from_db(s.contact_due_at);
    let contacted = s.contacted_at.map(from_db);
    let lines = lines
        .iter()
        .map(|l| {
            Ok(OrderLineView {
                line_no: l.line_no,
                product_id: uuid_of(&l.product_id)?,
                sku: l.sku.clone(),
                title: l.title.clone(),
                quantity: l.quantity,
                unit_price_fen: l.unit_price_fen,
                line_total_fen: l.line_total_fen,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let events = events
        .iter()
        .map(|e| {
            Ok(OrderEventView {
                seq: e.seq,
                kind: crate::wire::stored(
                    "order event kind",
                    &e.kind,
                    ecops_api_types::OrderEventKind::parse,
                )?,
                actor_id: e.actor_id.as_deref().map(uuid_of).transpose()?,
                at: from_db(e.at),
                data: serde_json::from_str(&e.data).map_err(|err| {
                    ApiError::internal(format!("order event {} has unreadable data: {err}", e.id))
                })?,
                hash: e.hash.clone(),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(OrderView {
        id: uuid_of(&o.id)?,
        channel: o.channel.clone(),
        channel_order_no: o.channel_order_no.clone(),
        customer_id: uuid_of(&o.customer_id)?,
        customer_name: o.customer_name.clone(),
        customer_phone: o.customer_phone.clone(),
        shipping_address: o.shipping_address.clone(),
        total_fen: o.total_fen,
        payment_method: o.payment_method.clone(),
        payment_status: crate::wire::stored(
            "payment status",
            &o.payment_status,
            ecops_api_types::PaymentStatus::parse,
        )?,
        paid_fen: o.paid_fen,
        created_by: uuid_of(&o.created_by)?,
        created_at: from_db(o.created_at),
        status: crate::wire::order_status(
            s.status
                .parse()
                .map_err(|e| ApiError::internal(format!("order {} has a bad status: {e}", o.id)))?,
        ),
        contact_due_at: due,
        contacted_at: contacted,
        contact_deadline: crate::wire::deadline_state(deadline_outcome(due, contacted, now)),
        lines,
        events,
    })
}

pub(crate) fn detail(
    conn: &mut AnyConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<OrderView> {
    let rec = orders::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such order"))?;
    view(&rec.order, &rec.lines, &rec.status, &rec.events, now)
}

/// Checks the request's shape beyond types and turns it into the workflow's input.
pub(crate) fn parse_order(body: &CreateOrderRequest) -> ApiResult<NewOrder> {
    let channel = body.channel.trim().to_owned();
    if !channel.starts_with(|c: char| c.is_ascii_lowercase())
        || !channel
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(ApiError::invalid_field(
            "channel",
            "must be a lower-case key such as own_shop, taobao, tmall, jd or phone",
        ));
    }
    if !["paid", "unpaid", "cod"].contains(&body.payment_status.as_str()) {
        return Err(ApiError::invalid_field(
            "payment_status",
            "must be paid, unpaid or cod",
        ));
    }
    let customer = match (&body.customer_id, &body.customer) {
        (Some(id), None) => CustomerRef::Existing(*id),
        (None, Some(c)) => CustomerRef::Contact {
            name: c.name.trim().to_owned(),
            phone: c.phone.trim().to_owned(),
            email: c.email.clone(),
            address: c.address.trim().to_owned(),
            classification: c
                .classification
                .clone()
                .unwrap_or_else(|| "retail".to_owned()),
        },
        _ => {
            return Err(ApiError::invalid_field(
                "customer",
                "give exactly one of customer_id and customer",
            ))
        }
    };
    let mut lines = Vec::with_capacity(body.lines.len());
    for (i, l) in body.lines.iter().enumerate() {
        let sku = Sku::parse(&l.sku)
            .map_err(|m| ApiError::invalid_field(&format!("lines.{i}.sku"), m))?;
        lines.push(NewLine {
            sku: sku.to_string(),
            quantity: l.quantity,
            unit_price_fen: l.unit_price_fen,
        });
    }
    Ok(NewOrder {
        channel,
        channel_order_no: body.channel_order_no.trim().to_owned(),
        customer,
        shipping_address: body.shipping_address.trim().to_owned(),
        payment_method: body.payment_method.trim().to_owned(),
        payment_status: body.payment_status.clone(),
        lines,
        // Set by the caller from who creates it (R-ORD-10); nothing is agreed until then.
        discount_limit_bp: 0,
    })
}

/// Creates an order (customer service, or an integration with `orders:write`). Stock is
/// reserved in the same transaction and can never be oversold; prices come from the product's
/// effective price at this instant unless the channel supplies them. Honours `Idempotency-Key`.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    request_body = CreateOrderRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key: the same key and body return the first answer")),
    responses(
        (status = 201, description = "Created and accepted", body = OrderView),
        (status = 409, description = "The channel order number exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown SKU, not for sale, not enough stock, or bad fields", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/orders")]
pub async fn create_order(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateOrderRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let key = idempotency::key_of(&req)?;
    let fingerprint = idempotency::fingerprint(&req, &body);
    let limits = state.config.orders.discount_limits;
    let within = Duration::minutes(state.config.orders.contact_minutes);
    let now = state.clock.now();
    idempotency::run_once(
        &state,
        who,
        key,
        fingerprint,
        StatusCode::CREATED,
        move |conn, who| {
            who.require_scope("orders:write")?;
            let mut new = parse_order(&body)?;
            new.discount_limit_bp = limits.of(&who.roles);
            let a = crate::support::actor(who, &meta);
            let id = flow::create(conn, &a, &new, within, now)?;
            detail(conn, id, now)
        },
    )
    .await
}

fn encode_key(due: chrono::NaiveDateTime, id: &str) -> String {
    format!("{}|{id}", due.and_utc().timestamp_micros())
}

fn decode_key(key: &str) -> ApiResult<(chrono::NaiveDateTime, String)> {
    let bad = || {
        ApiError::bad_field(
            "invalid_cursor",
            "cursor",
            "is not a cursor this API issued",
        )
    };
    let (micros, id) = key.split_once('|').ok_or_else(bad)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    let due = DateTime::<Utc>::from_timestamp_micros(micros)
        .ok_or_else(bad)?
        .naive_utc();
    Ok((due, id.to_owned()))
}

/// The order queue and search: by channel, status, date range, customer, SKU, or overdue
/// contact; newest first or most urgent contact deadline first. Constant queries per page.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(OrderQuery),
    responses((status = 200, description = "One page of orders", body = Page<OrderView>))
)]
#[get("/orders")]
pub async fn list_orders(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<OrderQuery>,
) -> ApiResult<web::Json<Page<OrderView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let after = state
        .cursors
        .decode(q.cursor.as_deref())?
        .map(|k| decode_key(&k))
        .transpose()?;
    let now = state.clock.now();
    let sort = match q.sort.as_deref() {
        None | Some("newest") => OrderSort::Newest,
        Some("contact_due") => OrderSort::ContactDue,
        Some(_) => {
            return Err(ApiError::bad_field(
                "invalid_query",
                "sort",
                "must be newest or contact_due",
            ))
        }
    };
    let status = q
        .status
        .as_deref()
        .map(|s| {
            s.parse::<OrderStatus>().map_err(|_| {
                ApiError::bad_field("invalid_query", "status", "is not an order status")
            })
        })
        .transpose()?;
    let filter = OrderFilter {
        channel: q.channel,
        status,
        customer_id: q.customer_id,
        sku: q.sku.map(|s| s.trim().to_ascii_uppercase()),
        from: q.from,
        to: q.to,
        overdue_at: q.overdue.unwrap_or(false).then_some(now),
    };
    let cursors = state.cursors.clone();
    let (items, next_cursor) = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:read")?;
            let mut rows = orders::search(conn, &filter, sort, after, limit + 1)?;
            let more = i64::try_from(rows.len()).unwrap_or(0) > limit;
            rows.truncate(usize::try_from(limit).unwrap_or(0));
            let ids: Vec<String> = rows.iter().map(|(o, _)| o.id.clone()).collect();
            let mut lines = orders::lines_of(conn, &ids)?;
            let next = if more {
                // The key carries the deadline and the id: enough for either sort order.
                rows.last()
                    .map(|(o, s)| cursors.encode(&encode_key(s.contact_due_at, &o.id)))
            } else {
                None
            };
            let items = rows
                .iter()
                .map(|(o, s)| view(o, &lines.remove(&o.id).unwrap_or_default(), s, &[], now))
                .collect::<ApiResult<Vec<_>>>()?;
            Ok((items, next))
        })
        .await?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// One order with its lines and its full event list.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = OrderView),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/orders/{id}")]
pub async fn get_order(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<OrderView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    Ok(web::Json(
        state
            .run_as(who, move |conn, who| {
                who.require_scope("orders:read")?;
                detail(conn, id, now)
            })
            .await?,
    ))
}

/// The kind and data of an event (its fields were checked by `Validate`).
fn parse_event(input: &OrderEventInput) -> (EventKind, serde_json::Value) {
    match input {
        OrderEventInput::CustomerContacted { outcome, note } => (
            EventKind::CustomerContacted,
            json!({"outcome": outcome.trim(), "note": note.trim()}),
        ),
        OrderEventInput::PaymentVerified { note } => {
            (EventKind::PaymentVerified, json!({"note": note}))
        }
        OrderEventInput::PaymentAbnormal { reason } => {
            (EventKind::PaymentAbnormal, json!({"reason": reason.trim()}))
        }
        OrderEventInput::RemarkAdded { text } => {
            (EventKind::RemarkAdded, json!({"text": text.trim()}))
        }
        OrderEventInput::PickedChecked { lines } => {
            (EventKind::PickedChecked, json!({"lines": lines}))
        }
        OrderEventInput::Shipped {
            carrier,
            tracking_no,
        } => (
            EventKind::Shipped,
            json!({"carrier": carrier.trim(), "tracking_no": tracking_no.trim()}),
        ),
        OrderEventInput::Delivered { note } => (EventKind::Delivered, json!({"note": note})),
        OrderEventInput::PriceReleased { note } => {
            (EventKind::PriceReleased, json!({"note": note.trim()}))
        }
        OrderEventInput::Cancelled { reason } => {
            (EventKind::Cancelled, json!({"reason": reason.trim()}))
        }
    }
}

/// Appends an event (R-ORD-2..6), allowed only from the right state and by the right role:
/// contact and payment checks by customer service, picking and shipping by the warehouse.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Order id")),
    request_body = OrderEventInput,
    responses(
        (status = 201, description = "Recorded; the order as it is now", body = OrderView),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible in the order's state (e.g. shipping an unpaid or unchecked order)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The check does not match the order, or bad fields", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/orders/{id}/events")]
pub async fn add_order_event(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<OrderEventInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (kind, data) = parse_event(&body.into_inner());
    let now = state.clock.now();
    let limits = state.config.orders.discount_limits;
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:write")?;
            let limit = limits.of(&who.roles);
            let a = crate::support::actor(&who, &meta);
            flow::append(conn, &a, id, kind, limit, data, now)?;
            detail(conn, id, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Recomputes the hash chain: the core's hash and every event's. A row altered behind the API's
/// back shows up here.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "The result of the check", body = OrderVerification),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/orders/{id}/verification")]
pub async fn verify_order(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<OrderVerification>> {
    let id = id.into_inner();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:read")?;
            Ok(flow::verify(conn, id)?)
        })
        .await?;
    Ok(web::Json(OrderVerification {
        order_id: id,
        valid: v.valid,
        events_checked: v.events_checked,
        problems: v.problems,
    }))
}

/// R-ORD-2: an order, once created, is legally binding; nobody may change it. Any `PUT`,
/// `PATCH` or `DELETE` is refused and recorded in the audit log.
async fn refuse_change(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let subject = id.into_inner();
    let method = req.method().to_string();
    let now = state.clock.now();
    let s = subject.clone();
    state
        .run_as(who, move |conn, who| {
            let a = crate::support::actor(&who, &meta);
            Ok(flow::record_refused_change(conn, &a, &s, &method, now)?)
        })
        .await?;
    let body = crate::error::problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "order_immutable",
        "an order cannot be changed once created (R-ORD-2); record what happened as an event, or open an after-sales case".to_owned(),
        Vec::new(),
    );
    let mut out = crate::error::problem_response(&body);
    out.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static("GET"),
    );
    Ok(out)
}

/// Refused: orders are immutable (R-ORD-2). Recorded in the audit log.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses((status = 405, description = "Orders cannot be changed", body = Problem, content_type = "application/problem+json"))
)]
#[put("/orders/{id}")]
pub async fn put_order(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    refuse_change(state, req, meta, who, id).await
}

/// Refused: orders are immutable (R-ORD-2). Recorded in the audit log.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses((status = 405, description = "Orders cannot be changed", body = Problem, content_type = "application/problem+json"))
)]
#[patch("/orders/{id}")]
pub async fn patch_order(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    refuse_change(state, req, meta, who, id).await
}

/// Refused: orders are immutable (R-ORD-2). Recorded in the audit log.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses((status = 405, description = "Orders cannot be deleted", body = Problem, content_type = "application/problem+json"))
)]
#[delete("/orders/{id}")]
pub async fn delete_order(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    refuse_change(state, req, meta, who, id).await
}
