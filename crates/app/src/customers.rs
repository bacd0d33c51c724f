//! Customers (R-ORD-9): contact data, classification, and the bad-customer flag that customer
//! service proposes and the department manager confirms.

use crate::approvals::{self, Actor};
use crate::effects::BadCustomer;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::ApprovalKind;
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::audit;
use ecops_persistence::repo::customers::{self, Customer, CustomerChanges};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// Updates contact data or classification (customer service); `expected` is the version last
/// read (`If-Match`). Audited with the fields that changed.
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    expected: Option<i64>,
    changes: &CustomerChanges,
    now: DateTime<Utc>,
) -> AppResult<Customer> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ORDER_TAKERS,
    )?;
    write_tx(conn, |conn| {
        let c =
            customers::find(conn, id)?.ok_or_else(|| AppError::not_found("no such customer"))?;
        crate::error::check_version(c.version, expected)?;
        if !customers::update(conn, id, c.version, changes, now)? {
            return Err(AppError::Stale("the customer changed meanwhile".into()));
        }
        let fields: Vec<&str> = [
            ("name", changes.name.is_some()),
            ("phone", changes.phone.is_some()),
            ("email", changes.email.is_some()),
            ("address", changes.address.is_some()),
            ("classification", changes.classification.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, set)| set.then_some(f))
        .collect();
        audit::append(
            conn,
            &actor.audit_entry(
                "customer.update",
                Some(("customer", id.to_string())),
                audit::Outcome::Success,
                json!({"fields": fields}),
            ),
            now,
        )?;
        Ok(customers::get(conn, id)?)
    })
}

/// R-ORD-9: proposes flagging a bad customer; one pending request per customer.
pub fn propose_bad_customer(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<ApprovalRequest> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ORDER_TAKERS,
    )?;
    let reason = reason.trim().to_owned();
    write_tx(conn, |conn| {
        let c =
            customers::find(conn, id)?.ok_or_else(|| AppError::not_found("no such customer"))?;
        if c.bad_customer {
            return Err(AppError::conflict(
                "already_flagged",
                "the customer is already flagged",
            ));
        }
        approvals::no_pending(
            conn,
            ApprovalKind::BadCustomer,
            ("customer", &id.to_string()),
            "to flag this customer",
        )?;
        let payload = serde_json::to_value(BadCustomer {
            reason: reason.clone(),
        })
        .map_err(|e| AppError::Store(e.into()))?;
        approvals::submit(
            conn,
            ApprovalKind::BadCustomer,
            ("customer", id.to_string()),
            actor,
            payload,
            &reason,
            Some(c.version),
            now,
        )
    })
}
