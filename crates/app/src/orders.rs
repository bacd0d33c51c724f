//! Orders (R-ORD-1..7): creation reserves stock in the same transaction; afterwards only events
//! are appended, each chained to the previous one by its hash.

use crate::approvals::Actor;
use crate::error::{unique_as, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use ecops_domain::access::ORDER_TAKERS;
use ecops_domain::order::{self as rules, EventKind, OrderStatus};
use ecops_domain::product::ProductStatus;
use ecops_domain::PermissionLevel;
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::customers::{self, Customer};
use ecops_persistence::repo::orders::{
    self, core_json, event_json, EventRow, LineRow, OrderRow, StatusRow,
};
use ecops_persistence::repo::products;
use ecops_persistence::repo::stock::{self, Reason};
use ecops_persistence::repo::to_db;
use ecops_persistence::AnyConnection;
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Who the order is for.
#[derive(Debug, Clone)]
pub enum CustomerRef {
    Existing(Uuid),
    /// Found by phone, or created.
    Contact {
        name: String,
        phone: String,
        email: Option<String>,
        address: String,
        classification: String,
    },
}

#[derive(Debug, Clone)]
pub struct NewLine {
    pub sku: String,
    pub quantity: i64,
    /// The channel's price; `None`: the product's effective price at this instant.
    pub unit_price_fen: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub channel: String,
    pub channel_order_no: String,
    pub customer: CustomerRef,
    pub shipping_address: String,
    pub payment_method: String,
    /// `paid`, `unpaid` or `cod` (cash on delivery).
    pub payment_status: String,
    pub lines: Vec<NewLine>,
    /// R-ORD-10: the largest discount (basis points of the effective price) the creator may
    /// agree; a line beyond it creates the order on price hold.
    pub discount_limit_bp: u32,
}

fn invalid(field: String, message: impl Into<String>) -> AppError {
    AppError::Invalid {
        field,
        message: message.into(),
    }
}

fn resolve_customer(
    conn: &mut AnyConnection,
    c: &CustomerRef,
    by: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Customer> {
    match c {
        CustomerRef::Existing(id) => customers::find(conn, *id)?
            .ok_or_else(|| invalid("customer_id".into(), "names no customer")),
        CustomerRef::Contact {
            name,
            phone,
            email,
            address,
            classification,
        } => {
            if let Some(found) = customers::find_by_phone(conn, phone)? {
                return Ok(found);
            }
            let c = Customer {
                id: Uuid::now_v7(),
                name: name.clone(),
                phone: phone.clone(),
                email: email.clone(),
                address: address.clone(),
                classification: classification.clone(),
                bad_customer: false,
                bad_customer_reason: None,
                created_by: by,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            customers::insert(conn, &c)?;
            Ok(c)
        }
    }
}

/// R-ORD-1/7: creates an order, reserving its stock in the same transaction (never below zero;
/// reaching zero delists, R-PRD-4). Returns the new order's id.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    new: &NewOrder,
    contact_within: Duration,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    actor.require(PermissionLevel::Operator, ORDER_TAKERS)?;
    let by = actor.id;
    write_tx(conn, |conn| {
        let customer = resolve_customer(conn, &new.customer, by, now)?;
        let skus: Vec<String> = new.lines.iter().map(|l| l.sku.clone()).collect();
        let found: HashMap<String, products::Product> = products::find_by_skus(conn, &skus)?
            .into_iter()
            .map(|p| (p.sku.clone(), p))
            .collect();
        let ids: Vec<Uuid> = found.values().map(|p| p.id).collect();
        let prices = products::effective_prices(conn, &ids, now)?;
        let order_id = Uuid::now_v7();
        let key = order_id.to_string();
        // Look every line's product up, then let the domain price the order.
        let mut requested = Vec::with_capacity(new.lines.len());
        let mut chosen = Vec::with_capacity(new.lines.len());
        for (i, l) in new.lines.iter().enumerate() {
            let p = found.get(&l.sku).ok_or_else(|| {
                invalid(
                    format!("lines.{i}.sku"),
                    format!("no product has SKU {}", l.sku),
                )
            })?;
            let listed = p.status == ProductStatus::Listed;
            let effective = match prices.get(&p.id) {
                Some(price) => *price,
                None if !listed => 0,
                None => return Err(invalid(format!("lines.{i}.sku"), "has no price in force")),
            };
            requested.push((
                rules::LineRequest {
                    quantity: l.quantity,
                    unit_price_fen: l.unit_price_fen,
                },
                rules::Offer {
                    listed,
                    effective_price_fen: effective,
                },
            ));
            chosen.push(p);
        }
        let priced = rules::price_order(
            &requested,
            new.payment_status == "paid",
            new.discount_limit_bp,
        )
        .map_err(|e| match e {
            rules::PricingError::NotForSale { line } => {
                let p = chosen[line];
                AppError::Rule {
                    code: "not_for_sale",
                    detail: format!("{} is {}, not listed", p.sku, p.status.as_str()),
                }
            }
            rules::PricingError::Overflow { line } => invalid(
                format!("lines.{line}.quantity"),
                "makes the order total overflow",
            ),
        })?;
        let beyond: Vec<serde_json::Value> = priced
            .beyond_limit
            .iter()
            .map(|&i| {
                let l = &priced.lines[i];
                json!({"line_no": i + 1, "sku": chosen[i].sku, "effective_price_fen": l.effective_price_fen,
                       "unit_price_fen": l.unit_price_fen, "discount_bp": l.discount_bp})
            })
            .collect();
        let lines: Vec<LineRow> = priced
            .lines
            .iter()
            .zip(&chosen)
            .enumerate()
            .map(|(i, (l, p))| LineRow {
                order_id: key.clone(),
                line_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
                product_id: p.id.to_string(),
                sku: p.sku.clone(),
                title: p.title.clone(),
                quantity: l.quantity,
                unit_price_fen: l.unit_price_fen,
                line_total_fen: l.line_total_fen,
            })
            .collect();
        let total = priced.total_fen;
        let mut order = OrderRow {
            id: key.clone(),
            channel: new.channel.clone(),
            channel_order_no: new.channel_order_no.clone(),
            customer_id: customer.id.to_string(),
            customer_name: customer.name.clone(),
            customer_phone: customer.phone.clone(),
            shipping_address: new.shipping_address.clone(),
            total_fen: total,
            payment_method: new.payment_method.clone(),
            payment_status: new.payment_status.clone(),
            paid_fen: priced.paid_fen,
            created_by: by.to_string(),
            created_at: to_db(now),
            core_hash: String::new(),
        };
        order.core_hash = rules::hash_json(&core_json(&order, &lines));
        orders::insert_order(conn, &order, &lines).map_err(unique_as(|| {
            AppError::conflict(
                "duplicate_channel_order",
                format!(
                    "order {} of channel {} already exists",
                    order.channel_order_no, order.channel
                ),
            )
        }))?;
        // Reserve after the order row exists, so a duplicate channel order fails before stock moves.
        for l in &lines {
            let pid = orders::parse_id(&l.product_id)?;
            let moved = stock::move_stock(
                conn,
                pid,
                -l.quantity,
                Reason::Order,
                Some(&key),
                None,
                Some(by),
                now,
            )?;
            crate::outbox::after_stock_move(conn, pid, &moved, now)?;
        }
        let accepted = chain_event(
            &order.core_hash,
            &key,
            1,
            EventKind::Accepted,
            Some(by),
            now,
            json!({}),
        );
        orders::insert_event(conn, &accepted)?;
        crate::delegations::record_on_behalf(
            conn,
            actor,
            "order.create",
            ("order", key.clone()),
            json!({"channel": order.channel, "channel_order_no": order.channel_order_no}),
            now,
        )?;
        let (status, last_seq) = if beyond.is_empty() {
            (OrderStatus::Accepted, 1)
        } else {
            let needed = beyond
                .iter()
                .filter_map(|l| l["discount_bp"].as_u64())
                .max()
                .unwrap_or(0);
            let held = chain_event(
                &accepted.hash,
                &key,
                2,
                EventKind::PriceHeld,
                None,
                now,
                json!({"discount_bp": needed, "creator_limit_bp": new.discount_limit_bp, "lines": beyond}),
            );
            orders::insert_event(conn, &held)?;
            (OrderStatus::PriceHold, 2)
        };
        orders::insert_status(
            conn,
            &StatusRow {
                order_id: key.clone(),
                status: status.as_str().to_owned(),
                contact_due_at: to_db(rules::contact_due(now, contact_within)),
                contacted_at: None,
                last_seq,
                updated_at: to_db(now),
            },
        )?;
        crate::outbox::record(
            conn,
            crate::outbox::EventType::OrderCreated,
            &key,
            json!({}),
            now,
        )?;
        Ok(order_id)
    })
}

fn chain_event(
    prev_hash: &str,
    order_id: &str,
    seq: i32,
    kind: EventKind,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
    data: serde_json::Value,
) -> EventRow {
    let mut e = EventRow {
        id: Uuid::now_v7().to_string(),
        order_id: order_id.to_owned(),
        seq,
        kind: kind.as_str().to_owned(),
        actor_id: actor.map(|a| a.to_string()),
        at: to_db(now),
        data: data.to_string(),
        prev_hash: prev_hash.to_owned(),
        hash: String::new(),
    };
    e.hash = rules::event_hash(prev_hash, &event_json(&e));
    e
}

/// R-ORD-2..6: appends one event if the order's state allows it. Cancelling releases the
/// reserved stock; a line-by-line check must match the order exactly.
/// `actor_limit_bp` is the actor's R-ORD-10 discount limit: releasing a price hold needs one that
/// covers the held price.
pub fn append(
    conn: &mut AnyConnection,
    who: &Actor,
    order_id: Uuid,
    kind: EventKind,
    actor_limit_bp: u32,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    who.require(PermissionLevel::Operator, kind.roles())?;
    let actor = who.id;
    write_tx(conn, |conn| {
        let rec =
            orders::find(conn, order_id)?.ok_or_else(|| AppError::not_found("no such order"))?;
        let status = rec.status.status()?;
        let next = rules::apply(status, kind)
            .map_err(|e| AppError::conflict("invalid_transition", e.to_string()))?;
        let last = rec
            .events
            .last()
            .ok_or_else(|| AppError::Internal("an order without events".into()))?;
        if kind == EventKind::PickedChecked {
            check_lines(&rec.lines, &data)?;
        }
        if kind == EventKind::PriceReleased {
            let needed = rec
                .events
                .iter()
                .rev()
                .find(|e| e.kind == EventKind::PriceHeld.as_str())
                .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.data).ok())
                .and_then(|d| d["discount_bp"].as_u64())
                .ok_or_else(|| {
                    AppError::Internal("a price hold without its price_held event".into())
                })?;
            if u64::from(actor_limit_bp) < needed {
                return Err(AppError::forbidden(
                    "discount_beyond_limit",
                    format!(
                        "the agreed price is {}.{:02} % below the effective price; your limit is {}.{:02} %",
                        needed / 100,
                        needed % 100,
                        actor_limit_bp / 100,
                        actor_limit_bp % 100
                    ),
                ));
            }
        }
        if kind == EventKind::Cancelled {
            for l in &rec.lines {
                stock::move_stock(
                    conn,
                    orders::parse_id(&l.product_id)?,
                    l.quantity,
                    Reason::OrderCancelled,
                    Some(&rec.order.id),
                    None,
                    Some(actor),
                    now,
                )?;
            }
        }
        let event = chain_event(
            &last.hash,
            &rec.order.id,
            last.seq + 1,
            kind,
            Some(actor),
            now,
            data,
        );
        orders::insert_event(conn, &event).map_err(unique_as(|| {
            AppError::conflict(
                "concurrent_event",
                "another event was recorded meanwhile; read the order again",
            )
        }))?;
        let contacted = match (rec.status.contacted_at, kind) {
            (None, EventKind::CustomerContacted) => Some(to_db(now)),
            (c, _) => c,
        };
        if !orders::advance_status(conn, &rec.order.id, last.seq, next, contacted, now)? {
            return Err(AppError::conflict(
                "concurrent_event",
                "another event was recorded meanwhile; read the order again",
            ));
        }
        if kind == EventKind::CustomerContacted {
            // R-QA-1: the contact is a record of its own, for the service reviews.
            record_order_contact(conn, &rec.order, &event.data, actor, now)?;
        }
        crate::outbox::record(
            conn,
            crate::outbox::EventType::OrderEventAppended,
            &rec.order.id,
            json!({"kind": event.kind, "seq": event.seq}),
            now,
        )?;
        crate::delegations::record_on_behalf(
            conn,
            who,
            "order.event",
            ("order", rec.order.id.clone()),
            json!({"kind": event.kind, "seq": event.seq}),
            now,
        )?;
        Ok(())
    })
}

/// The contact an order's `customer_contacted` event stands for, as a service-quality record:
/// the person who recorded it, the order and its customer, the note as the summary.
fn record_order_contact(
    conn: &mut AnyConnection,
    order: &orders::OrderRow,
    data: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use ecops_persistence::repo::quality::{insert_contact, Contact};
    let data: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
    let text = |key: &str| {
        data[key]
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let channel = text("channel")
        .and_then(|c| ecops_domain::quality::Channel::parse(&c))
        .unwrap_or(ecops_domain::quality::Channel::Phone);
    insert_contact(
        conn,
        &Contact {
            id: Uuid::now_v7(),
            staff_id: actor,
            order_id: Some(orders::parse_id(&order.id)?),
            customer_id: Some(orders::parse_id(&order.customer_id)?),
            channel: channel.as_str().to_owned(),
            direction: "outbound".to_owned(),
            started_at: now,
            ended_at: now,
            summary: text("note")
                .unwrap_or_else(|| format!("contacted about order {}", order.channel_order_no)),
            transcript: None,
            outcome: text("outcome").unwrap_or_else(|| "contacted".to_owned()),
            feedback: text("feedback"),
            recorded_by: actor,
            recorded_at: now,
        },
    )?;
    Ok(())
}

/// R-ORD-6: the warehouse's count must name every line of the order with its exact quantity.
fn check_lines(lines: &[LineRow], data: &serde_json::Value) -> AppResult<()> {
    let checked: HashMap<i64, i64> = data["lines"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|l| Some((l["line_no"].as_i64()?, l["quantity"].as_i64()?)))
                .collect()
        })
        .unwrap_or_default();
    let mut wrong = Vec::new();
    for l in lines {
        match checked.get(&i64::from(l.line_no)) {
            Some(q) if *q == l.quantity => {}
            Some(q) => wrong.push(format!(
                "line {} ({}) has {} picked, the order says {}",
                l.line_no, l.sku, q, l.quantity
            )),
            None => wrong.push(format!("line {} ({}) was not checked", l.line_no, l.sku)),
        }
    }
    if checked.len() > lines.len() {
        wrong.push("the check names lines the order does not have".to_owned());
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(AppError::rule("check_mismatch", wrong.join("; ")))
    }
}

/// What a verification of the hash chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub valid: bool,
    pub events_checked: usize,
    pub problems: Vec<String>,
}

/// Recomputes the core hash and every event hash from the stored rows.
pub fn verify(conn: &mut AnyConnection, order_id: Uuid) -> AppResult<Verification> {
    let rec = orders::find(conn, order_id)?.ok_or_else(|| AppError::not_found("no such order"))?;
    let mut problems = Vec::new();
    let core = rules::hash_json(&core_json(&rec.order, &rec.lines));
    if core != rec.order.core_hash {
        problems.push("the order's core data (customer, address, lines, prices or totals) differs from what was hashed at creation".to_owned());
    }
    let mut prev = rec.order.core_hash.clone();
    for (i, e) in rec.events.iter().enumerate() {
        if i32::try_from(i + 1).ok() != Some(e.seq) {
            problems.push(format!("event sequence breaks at {}", e.seq));
        }
        if e.prev_hash != prev {
            problems.push(format!("event {} does not follow the one before it", e.seq));
        }
        if rules::event_hash(&e.prev_hash, &event_json(e)) != e.hash {
            problems.push(format!("event {} ({}) was altered", e.seq, e.kind));
        }
        prev = e.hash.clone();
    }
    Ok(Verification {
        valid: problems.is_empty(),
        events_checked: rec.events.len(),
        problems,
    })
}

/// R-ORD-2: records an attempt to change an order (the change itself is refused by the caller).
pub fn record_refused_change(
    conn: &mut AnyConnection,
    actor: &crate::approvals::Actor,
    order: &str,
    method: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let entry = actor.audit_entry(
        "order.change_refused",
        Some(("order", order.to_owned())),
        ecops_persistence::repo::audit::Outcome::Refused,
        json!({"method": method}),
    );
    ecops_persistence::repo::audit::append(conn, &entry, now)?;
    Ok(())
}
