//! The event feed: every change partner systems follow (orders, after-sales, products,
//! approvals, backups), in commit order, read with `after` (the transactional outbox). And the
//! renderer that gives each event the resource as this API returns it.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::{get, web};
use chrono::{DateTime, Utc};
use ecops_api_types::{EventPage, EventQuery, EventType, EventView, Problem};
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::audit::Outcome;
use ecops_persistence::repo::outbox;
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// The resource of an event as the API returns it (installed as the outbox's renderer).
pub fn render(
    conn: &mut AnyConnection,
    resource_type: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<serde_json::Value, String> {
    let json = |v: Result<serde_json::Value, serde_json::Error>| v.map_err(|e| e.to_string());
    let api = |e: ApiError| e.to_string();
    if resource_type == "attendance_month" {
        let month =
            ecops_domain::workdays::Month::parse(id).ok_or_else(|| format!("month {id}"))?;
        let figures = ecops_app::attendance_month::month(
            conn,
            ecops_app::attendance_month::Scope::Everyone,
            month,
            now,
        )
        .map_err(|e| e.to_string())?;
        // Each person's figures carry their deductions: the feed names the month and how many
        // were judged; payroll reads the figures where wages are read
        // (`/exports/attendance-summaries`, `/attendance/months/{month}`).
        return json(serde_json::to_value(json!({
            "month": figures.month,
            "closed": figures.closed.is_some(),
            "closed_at": figures.closed.as_ref().map(|c| c.at),
            "people": figures.people.len(),
        })));
    }
    let uuid = Uuid::parse_str(id).map_err(|e| format!("{resource_type} id {id}: {e}"))?;
    match resource_type {
        "content_item" => json(serde_json::to_value(
            super::content::rendered(conn, uuid, now).map_err(api)?,
        )),
        "order" => json(serde_json::to_value(
            super::orders::detail(conn, uuid, now).map_err(api)?,
        )),
        "aftersales_case" => {
            let c = ecops_persistence::repo::aftersales::find(conn, uuid)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no case {id}"))?;
            json(serde_json::to_value(
                super::aftersales::one(conn, &c, now).map_err(api)?,
            ))
        }
        "product" => {
            let p =
                ecops_persistence::repo::products::get(conn, uuid).map_err(|e| e.to_string())?;
            json(serde_json::to_value(
                super::products::one_view(conn, &p, now).map_err(api)?,
            ))
        }
        "approval_request" => {
            let r = ecops_persistence::repo::approvals::find(conn, uuid)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no approval request {id}"))?;
            json(serde_json::to_value(super::approval_view(&r)))
        }
        "backup" => {
            let b = ecops_persistence::repo::backups::get(conn, uuid).map_err(|e| e.to_string())?;
            let view = super::backups::views(conn, vec![b])
                .map_err(api)?
                .pop()
                .ok_or_else(|| format!("no backup {id}"))?;
            json(serde_json::to_value(view))
        }
        other => Err(format!("no view of resources of type {other}")),
    }
}

fn view(e: outbox::Event) -> ApiResult<EventView> {
    Ok(EventView {
        seq: e.seq,
        id: e.id,
        event_type: EventType::parse(&e.event_type)
            .ok_or_else(|| ApiError::internal(format!("stored event type `{}`", e.event_type)))?,
        occurred_at: e.occurred_at,
        resource_type: e.resource_type,
        resource_id: e.resource_id,
        context: e.context,
        data: e.data,
    })
}

/// The events after `after`, oldest first, each number once and in commit order: an integrator
/// stores the last `seq` read and asks again from it, and never misses one. The events carry
/// customers' data, so reading them is a privilege (R-SEC-5): the customer-service supervisor,
/// the managers and IT, and an API token of theirs with `events:read`; every page read and every
/// refusal is in the audit log.
#[utoipa::path(tag = "events", security(("bearer" = [])), params(EventQuery),
    responses((status = 200, description = "One page of the feed", body = EventPage),
        (status = 400, description = "An unknown event type, a bad number", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to take customer and order data out; a token without `events:read`", body = Problem, content_type = "application/problem+json")))]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    query: Query<EventQuery>,
) -> ApiResult<web::Json<EventPage>> {
    let q = query.into_inner();
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::bad_field(
            "invalid_query",
            "after",
            "must not be negative",
        ));
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::bad_field(
            "invalid_query",
            "limit",
            "must be 1 to 500",
        ));
    }
    let mut types = Vec::new();
    for t in q
        .types
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
    {
        if t.is_empty() {
            continue;
        }
        let parsed = EventType::parse(t).ok_or_else(|| {
            ApiError::bad_field("invalid_query", "type", format!("no event type `{t}`"))
        })?;
        types.push(parsed.as_str().to_owned());
    }
    let now = state.clock.now();
    let page = state
        .run_as(who, move |conn, who| {
            let allowed = who
                .require(PermissionLevel::Viewer, super::exports::EXPORTERS)
                .and_then(|()| who.require_scope("events:read"));
            let a = crate::support::actor(&who, &meta);
            if let Err(refusal) = allowed {
                ecops_app::outbox::record_read(
                    conn,
                    &a,
                    Outcome::Refused,
                    json!({"after": after}),
                    now,
                )?;
                return Err(refusal);
            }
            let events = outbox::after(conn, after, &types, limit)?;
            let next_after = events.last().map_or(after, |e| e.seq);
            if !events.is_empty() {
                ecops_app::outbox::record_read(
                    conn,
                    &a,
                    Outcome::Success,
                    json!({"after": after, "count": events.len(), "last": next_after}),
                    now,
                )?;
            }
            Ok(EventPage {
                items: events.into_iter().map(view).collect::<ApiResult<_>>()?,
                next_after,
            })
        })
        .await?;
    Ok(web::Json(page))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_published_catalogue_is_the_one_the_use_cases_record() {
        let recorded: Vec<&str> = ecops_app::outbox::EventType::ALL
            .iter()
            .map(|t| t.as_str())
            .collect();
        let published: Vec<&str> = ecops_api_types::EventType::ALL
            .iter()
            .map(|t| t.as_str())
            .collect();
        assert_eq!(recorded, published);
        for t in ecops_api_types::EventType::ALL {
            assert_eq!(
                serde_json::to_value(t).ok(),
                Some(serde_json::Value::String(t.as_str().to_owned()))
            );
        }
    }
}
