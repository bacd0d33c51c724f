//! R-ORD-8: the daily order exports: list, download, verify.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;
use crate::support::{page_limit, RequestMeta};
use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use ecops_api_types::{ExportVerification, OrderExportView, Page, PageQuery, Problem};
use ecops_app::exports::{self, Export, Schedule};
use ecops_domain::{JobRole, PermissionLevel};

/// The export schedule of this server.
pub fn schedule(state: &AppState) -> Schedule {
    let o = &state.config.orders;
    Schedule {
        timezone: o.timezone,
        hour: o.export_hour,
        dir: state.config.data_dir.join("exports"),
        node: o.node.clone(),
        catch_up_days: 7,
    }
}

fn view(e: &Export) -> OrderExportView {
    OrderExportView {
        date: e.date,
        order_count: e.order_count,
        event_count: e.event_count,
        jsonl_sha256: e.jsonl_sha256.clone(),
        csv_sha256: e.csv_sha256.clone(),
        created_at: e.created_at,
    }
}

fn parse_date(s: &str) -> ApiResult<NaiveDate> {
    s.parse()
        .map_err(|_| ApiError::bad_request("invalid_path_parameter", "the date must be YYYY-MM-DD"))
}

/// The recorded exports, newest first.
#[utoipa::path(tag = "orders", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, description = "One page of exports", body = Page<OrderExportView>)))]
#[get("/order-exports")]
pub async fn list_order_exports(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<Page<OrderExportView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let rows = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Operator, &[])?;
            who.require_scope("orders:read")?;
            Ok(exports::list(conn, before.as_deref(), limit + 1)?)
        })
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |e| e.date.to_string());
    Ok(web::Json(Page {
        items: rows.iter().map(view).collect(),
        next_cursor,
    }))
}

/// R-SEC-5: who may take customer and order data out of the system. An API token also needs the
/// scope `exports:read`.
pub(crate) const EXPORTERS: &[JobRole] = &[
    JobRole::CsSupervisor,
    JobRole::DeptManager,
    JobRole::GeneralManager,
    JobRole::ItAdmin,
];

/// Downloads an export file: `jsonl` (orders with their events and hashes) or `csv` (one row per
/// order line). The files carry customers' names, phones and addresses, so taking them out is a
/// privilege (R-SEC-5): the supervisor, the managers and IT, or an API token with `exports:read`.
/// Every download, and every refused attempt, is in the audit log.
#[utoipa::path(tag = "orders", security(("bearer" = [])),
    params(("date" = String, Path, description = "YYYY-MM-DD"), ("format" = String, Path, description = "`jsonl` or `csv`")),
    responses((status = 200, description = "The file", content((String = "application/x-ndjson"), (String = "text/csv"))),
        (status = 403, description = "Not allowed to export customer and order data", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No export for that day", body = Problem, content_type = "application/problem+json")))]
#[get("/order-exports/{date}/{format}")]
pub async fn download_order_export(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let who = state.identify(who).await?;
    let (date, format) = path.into_inner();
    let allowed = who
        .require(PermissionLevel::Operator, EXPORTERS)
        .and_then(|()| who.require_scope("exports:read"));
    let a = crate::support::actor(&who, &meta);
    if let Err(refusal) = allowed {
        let now = state.clock.now();
        let (d, f) = (date.clone(), format.clone());
        state
            .run(move |conn| Ok(exports::record_refused_download(conn, &a, &d, &f, now)?))
            .await?;
        return Err(refusal);
    }
    let date = parse_date(&date)?;
    if format != "jsonl" && format != "csv" {
        return Err(ApiError::not_found("exports are jsonl or csv"));
    }
    let now = state.clock.now();
    let fmt = format.clone();
    let e = state
        .run(move |conn| Ok(exports::open_for_download(conn, &a, date, &fmt, now)?))
        .await?;
    let (file, ct) = if format == "jsonl" {
        (e.jsonl_path.clone(), "application/x-ndjson")
    } else {
        (e.csv_path.clone(), "text/csv; charset=utf-8")
    };
    let bytes = web::block(move || std::fs::read(file))
        .await?
        .map_err(|err| ApiError::internal(format!("export file unreadable: {err}")))?;
    Ok(HttpResponse::Ok()
        .content_type(ct)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"orders-{date}.{format}\""),
        ))
        .insert_header((
            "X-Checksum-Sha256",
            if format == "jsonl" {
                e.jsonl_sha256
            } else {
                e.csv_sha256
            },
        ))
        .body(bytes))
}

/// Verifies an export: files against their checksums, content against the database.
#[utoipa::path(tag = "orders", security(("bearer" = [])), params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 200, description = "The result", body = ExportVerification),
        (status = 404, description = "No export for that day", body = Problem, content_type = "application/problem+json")))]
#[post("/order-exports/{date}/verify")]
pub async fn verify_order_export(
    state: web::Data<AppState>,
    who: Caller,
    date: web::Path<String>,
) -> ApiResult<web::Json<ExportVerification>> {
    let date = parse_date(&date)?;
    let s = schedule(&state);
    let problems = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Operator, &[])?;
            who.require_scope("orders:read")?;
            Ok(exports::verify(conn, &s, date)?)
        })
        .await?;
    Ok(web::Json(ExportVerification {
        date,
        valid: problems.is_empty(),
        problems,
    }))
}

/// The scheduler: looks for due exports every tick, on the server's clock.
pub async fn run_scheduler(state: web::Data<AppState>) {
    let tick = std::time::Duration::from_millis(state.config.orders.scheduler_tick_ms.max(10));
    loop {
        let s = schedule(&state);
        let now = state.clock.now();
        match state
            .run(move |conn| Ok(exports::run_due(conn, &s, now)?))
            .await
        {
            Ok(done) if !done.is_empty() => tracing::info!(days = ?done, "order exports written"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "order export failed; retrying at the next tick"),
        }
        tokio::time::sleep(tick).await;
    }
}
