//! After-sales cases (R-AFS-1..3): they refer to an order and its lines and never edit it.
//! Returns put stock back through a movement; refunds never exceed what was paid; returns,
//! exchanges and gifts stay within the opener's authority.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use ecops_domain::aftersales::{self as rules, AuthorityLimits, LogisticsIssue};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::aftersales::{self, Case, KINDS, STATUSES};
use ecops_persistence::repo::stock::{self, Reason};
use ecops_persistence::repo::{audit, orders, users};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// A case as customer service opens it.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub order_id: Uuid,
    pub kind: String,
    /// (line number, quantity)
    pub lines: Vec<(i32, i64)>,
    pub description: String,
    pub refund_fen: Option<i64>,
    pub owner_id: Option<Uuid>,
    pub logistics_issue: Option<String>,
    pub gift_fen: Option<i64>,
    pub gift_item: Option<String>,
}

/// Where the department's policy sets the after-sales limits.
#[derive(Debug, Clone, Copy)]
pub struct CasePolicy {
    pub authority: AuthorityLimits,
    /// R-AFS-2: hours to process a complaint before it is escalated.
    pub complaint_hours: i64,
}

/// Opens a case on an order (R-AFS-1/2): the refund within what was paid minus earlier refunds
/// (the order's row locked, so concurrent refunds are judged one after the other), the goods and
/// gifts within the opener's authority, a return putting its goods back in stock, a complaint
/// with its deadline.
pub fn open(
    conn: &mut AnyConnection,
    actor: &Actor,
    b: NewCase,
    policy: CasePolicy,
    now: DateTime<Utc>,
) -> AppResult<Case> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ORDER_TAKERS,
    )?;
    if !KINDS.contains(&b.kind.as_str()) {
        return Err(AppError::invalid(
            "kind",
            format!("must be one of {}", KINDS.join(", ")),
        ));
    }
    let refund = b.refund_fen.unwrap_or(0);
    if refund > 0 && !rules::gives_money_back(&b.kind) {
        return Err(AppError::invalid(
            "refund_fen",
            "only refunds, returns, complaints and disputes give money back",
        ));
    }
    // R-AFS-1: a logistics exception says what went wrong; no other kind does.
    let logistics_issue = match (b.kind.as_str(), b.logistics_issue.as_deref()) {
        ("logistics_exception", Some(i)) => Some(
            i.parse::<LogisticsIssue>()
                .map_err(|_| {
                    AppError::invalid(
                        "logistics_issue",
                        "must be lost, damaged, stuck, shipping_reminder or customer_carrier",
                    )
                })?
                .as_str()
                .to_owned(),
        ),
        ("logistics_exception", None) => {
            return Err(AppError::invalid(
                "logistics_issue",
                "a logistics exception names what went wrong",
            ))
        }
        (_, Some(_)) => {
            return Err(AppError::invalid(
                "logistics_issue",
                "only a logistics exception has one",
            ))
        }
        (_, None) => None,
    };
    let gift = b.gift_fen.unwrap_or(0);
    let gift_item = b.gift_item.as_deref().map(str::trim).map(str::to_owned);
    if gift > 0 && gift_item.is_none() {
        return Err(AppError::invalid("gift_item", "name what is given"));
    }
    let authority = policy.authority.of(&actor.roles);
    if b.kind == "return" && b.lines.is_empty() {
        return Err(AppError::invalid(
            "lines",
            "a return names the lines and quantities sent back",
        ));
    }
    let deadline = (b.kind == "complaint").then(|| now + Duration::hours(policy.complaint_hours));
    let c = Case {
        id: Uuid::now_v7(),
        order_id: b.order_id,
        kind: b.kind.clone(),
        status: "open".to_owned(),
        owner_id: b.owner_id.unwrap_or(actor.id),
        description: b.description.trim().to_owned(),
        customer_result: None,
        refund_fen: refund,
        deadline_at: deadline,
        created_by: actor.id,
        created_at: now,
        closed_at: None,
        version: 1,
        lines: b.lines.clone(),
        gift_fen: gift,
        gift_item: gift_item.filter(|_| gift > 0),
        logistics_issue,
    };
    write_tx(conn, |conn| {
        let rec = orders::find(conn, c.order_id)?
            .ok_or_else(|| AppError::invalid("order_id", "names no order"))?;
        users::find(conn, c.owner_id)?
            .filter(|u| u.is_active())
            .ok_or_else(|| AppError::invalid("owner_id", "names no active user"))?;
        aftersales::lock_order(conn, c.order_id, now)?;
        for (i, (no, qty)) in c.lines.iter().enumerate() {
            let line = rec.lines.iter().find(|l| l.line_no == *no).ok_or_else(|| {
                AppError::invalid(format!("lines.{i}.line_no"), "is not a line of the order")
            })?;
            if *qty > line.quantity {
                return Err(AppError::invalid(
                    format!("lines.{i}.quantity"),
                    format!("exceeds the {} ordered", line.quantity),
                ));
            }
        }
        // R-AFS-1: goods taken back or exchanged at their order price, plus any gift, within
        // the opener's authority; beyond it the supervisor decides (and opens the case).
        let goods: i64 = if rules::goods_count_against_authority(&c.kind) {
            c.lines
                .iter()
                .filter_map(|(no, qty)| {
                    rec.lines
                        .iter()
                        .find(|l| l.line_no == *no)
                        .map(|l| l.unit_price_fen.saturating_mul(*qty))
                })
                .sum()
        } else {
            0
        };
        let value = goods.saturating_add(c.gift_fen);
        if !rules::within_authority(authority, value) {
            return Err(AppError::forbidden("beyond_authority", format!(
                        "this case settles {value} fen of goods and gifts, beyond your authority of {} fen: the customer-service supervisor decides",
                        authority.unwrap_or_default())));
        }
        let refunded = aftersales::refunded(conn, c.order_id)?;
        if c.refund_fen > rec.order.paid_fen - refunded {
            return Err(AppError::RuleOn {
                code: "refund_exceeds_paid",
                detail: format!(
                    "{} fen were paid and {} already refunded: at most {} fen can be refunded",
                    rec.order.paid_fen,
                    refunded,
                    rec.order.paid_fen - refunded
                ),
                errors: vec![(
                    "refund_fen".into(),
                    "exceeds what was paid minus earlier refunds".into(),
                )],
            });
        }
        aftersales::insert(conn, &c)?;
        if c.kind == "return" {
            for (no, qty) in &c.lines {
                if let Some(line) = rec.lines.iter().find(|l| l.line_no == *no) {
                    let pid = orders::parse_id(&line.product_id)?;
                    stock::move_stock(
                        conn,
                        pid,
                        *qty,
                        Reason::Return,
                        Some(&c.id.to_string()),
                        None,
                        Some(actor.id),
                        now,
                    )?;
                }
            }
        }
        audit::append(conn, &actor.audit_entry("aftersales.open", Some(("aftersales_case", c.id.to_string())), audit::Outcome::Success, json!({"order_id": c.order_id, "kind": c.kind, "refund_fen": c.refund_fen, "gift_fen": c.gift_fen, "logistics_issue": c.logistics_issue})), now)?;
        crate::outbox::record(
            conn,
            crate::outbox::EventType::CaseOpened,
            &c.id.to_string(),
            json!({}),
            now,
        )?;
        Ok(c)
    })
}

/// What a case update changes.
#[derive(Debug, Clone, Default)]
pub struct CaseChanges {
    pub status: Option<String>,
    pub owner_id: Option<Uuid>,
    pub customer_result: Option<String>,
}

/// Judges the shape of an update before anything is read (so a bad body is refused whatever
/// `If-Match` says).
pub fn check_changes(b: &CaseChanges) -> AppResult<()> {
    if let Some(s) = &b.status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(AppError::invalid(
                "status",
                "must be open, in_progress, resolved or closed",
            ));
        }
    }
    if b.status.is_none() && b.owner_id.is_none() && b.customer_result.is_none() {
        return Err(AppError::rule(
            "nothing_to_change",
            "name at least one field to change",
        ));
    }
    Ok(())
}

/// Moves a case on (status, owner, the result given to the customer); `expected` is the version
/// the caller last read (`If-Match`). A closed case is final.
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    expected: Option<i64>,
    b: CaseChanges,
    now: DateTime<Utc>,
) -> AppResult<Case> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[
            ecops_domain::JobRole::CustomerService,
            ecops_domain::JobRole::CsSupervisor,
        ],
    )?;
    check_changes(&b)?;
    write_tx(conn, |conn| {
        let c = aftersales::find(conn, id)?.ok_or_else(|| AppError::not_found("no such case"))?;
        crate::error::check_version(c.version, expected)?;
        if c.status == "closed" {
            return Err(AppError::conflict("case_closed", "a closed case is final"));
        }
        if let Some(o) = b.owner_id {
            users::find(conn, o)?
                .filter(|u| u.is_active())
                .ok_or_else(|| AppError::invalid("owner_id", "names no active user"))?;
        }
        if !aftersales::update(
            conn,
            id,
            c.version,
            b.status.as_deref(),
            b.owner_id,
            b.customer_result.as_deref(),
            now,
        )? {
            return Err(AppError::Stale("the case changed meanwhile".into()));
        }
        audit::append(
            conn,
            &actor.audit_entry(
                "aftersales.update",
                Some(("aftersales_case", id.to_string())),
                audit::Outcome::Success,
                json!({"status": b.status, "owner_id": b.owner_id}),
            ),
            now,
        )?;
        if b.status.as_deref() == Some("closed") {
            crate::outbox::record(
                conn,
                crate::outbox::EventType::CaseClosed,
                &id.to_string(),
                json!({}),
                now,
            )?;
        }
        aftersales::find(conn, id)?.ok_or_else(|| AppError::not_found("no such case"))
    })
}
