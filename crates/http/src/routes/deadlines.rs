//! Deadlines as one mechanism: the contact deadline (R-ORD-3), the complaint deadline (R-AFS-2)
//! and the publish-by deadline (R-APR-5) each have a due time, a met/missed outcome and an
//! escalation target; this report counts them per person for any period.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;
use actix_web::{get, web};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ecops_api_types::DeadlineBreaches;
use ecops_domain::order::{deadline_outcome, DeadlineOutcome};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::repo::{aftersales, approvals, from_db, orders, users};
use std::collections::BTreeMap;
use uuid::Uuid;

/// `?from=&to=`: days in the company time zone, `to` inclusive.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: NaiveDate,
    /// Last day, `YYYY-MM-DD`.
    pub to: NaiveDate,
}

/// Per deadline kind and person: how many fell due in the period, met, missed, overdue, open.
#[utoipa::path(tag = "reports", security(("bearer" = [])), params(PeriodQuery),
    responses((status = 200, description = "One row per deadline kind and person", body = Vec<DeadlineBreaches>)))]
#[get("/reports/deadlines")]
pub async fn deadline_report(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<PeriodQuery>,
) -> ApiResult<web::Json<Vec<DeadlineBreaches>>> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() > 366 {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "must be on or after `from`, at most 366 days later",
        ));
    }
    let tz = state.config.orders.timezone;
    let start = |d: NaiveDate| -> ApiResult<DateTime<Utc>> {
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
    let (from, to) = (start(q.from)?, start(q.to.succ_opt().unwrap_or(q.to))?);
    let now = state.clock.now();
    let rows = state
        .run_as(who, move |conn, who| {
            who.require(
                PermissionLevel::Viewer,
                &[
                    JobRole::DeptManager,
                    JobRole::CsSupervisor,
                    JobRole::GeneralManager,
                    JobRole::MarketingDirector,
                ],
            )?;
            who.require_scope("reports:read")?;
            // (deadline, person) -> counts
            let mut tally: BTreeMap<(&'static str, String), [i64; 5]> = BTreeMap::new();
            let mut count = |kind: &'static str,
                             person: String,
                             due: DateTime<Utc>,
                             done: Option<DateTime<Utc>>| {
                let t = tally.entry((kind, person)).or_default();
                t[0] += 1;
                match deadline_outcome(due, done, now) {
                    DeadlineOutcome::Met => t[1] += 1,
                    DeadlineOutcome::Missed => t[2] += 1,
                    DeadlineOutcome::Overdue => t[3] += 1,
                    DeadlineOutcome::Open => t[4] += 1,
                }
            };
            for (person, due, done) in orders::contact_records(conn, from, to)? {
                count("contact", person, from_db(due), done.map(from_db));
            }
            for c in aftersales::created_between(conn, from, to)?
                .into_iter()
                .filter(|c| c.kind == "complaint")
            {
                if let Some(due) = c.deadline_at {
                    let done = c.closed_at;
                    count("complaint", c.owner_id.to_string(), due, done);
                }
            }
            for (person, due, done) in approvals::publication_records(conn, from, to)? {
                count("publication", person, from_db(due), done.map(from_db));
            }
            let mut out = Vec::new();
            for ((kind, person), t) in tally {
                let id = Uuid::parse_str(&person).map_err(|e| {
                    ApiError::internal(format!("a stored person id `{person}` is not a UUID: {e}"))
                })?;
                let username = users::find(conn, id)?
                    .map(|u| u.username)
                    .unwrap_or_default();
                out.push(DeadlineBreaches {
                    deadline: crate::wire::stored(
                        "deadline kind",
                        kind,
                        ecops_api_types::DeadlineKind::parse,
                    )?,
                    person_id: id,
                    username,
                    escalation_role: if kind == "publication" {
                        ecops_api_types::JobRole::DeptManager
                    } else {
                        ecops_api_types::JobRole::CsSupervisor
                    },
                    due: t[0],
                    met: t[1],
                    missed: t[2],
                    overdue: t[3],
                    open: t[4],
                });
            }
            Ok(out)
        })
        .await?;
    Ok(web::Json(rows))
}
