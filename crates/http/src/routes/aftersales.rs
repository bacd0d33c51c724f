//! After-sales cases (R-AFS-1..3): linked to an order and its lines, never editing it.
//! Returns put stock back through a movement; refunds never exceed what was paid.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, etag, if_match, page_limit, RequestMeta};
use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use ecops_api_types::{
    CaseLineView, CaseQuery, CaseView, CreateCaseRequest, DailyAftersales, FactoryRow, Page,
    Problem, ReportQuery, UpdateCaseRequest,
};
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::aftersales::{self, Case, CaseFilter, KINDS};
use ecops_persistence::repo::orders;
use ecops_persistence::AnyConnection;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub(crate) fn views(
    conn: &mut AnyConnection,
    cases: &[Case],
    now: DateTime<Utc>,
) -> ApiResult<Vec<CaseView>> {
    let ids: Vec<String> = cases.iter().map(|c| c.order_id.to_string()).collect();
    let lines = orders::lines_of(conn, &ids)?;
    cases
        .iter()
        .map(|c| {
            let order_lines = lines.get(&c.order_id.to_string());
            Ok(CaseView {
                id: c.id,
                order_id: c.order_id,
                kind: crate::wire::stored("case kind", &c.kind, ecops_api_types::CaseKind::parse)?,
                status: crate::wire::stored(
                    "case status",
                    &c.status,
                    ecops_api_types::CaseStatus::parse,
                )?,
                owner_id: c.owner_id,
                description: c.description.clone(),
                customer_result: c.customer_result.clone(),
                refund_fen: c.refund_fen,
                gift_fen: c.gift_fen,
                gift_item: c.gift_item.clone(),
                logistics_issue: c.logistics_issue.clone(),
                lines: c
                    .lines
                    .iter()
                    .map(|(no, qty)| CaseLineView {
                        line_no: *no,
                        sku: order_lines
                            .and_then(|ls| ls.iter().find(|l| l.line_no == *no))
                            .map(|l| l.sku.clone())
                            .unwrap_or_default(),
                        quantity: *qty,
                    })
                    .collect(),
                deadline_at: c.deadline_at,
                escalated: c.kind == "complaint"
                    && matches!(c.status.as_str(), "open" | "in_progress")
                    && c.deadline_at.is_some_and(|d| d < now),
                created_by: c.created_by,
                created_at: c.created_at,
                closed_at: c.closed_at,
                version: c.version,
            })
        })
        .collect()
}

pub(crate) fn one(conn: &mut AnyConnection, c: &Case, now: DateTime<Utc>) -> ApiResult<CaseView> {
    views(conn, std::slice::from_ref(c), now)?
        .pop()
        .ok_or_else(|| ApiError::internal("case view lost"))
}

/// Opens a case on an order (customer service). A return puts the returned goods back in stock;
/// a refund can never exceed what was paid minus earlier refunds; returns, exchanges and gifts
/// are settled within the opener's authority (R-AFS-1: customer service ¥200 by default, beyond
/// it 403 `beyond_authority` and the supervisor decides); a logistics exception names what went
/// wrong; a complaint gets a deadline
/// (24 h by default) after which it is escalated to the customer-service supervisor.
#[utoipa::path(tag = "aftersales", security(("bearer" = [])), request_body = CreateCaseRequest,
    responses((status = 201, description = "Opened", body = CaseView),
        (status = 422, description = "Unknown order or line, too many items, or a refund above what was paid", body = Problem, content_type = "application/problem+json")))]
#[post("/aftersales")]
pub async fn create_case(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateCaseRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let input = ecops_app::aftersales::NewCase {
        order_id: b.order_id,
        kind: b.kind,
        lines: b.lines.iter().map(|l| (l.line_no, l.quantity)).collect(),
        description: b.description,
        refund_fen: b.refund_fen,
        owner_id: b.owner_id,
        logistics_issue: b.logistics_issue,
        gift_fen: b.gift_fen,
        gift_item: b.gift_item,
    };
    let policy = ecops_app::aftersales::CasePolicy {
        authority: state.config.orders.aftersales_authority,
        complaint_hours: state.config.orders.complaint_hours,
    };
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:write")?;
            let a = actor(&who, &meta);
            let c = ecops_app::aftersales::open(conn, &a, input, policy, now)?;
            one(conn, &c, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Cases, newest first. `escalated=true` is the supervisor's queue: complaints past deadline.
#[utoipa::path(tag = "aftersales", security(("bearer" = [])), params(CaseQuery),
    responses((status = 200, description = "One page of cases", body = Page<CaseView>)))]
#[get("/aftersales")]
pub async fn list_cases(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<CaseQuery>,
) -> ApiResult<web::Json<Page<CaseView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let now = state.clock.now();
    let f = CaseFilter {
        order_id: q.order_id,
        kind: q.kind,
        status: q.status,
        owner_id: q.owner_id,
        escalated_at: q.escalated.unwrap_or(false).then_some(now),
        from: None,
        to: None,
    };
    let cursors = state.cursors.clone();
    let (items, next_cursor) = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Operator, &[])?;
            who.require_scope("orders:read")?;
            let rows = aftersales::list(conn, &f, before.as_deref(), limit + 1)?;
            let (rows, next) = cursors.paginate(rows, limit, |c| c.id.to_string());
            Ok((views(conn, &rows, now)?, next))
        })
        .await?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// One case with its `ETag`.
#[utoipa::path(tag = "aftersales", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, description = "The case", body = CaseView, headers(("ETag" = String))),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json")))]
#[get("/aftersales/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Operator, &[])?;
            who.require_scope("orders:read")?;
            let c =
                aftersales::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such case"))?;
            one(conn, &c, now)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(v.version)))
        .json(v))
}

/// Moves a case on: status, owner, the result given to the customer. Honours `If-Match`.
#[utoipa::path(tag = "aftersales", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Case id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = UpdateCaseRequest,
    responses((status = 200, description = "Updated", body = CaseView),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read", body = Problem, content_type = "application/problem+json")))]
#[patch("/aftersales/{id}")]
pub async fn update_case(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateCaseRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.into_inner();
    let changes = ecops_app::aftersales::CaseChanges {
        status: b.status,
        owner_id: b.owner_id,
        customer_result: b.customer_result,
    };
    // The body is judged first: a bad body is a 422 whatever `If-Match` says.
    ecops_app::aftersales::check_changes(&changes)?;
    let expected = if_match(&req)?;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:write")?;
            let a = actor(&who, &meta);
            let c = ecops_app::aftersales::update(conn, &a, id, expected, changes, now)?;
            one(conn, &c, now)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(v.version)))
        .json(v))
}

/// `[from 00:00, to+1 00:00)` in the company time zone, as UTC instants.
fn period(
    state: &AppState,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<(DateTime<Utc>, DateTime<Utc>)> {
    if to < from {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "must not be before `from`",
        ));
    }
    if (to - from).num_days() > 366 {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "a report covers at most 366 days",
        ));
    }
    let tz = state.config.orders.timezone;
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| tz.from_local_datetime(&t).earliest())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| {
                ApiError::bad_field(
                    "invalid_query",
                    "from",
                    "is not a day in the company time zone",
                )
            })
    };
    Ok((start(from)?, start(to.succ_opt().unwrap_or(to))?))
}

/// R-AFS-3: after-sales figures per day for any period, as JSON or CSV.
#[utoipa::path(tag = "aftersales", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, description = "One entry per day", content((Vec<DailyAftersales> = "application/json"), (String = "text/csv")))))]
#[get("/aftersales/reports/daily")]
pub async fn daily_report(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let (from, to) = period(&state, q.from, q.to)?;
    let tz = state.config.orders.timezone;
    let cases = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            Ok(aftersales::created_between(conn, from, to)?)
        })
        .await?;
    let mut days: BTreeMap<NaiveDate, DailyAftersales> = BTreeMap::new();
    let mut d = q.from;
    while d <= q.to {
        days.insert(
            d,
            DailyAftersales {
                date: d,
                cases: 0,
                by_kind: KINDS.iter().map(|k| ((*k).to_owned(), 0)).collect(),
                refunded_fen: 0,
                closed: 0,
            },
        );
        d = d.succ_opt().unwrap_or(d + Duration::days(1));
    }
    for c in &cases {
        let day = c.created_at.with_timezone(&tz).date_naive();
        if let Some(e) = days.get_mut(&day) {
            e.cases += 1;
            *e.by_kind.entry(c.kind.clone()).or_default() += 1;
            e.refunded_fen += c.refund_fen;
            e.closed += i64::from(c.closed_at.is_some());
        }
    }
    let rows: Vec<DailyAftersales> = days.into_values().collect();
    if q.format.as_deref() == Some("csv") {
        let mut out = vec![[
            vec!["date".to_owned(), "cases".into()],
            KINDS.iter().map(|k| (*k).to_owned()).collect(),
            vec!["refunded_fen".into(), "closed".into()],
        ]
        .concat()];
        for r in &rows {
            out.push(
                [
                    vec![r.date.to_string(), r.cases.to_string()],
                    KINDS
                        .iter()
                        .map(|k| r.by_kind.get(*k).copied().unwrap_or(0).to_string())
                        .collect(),
                    vec![r.refunded_fen.to_string(), r.closed.to_string()],
                ]
                .concat(),
            );
        }
        return crate::support::csv_response("aftersales-daily", out, false);
    }
    match q.format.as_deref() {
        None | Some("json") => Ok(HttpResponse::Ok().json(rows)),
        Some(_) => Err(ApiError::bad_field(
            "invalid_query",
            "format",
            "must be json or csv",
        )),
    }
}

/// R-AFS-3: the tables of reissues, repairs and returns/refunds that go to the factory.
#[utoipa::path(tag = "aftersales", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, description = "One row per case line", content((Vec<FactoryRow> = "application/json"), (String = "text/csv")))))]
#[get("/aftersales/reports/factory")]
pub async fn factory_report(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    if !matches!(q.format.as_deref(), None | Some("json") | Some("csv")) {
        return Err(ApiError::bad_field(
            "invalid_query",
            "format",
            "must be json or csv",
        ));
    }
    let (from, to) = period(&state, q.from, q.to)?;
    let tz = state.config.orders.timezone;
    let rows = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let cases: Vec<Case> = aftersales::created_between(conn, from, to)?
                .into_iter()
                .filter(|c| matches!(c.kind.as_str(), "reissue" | "repair" | "return" | "refund"))
                .collect();
            let ids: Vec<String> = cases.iter().map(|c| c.order_id.to_string()).collect();
            let lines = orders::lines_of(conn, &ids)?;
            let mut numbers: HashMap<String, String> = HashMap::new();
            for id in &ids {
                if let Some(o) = orders::find_row(conn, orders::parse_id(id)?)? {
                    numbers.insert(o.id.clone(), o.channel_order_no);
                }
            }
            let mut out = Vec::new();
            for c in &cases {
                let key = c.order_id.to_string();
                let kind =
                    crate::wire::stored("case kind", &c.kind, ecops_api_types::CaseKind::parse)?;
                let base = |sku: String, quantity: i64, refund: i64| FactoryRow {
                    date: c.created_at.with_timezone(&tz).date_naive(),
                    kind,
                    case_id: c.id,
                    order_id: c.order_id,
                    channel_order_no: numbers.get(&key).cloned().unwrap_or_default(),
                    sku,
                    quantity,
                    refund_fen: refund,
                    description: c.description.clone(),
                };
                if c.lines.is_empty() {
                    out.push(base(String::new(), 0, c.refund_fen));
                }
                for (i, (no, qty)) in c.lines.iter().enumerate() {
                    let sku = lines
                        .get(&key)
                        .and_then(|ls| ls.iter().find(|l| l.line_no == *no))
                        .map(|l| l.sku.clone())
                        .unwrap_or_default();
                    out.push(base(sku, *qty, if i == 0 { c.refund_fen } else { 0 }));
                }
            }
            Ok(out)
        })
        .await?;
    if q.format.as_deref() == Some("csv") {
        let mut out = vec![[
            "date",
            "kind",
            "case_id",
            "order_id",
            "channel_order_no",
            "sku",
            "quantity",
            "refund_fen",
            "description",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect::<Vec<_>>()];
        for r in &rows {
            out.push(vec![
                r.date.to_string(),
                r.kind.as_str().to_owned(),
                r.case_id.to_string(),
                r.order_id.to_string(),
                r.channel_order_no.clone(),
                r.sku.clone(),
                r.quantity.to_string(),
                r.refund_fen.to_string(),
                r.description.clone(),
            ]);
        }
        return crate::support::csv_response("aftersales-factory", out, false);
    }
    Ok(HttpResponse::Ok().json(rows))
}
