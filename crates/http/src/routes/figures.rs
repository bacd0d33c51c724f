//! The department's figures (R-REP-4) for any period, as JSON or as the CSV of one table.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;
use crate::support::csv_response;
use actix_web::{get, web, HttpResponse};
use chrono::{NaiveDate, Offset, TimeZone};
use ecops_api_types::{
    AftersalesRow, ApprovalRow, AttendanceWeekRow, ContactRow, DepartmentFigures, FigureTable,
    FiguresQuery, OrdersDayRow, OrdersStatusRow, Problem,
};
use ecops_domain::{JobRole, PermissionLevel};

/// Who reads the department's figures.
const READERS: [JobRole; 4] = [
    JobRole::DeptManager,
    JobRole::CsSupervisor,
    JobRole::GeneralManager,
    JobRole::MarketingDirector,
];

fn view(from: NaiveDate, to: NaiveDate, f: ecops_app::figures::Figures) -> DepartmentFigures {
    DepartmentFigures {
        from,
        to,
        orders_by_day: f
            .orders_by_day
            .into_iter()
            .map(|r| OrdersDayRow {
                day: r.day.parse().unwrap_or(from),
                channel: r.channel,
                orders: r.orders,
                total_fen: r.total_fen,
            })
            .collect(),
        orders_by_status: f
            .orders_by_status
            .into_iter()
            .map(|r| OrdersStatusRow {
                channel: r.channel,
                status: r.status,
                orders: r.orders,
            })
            .collect(),
        contact: f
            .contact
            .into_iter()
            .map(|r| ContactRow {
                user_id: r.user_id,
                username: r.username,
                display_name: r.display_name,
                orders: r.orders,
                met: r.met,
                missed: r.missed,
            })
            .collect(),
        aftersales: f
            .aftersales
            .into_iter()
            .map(|r| AftersalesRow {
                kind: r.kind,
                opened: r.opened,
                closed: r.closed,
                refund_fen: r.refund_fen,
                gift_fen: r.gift_fen,
            })
            .collect(),
        approvals: f
            .approvals
            .into_iter()
            .map(|r| ApprovalRow {
                kind: r.kind,
                requests: r.requests,
                approved: r.approved,
                rejected: r.rejected,
                pending: r.pending,
                publish_overdue: r.publish_overdue,
                median_hours_to_decision: r
                    .median_decision_secs
                    .map(|s| (s / 36.0).round() / 100.0),
            })
            .collect(),
        attendance: f
            .attendance
            .into_iter()
            .map(|w| AttendanceWeekRow {
                week_start: w.week_start,
                days_judged: w.days_judged,
                late: w.late,
                early: w.early,
                absent: w.absent,
                deduction_fen: w.deduction_fen,
            })
            .collect(),
    }
}

/// One table as CSV rows, its header first.
fn table(f: &DepartmentFigures, t: FigureTable) -> Vec<Vec<String>> {
    fn rows<T>(head: &[&str], items: &[T], row: impl Fn(&T) -> Vec<String>) -> Vec<Vec<String>> {
        std::iter::once(head.iter().map(|h| (*h).to_owned()).collect())
            .chain(items.iter().map(row))
            .collect()
    }
    match t {
        FigureTable::OrdersByDay => rows(
            &["day", "channel", "orders", "total_fen"],
            &f.orders_by_day,
            |r| {
                vec![
                    r.day.to_string(),
                    r.channel.clone(),
                    r.orders.to_string(),
                    r.total_fen.to_string(),
                ]
            },
        ),
        FigureTable::OrdersByStatus => {
            rows(&["channel", "status", "orders"], &f.orders_by_status, |r| {
                vec![r.channel.clone(), r.status.clone(), r.orders.to_string()]
            })
        }
        FigureTable::Contact => rows(
            &["username", "display_name", "orders", "met", "missed"],
            &f.contact,
            |r| {
                vec![
                    r.username.clone(),
                    r.display_name.clone(),
                    r.orders.to_string(),
                    r.met.to_string(),
                    r.missed.to_string(),
                ]
            },
        ),
        FigureTable::Aftersales => rows(
            &["kind", "opened", "closed", "refund_fen", "gift_fen"],
            &f.aftersales,
            |r| {
                vec![
                    r.kind.clone(),
                    r.opened.to_string(),
                    r.closed.to_string(),
                    r.refund_fen.to_string(),
                    r.gift_fen.to_string(),
                ]
            },
        ),
        FigureTable::Approvals => rows(
            &[
                "kind",
                "requests",
                "approved",
                "rejected",
                "pending",
                "publish_overdue",
                "median_hours_to_decision",
            ],
            &f.approvals,
            |r| {
                vec![
                    r.kind.clone(),
                    r.requests.to_string(),
                    r.approved.to_string(),
                    r.rejected.to_string(),
                    r.pending.to_string(),
                    r.publish_overdue.to_string(),
                    r.median_hours_to_decision
                        .map(|h| h.to_string())
                        .unwrap_or_default(),
                ]
            },
        ),
        FigureTable::Attendance => rows(
            &[
                "week_start",
                "days_judged",
                "late",
                "early",
                "absent",
                "deduction_fen",
            ],
            &f.attendance,
            |r| {
                vec![
                    r.week_start.to_string(),
                    r.days_judged.to_string(),
                    r.late.to_string(),
                    r.early.to_string(),
                    r.absent.to_string(),
                    r.deduction_fen.to_string(),
                ]
            },
        ),
    }
}

/// The department's figures for the company-time days `from`..=`to` (managers): orders per day
/// and channel and per status, contact-deadline compliance per person (R-ORD-3), after-sales by
/// kind, approval throughput with the median time to decision, and attendance per week. Every
/// figure but attendance is one aggregate query in the database; attendance sums the days as the
/// attendance rules judge them. `format=csv&table=…` gives one table as CSV.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(FiguresQuery),
    responses(
        (status = 200, description = "The figures (or one table as CSV)",
            content((DepartmentFigures = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad period, format or table", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/figures")]
pub async fn department_figures(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<FiguresQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() > 366 {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "must be on or after `from`, at most 366 days later",
        ));
    }
    let csv = match q.format.as_deref() {
        None | Some("json") => None,
        Some("csv") => Some(q.table.ok_or_else(|| {
            ApiError::bad_field("invalid_query", "table", "names the table a CSV holds")
        })?),
        Some(_) => {
            return Err(ApiError::bad_field(
                "invalid_query",
                "format",
                "is json or csv",
            ))
        }
    };
    let tz = state.config.orders.timezone;
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| tz.from_local_datetime(&t).earliest())
            .map(|t| t.with_timezone(&chrono::Utc))
            .ok_or_else(|| {
                ApiError::bad_field(
                    "invalid_query",
                    "from",
                    "is not a day in the company time zone",
                )
            })
    };
    let period = (start(q.from)?, start(q.to.succ_opt().unwrap_or(q.to))?);
    let offset = tz
        .offset_from_utc_datetime(&period.0.naive_utc())
        .fix()
        .local_minus_utc();
    let now = state.clock.now();
    let (from, to) = (q.from, q.to);
    let figures = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Viewer, &READERS)?;
            who.require_scope("reports:read")?;
            Ok(ecops_app::figures::department(
                conn,
                (from, to),
                period,
                offset,
                now,
            )?)
        })
        .await?;
    let v = view(from, to, figures);
    match csv {
        Some(t) => csv_response(
            &format!("figures-{}-{from}-{to}", t.as_str()),
            table(&v, t),
            true,
        ),
        None => Ok(HttpResponse::Ok().json(v)),
    }
}
