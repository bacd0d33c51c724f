//! Work reports (R-REP-1): the caller's daily report, filed and rewritten on its day, and the
//! reports of a period (one's own, or everyone's for managers).

use super::sees_staff_records;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::{get, post, put, web, HttpResponse};
use chrono::NaiveDate;
use ecops_api_types::{
    DailyExportQuery, DailyReportBody, DailyReportQuery, DailyReportView, LateNoteRequest,
    LateNoteView, MissingReport, MissingReportQuery, MonthlySummaries, MonthlySummaryBody,
    MonthlySummaryQuery, MonthlySummaryView, Problem, SendStatementRequest, StaffName,
    StatementFigures, StatementKind, StatementQuery, StatementView, StatementsOfPeriod,
};
use ecops_app::reports::DailyText;
use ecops_persistence::repo::reports::{self, DailyReport};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Whose records a read returns: the one person asked for, or when none is named the caller's
/// own (staff) or everyone's (those who see staff records); another person's only for the
/// latter (403 `not_yours`, saying `refused`).
fn whose(
    who: &crate::auth::Identity,
    asked: Option<Uuid>,
    refused: &str,
) -> ApiResult<Option<Uuid>> {
    match asked {
        Some(u) if u != who.user_id && !sees_staff_records(who) => {
            Err(ApiError::forbidden("not_yours", refused.to_owned()))
        }
        Some(u) => Ok(Some(u)),
        None if sees_staff_records(who) => Ok(None),
        None => Ok(Some(who.user_id)),
    }
}

/// The longest period one listing covers.
const MAX_DAYS: i64 = 92;

fn views(
    conn: &mut AnyConnection,
    rows: &[DailyReport],
    today: NaiveDate,
) -> ApiResult<Vec<DailyReportView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.user_id).collect();
    let names: HashMap<Uuid, String> = users::display_names(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|r| DailyReportView {
            id: r.id,
            user_id: r.user_id,
            display_name: names.get(&r.user_id).cloned().unwrap_or_default(),
            day: r.day,
            done: r.done.clone(),
            problems: r.problems.clone(),
            plan: r.plan.clone(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            editable: r.day == today,
        })
        .collect())
}

/// R-REP-1: files or rewrites the caller's daily report of `day`, which must be today in the
/// company's time zone: a report is written on its day and immutable after it. 201 when filed
/// now, 200 when rewritten (or saved unchanged).
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("day" = NaiveDate, Path, description = "The report's day: today (company time)")),
    request_body = DailyReportBody,
    responses(
        (status = 200, description = "Rewritten", body = DailyReportView),
        (status = 201, description = "Filed", body = DailyReportView),
        (status = 403, description = "A service account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A day that is over (`report_day_over`) or to come (`report_day_to_come`), or nothing written", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/reports/daily/{day}")]
pub async fn put_daily_report(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    day: web::Path<NaiveDate>,
    body: ValidJson<DailyReportBody>,
) -> ApiResult<HttpResponse> {
    let (day, body) = (day.into_inner(), body.into_inner());
    let now = state.clock.now();
    let (view, created) = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = crate::support::actor(&who, &meta);
            let (r, created) = ecops_app::reports::file_daily(
                conn,
                &a,
                day,
                DailyText {
                    done: body.done,
                    problems: body.problems,
                    plan: body.plan,
                },
                now,
            )?;
            let mut v = views(conn, &[r], day)?;
            Ok((v.remove(0), created))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Daily reports of a period, newest day first: the caller's own, or anyone's for those who see
/// staff records (the department manager, the general manager, IT).
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(DailyReportQuery),
    responses(
        (status = 200, description = "The reports", body = Vec<DailyReportView>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Someone else's, and not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/daily")]
pub async fn list_daily_reports(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<DailyReportQuery>,
) -> ApiResult<web::Json<Vec<DailyReportView>>> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() > MAX_DAYS {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            format!("must be on or after `from` and at most {MAX_DAYS} days after it"),
        ));
    }
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let whose = whose(&who, q.user_id, "only managers read other people's reports")?;
            let today = ecops_app::workdays::company_date(conn, now)?;
            let rows = reports::between(conn, whose, (q.from, q.to))?;
            views(conn, &rows, today)
        })
        .await?;
    Ok(web::Json(v))
}

/// R-REP-3: who has not filed their daily report, for each day of a period up to today (newest
/// first): the people employed then, on their working days (the policy's weekdays and the
/// calendar), not on approved leave all day. For those who see staff records.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(MissingReportQuery),
    responses(
        (status = 200, description = "One row per person and day not filed", body = Vec<MissingReport>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/daily/missing")]
pub async fn missing_daily_reports(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<MissingReportQuery>,
) -> ApiResult<web::Json<Vec<MissingReport>>> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() > 62 {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "must be on or after `from` and at most 62 days after it",
        ));
    }
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            if !sees_staff_records(&who) {
                return Err(ApiError::forbidden(
                    "missing_role",
                    "who has not filed is for the managers",
                ));
            }
            Ok(ecops_app::reports::missing(conn, (q.from, q.to), now)?
                .into_iter()
                .map(|m| MissingReport {
                    day: m.day,
                    user_id: m.user_id,
                    display_name: m.display_name,
                    due_today: m.due_today,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(v))
}

fn month_of(label: &str, field: &str) -> ApiResult<ecops_domain::workdays::Month> {
    ecops_domain::workdays::Month::parse(label)
        .ok_or_else(|| ApiError::bad_field("invalid_query", field, "is a month, `YYYY-MM`"))
}

fn monthly_views(
    conn: &mut AnyConnection,
    rows: &[ecops_persistence::repo::reports::MonthlySummary],
) -> ApiResult<Vec<MonthlySummaryView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.user_id).collect();
    let names: HashMap<Uuid, String> = users::display_names(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|s| MonthlySummaryView {
            id: s.id,
            user_id: s.user_id,
            display_name: names.get(&s.user_id).cloned().unwrap_or_default(),
            month: s.month.clone(),
            done: s.done.clone(),
            unfinished: s.unfinished.clone(),
            plan: s.plan.clone(),
            created_at: s.created_at,
            updated_at: s.updated_at,
        })
        .collect())
}

/// R-REP-2: files or rewrites the caller's summary of `month` (this month's work, unfinished
/// work, next month's plan), from the month's last working day through the closing day of the
/// next month (`reports.monthly_close_day`, the 5th by default); immutable after. 201 when filed
/// now, 200 when rewritten.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("month" = String, Path, description = "`YYYY-MM`")),
    request_body = MonthlySummaryBody,
    responses(
        (status = 200, description = "Rewritten", body = MonthlySummaryView),
        (status = 201, description = "Filed", body = MonthlySummaryView),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A service account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Before the month's last working day (`summary_too_early`), after its window (`summary_closed`), or nothing written", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/reports/monthly/{month}")]
pub async fn put_monthly_summary(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    month: web::Path<String>,
    body: ValidJson<MonthlySummaryBody>,
) -> ApiResult<HttpResponse> {
    let month = month_of(&month.into_inner(), "month")?;
    let body = body.into_inner();
    let close_day = state.config.monthly_close_day;
    let now = state.clock.now();
    let (view, created) = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = crate::support::actor(&who, &meta);
            let (s, created) = ecops_app::reports::file_monthly(
                conn,
                &a,
                month,
                ecops_app::reports::MonthlyText {
                    done: body.done,
                    unfinished: body.unfinished,
                    plan: body.plan,
                },
                close_day,
                now,
            )?;
            let mut v = monthly_views(conn, &[s])?;
            Ok((v.remove(0), created))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// A month's summaries with its filing window: the caller's own, or everyone's for those who see
/// staff records.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(MonthlySummaryQuery),
    responses(
        (status = 200, description = "The window and the summaries", body = MonthlySummaries),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Someone else's, and not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/monthly")]
pub async fn list_monthly_summaries(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<MonthlySummaryQuery>,
) -> ApiResult<web::Json<MonthlySummaries>> {
    let q = query.into_inner();
    let month = month_of(&q.month, "month")?;
    let close_day = state.config.monthly_close_day;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let whose = whose(
                &who,
                q.user_id,
                "only managers read other people's summaries",
            )?;
            let (opens, closes) = ecops_app::reports::monthly_window(conn, month, close_day)?;
            let today = ecops_app::workdays::company_date(conn, now)?;
            let rows = reports::monthly_of(conn, whose, &month.label())?;
            Ok(MonthlySummaries {
                month: month.label(),
                opens_on: opens,
                closes_after: closes,
                open: today >= opens && today <= closes,
                summaries: monthly_views(conn, &rows)?,
            })
        })
        .await?;
    Ok(web::Json(v))
}

fn note_view(n: &ecops_persistence::repo::reports::LateNote) -> LateNoteView {
    LateNoteView {
        id: n.id,
        user_id: n.user_id,
        day: n.day,
        note: n.note.clone(),
        written_by: n.written_by,
        written_at: n.written_at,
    }
}

/// R-REP-1: the department manager (or general manager) records a note beside someone's report of
/// a past day; the report stays as its author left it.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    request_body = LateNoteRequest,
    responses(
        (status = 201, description = "Recorded", body = LateNoteView),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Today or a day to come (`report_day_not_over`), an unknown person, an empty note", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/reports/daily/notes")]
pub async fn create_late_note(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<LateNoteRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let n = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = crate::support::actor(&who, &meta);
            Ok(ecops_app::reports::late_note(
                conn,
                &a,
                (b.user_id, b.day),
                &b.note,
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(note_view(&n)))
}

/// Notes beside the reports of a period: on the caller's own days, or everyone's for managers.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(DailyReportQuery),
    responses(
        (status = 200, description = "The notes", body = Vec<LateNoteView>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Someone else's, and not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/daily/notes")]
pub async fn list_late_notes(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<DailyReportQuery>,
) -> ApiResult<web::Json<Vec<LateNoteView>>> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() > MAX_DAYS {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            format!("must be on or after `from` and at most {MAX_DAYS} days after it"),
        ));
    }
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let whose = whose(
                &who,
                q.user_id,
                "only managers read the notes on other people's days",
            )?;
            Ok(reports::notes_between(conn, whose, (q.from, q.to))?
                .iter()
                .map(note_view)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(v))
}

/// R-REP-3: a period's daily reports for the weekly collection, as Markdown (default) or CSV:
/// day by day, each person's work, problems and plan with the managers' notes, and who did not
/// file. The caller's own, or everyone's for those who see staff records.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(DailyExportQuery),
    responses(
        (status = 200, description = "The reports", content((String = "text/markdown"), (String = "text/csv"))),
        (status = 400, description = "A bad period or format", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/daily/export")]
pub async fn export_daily_reports(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<DailyExportQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() > 31 {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "must be on or after `from` and at most 31 days after it",
        ));
    }
    let csv = match q.format.as_deref() {
        None | Some("markdown") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::bad_field(
                "invalid_query",
                "format",
                "is markdown or csv",
            ))
        }
    };
    let now = state.clock.now();
    let (rows, notes, missing, names) = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let all = sees_staff_records(&who);
            let whose = (!all).then_some(who.user_id);
            let rows = reports::between(conn, whose, (q.from, q.to))?;
            let notes = reports::notes_between(conn, whose, (q.from, q.to))?;
            let missing = if all {
                ecops_app::reports::missing(conn, (q.from, q.to), now)?
            } else {
                Vec::new()
            };
            let ids: Vec<Uuid> = rows
                .iter()
                .map(|r| r.user_id)
                .chain(notes.iter().map(|n| n.user_id))
                .collect();
            let names: HashMap<Uuid, String> = users::display_names(conn, &ids)?;
            Ok((rows, notes, missing, names))
        })
        .await?;
    let name = |u: &Uuid| names.get(u).cloned().unwrap_or_else(|| u.to_string());
    let notes_of = |u: Uuid, d: NaiveDate| {
        notes
            .iter()
            .filter(|n| n.user_id == u && n.day == d)
            .map(|n| n.note.clone())
            .collect::<Vec<_>>()
    };
    let file = format!("daily-reports-{}-{}", q.from, q.to);
    if csv {
        let mut out = vec![[
            "day", "person", "filed", "done", "problems", "plan", "notes",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect::<Vec<_>>()];
        for r in rows.iter().rev() {
            out.push(vec![
                r.day.to_string(),
                name(&r.user_id),
                "yes".to_owned(),
                r.done.clone(),
                r.problems.clone(),
                r.plan.clone(),
                notes_of(r.user_id, r.day).join(" / "),
            ]);
        }
        for m in missing.iter().rev() {
            out.push(vec![
                m.day.to_string(),
                m.display_name.clone(),
                "no".to_owned(),
                String::new(),
                String::new(),
                String::new(),
                notes_of(m.user_id, m.day).join(" / "),
            ]);
        }
        return crate::support::csv_response(&file, out, true);
    }
    let mut md = format!("# Daily reports {} – {}\n", q.from, q.to);
    let mut days: Vec<NaiveDate> = rows.iter().map(|r| r.day).collect();
    days.extend(missing.iter().map(|m| m.day));
    days.extend(notes.iter().map(|n| n.day));
    days.sort();
    days.dedup();
    for d in days {
        md.push_str(&format!("\n## {d}\n"));
        for r in rows.iter().filter(|r| r.day == d) {
            md.push_str(&format!(
                "\n### {}\n\n**Done**\n\n{}\n",
                name(&r.user_id),
                r.done
            ));
            if !r.problems.is_empty() {
                md.push_str(&format!("\n**Problems**\n\n{}\n", r.problems));
            }
            if !r.plan.is_empty() {
                md.push_str(&format!("\n**Plan**\n\n{}\n", r.plan));
            }
            for n in notes_of(r.user_id, d) {
                md.push_str(&format!("\n> Note: {n}\n"));
            }
        }
        let absent: Vec<String> = missing
            .iter()
            .filter(|m| m.day == d)
            .map(|m| {
                let notes = notes_of(m.user_id, d);
                if notes.is_empty() {
                    m.display_name.clone()
                } else {
                    format!("{} ({})", m.display_name, notes.join(" / "))
                }
            })
            .collect();
        if !absent.is_empty() {
            md.push_str(&format!("\n**Not filed:** {}\n", absent.join(", ")));
        }
        // Notes on days without a report that the list above does not name (one's own).
        for n in notes.iter().filter(|n| {
            n.day == d
                && !rows.iter().any(|r| r.user_id == n.user_id && r.day == d)
                && !missing.iter().any(|m| m.user_id == n.user_id && m.day == d)
        }) {
            md.push_str(&format!("\n> Note on {}: {}\n", name(&n.user_id), n.note));
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}.md\""),
        ))
        .body(md))
}

fn statement_kind(k: StatementKind) -> ecops_domain::report::StatementPeriod {
    match k {
        StatementKind::Week => ecops_domain::report::StatementPeriod::Week,
        StatementKind::Month => ecops_domain::report::StatementPeriod::Month,
    }
}

fn figures_view(f: &ecops_app::statements::PersonFigures) -> StatementFigures {
    StatementFigures {
        orders_taken: f.orders_taken,
        orders_total_fen: f.orders_total_fen,
        contact_met: f.contact_met,
        contact_missed: f.contact_missed,
        cases_opened: f.cases_opened,
        cases_closed: f.cases_closed,
        days_judged: f.days_judged,
        late: f.late,
        early: f.early,
        absent: f.absent,
        deduction_fen: f.deduction_fen,
        daily_reports_filed: f.daily_reports_filed,
    }
}

fn sent_view(
    s: &ecops_persistence::repo::reports::Statement,
    kind: StatementKind,
    name: String,
) -> ApiResult<StatementView> {
    let figures: StatementFigures = serde_json::from_str(&s.figures)
        .map_err(|e| ApiError::internal(format!("statement {} figures: {e}", s.id)))?;
    Ok(StatementView {
        user_id: s.user_id,
        display_name: name,
        kind,
        period_start: s.period_start,
        period_end: s.period_end,
        figures,
        comment: s.comment.clone(),
        submitted_at: Some(s.submitted_at),
    })
}

/// R-REP-5: my statement of the last complete week (Monday to Sunday) or month: as I sent it, or
/// a draft of the figures the system has now (orders taken, contact deadlines met and missed,
/// after-sales cases, attendance, daily reports filed) for me to confirm.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(StatementQuery),
    responses((status = 200, description = "Sent, or the draft", body = StatementView))
)]
#[get("/reports/statements/mine")]
pub async fn my_statement(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<StatementQuery>,
) -> ApiResult<web::Json<StatementView>> {
    let kind = query.into_inner().kind;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let period = statement_kind(kind);
            let (first, last) = ecops_app::statements::period(conn, period, now)?;
            let name = users::display_names(conn, &[who.user_id])?
                .remove(&who.user_id)
                .unwrap_or_default();
            if let Some(s) =
                reports::statements_of(conn, Some(who.user_id), (period.as_str(), first))?.pop()
            {
                return sent_view(&s, kind, name);
            }
            let f = ecops_app::statements::assemble(conn, who.user_id, (first, last), now)?;
            Ok(StatementView {
                user_id: who.user_id,
                display_name: name,
                kind,
                period_start: first,
                period_end: last,
                figures: figures_view(&f),
                comment: String::new(),
                submitted_at: None,
            })
        })
        .await?;
    Ok(web::Json(v))
}

/// R-REP-5: I confirm my figures of the last week or month and send them to my superior, with a
/// comment. The figures are assembled again at this moment and kept exactly as sent; once per
/// period.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    request_body = SendStatementRequest,
    responses(
        (status = 201, description = "Sent", body = StatementView),
        (status = 403, description = "A service account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sent already (`statement_sent`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/reports/statements")]
pub async fn send_statement(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<SendStatementRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = crate::support::actor(&who, &meta);
            let (s, _) =
                ecops_app::statements::send(conn, &a, statement_kind(b.kind), &b.comment, now)?;
            let name = users::display_names(conn, &[who.user_id])?
                .remove(&who.user_id)
                .unwrap_or_default();
            sent_view(&s, b.kind, name)
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// R-REP-5 for the superiors (those who see staff records): the last week's or month's
/// statements as sent, and the active staff who have not sent theirs.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(StatementQuery),
    responses(
        (status = 200, description = "Sent and not sent", body = StatementsOfPeriod),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/statements")]
pub async fn list_statements(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<StatementQuery>,
) -> ApiResult<web::Json<StatementsOfPeriod>> {
    let kind = query.into_inner().kind;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            if !sees_staff_records(&who) {
                return Err(ApiError::forbidden(
                    "missing_role",
                    "the statements are for the managers",
                ));
            }
            let period = statement_kind(kind);
            let (first, last) = ecops_app::statements::period(conn, period, now)?;
            let rows = reports::statements_of(conn, None, (period.as_str(), first))?;
            let staff: Vec<_> = users::list(
                conn,
                &users::UserFilter {
                    active: Some(true),
                    role: None,
                },
                None,
                10_000,
            )?
            .into_iter()
            .filter(|u| !u.is_special)
            .collect();
            let names: HashMap<Uuid, String> = staff
                .iter()
                .map(|u| (u.id, u.display_name.clone()))
                .collect();
            let sent = rows
                .iter()
                .map(|s| sent_view(s, kind, names.get(&s.user_id).cloned().unwrap_or_default()))
                .collect::<ApiResult<Vec<_>>>()?;
            let not_sent = staff
                .iter()
                .filter(|u| !rows.iter().any(|s| s.user_id == u.id))
                .map(|u| StaffName {
                    user_id: u.id,
                    display_name: u.display_name.clone(),
                })
                .collect();
            Ok(StatementsOfPeriod {
                kind,
                period_start: first,
                period_end: last,
                sent,
                not_sent,
            })
        })
        .await?;
    Ok(web::Json(v))
}
