//! Bulk import of channel orders (R-ORD-1): NDJSON (one order per line, as `POST /orders`) or CSV
//! (one row per order line; consecutive rows with the same channel and order number form one
//! order). Each order is created in its own transaction, so one bad order never half-writes and
//! never blocks the others; the answer reports every order's outcome. `?dry_run=true` checks
//! without writing.

use super::orders::{parse_order, ORDER_TAKERS};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{import_body, ImportBody, Query};
use crate::idempotency;
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::Duration;
use ecops_api_types::{
    CreateOrderRequest, CustomerInput, FieldError, ImportQuery, ImportReport, ImportRowResult,
    OrderLineInput, Problem,
};
use ecops_app::orders as flow;
use ecops_app::AppError;
use ecops_domain::product::ProductStatus;
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::products;
use validator::Validate;

/// An order read from the file, or why it could not be read.
type Parsed = (
    usize,
    Option<String>,
    Result<CreateOrderRequest, Vec<FieldError>>,
);

fn errors_of(row: usize, e: ApiError) -> Vec<FieldError> {
    let p = e.problem();
    if p.errors.is_empty() {
        vec![FieldError {
            field: format!("rows.{row}"),
            message: p.detail,
        }]
    } else {
        p.errors
            .into_iter()
            .map(|f| FieldError {
                field: format!("rows.{row}.{}", f.field),
                message: f.message,
            })
            .collect()
    }
}

fn parse_ndjson(body: &[u8]) -> Vec<Parsed> {
    String::from_utf8_lossy(body)
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let row = i + 1;
            match crate::extract::parse_json::<CreateOrderRequest>(l.as_bytes()) {
                Ok(o) => (row, Some(o.channel_order_no.clone()), Ok(o)),
                Err(e) => (row, None, Err(errors_of(row, e))),
            }
        })
        .collect()
}

const CSV_COLUMNS: [&str; 11] = [
    "channel",
    "channel_order_no",
    "customer_name",
    "customer_phone",
    "customer_address",
    "shipping_address",
    "payment_method",
    "payment_status",
    "sku",
    "quantity",
    "unit_price_fen",
];

fn parse_csv(body: &[u8]) -> ApiResult<Vec<Parsed>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| {
            ApiError::bad_request(
                "malformed_csv",
                format!("the CSV header cannot be read: {e}"),
            )
        })?
        .clone();
    for required in &CSV_COLUMNS[..10] {
        if !headers.iter().any(|h| h == *required) {
            return Err(ApiError::bad_field(
                "malformed_csv",
                required,
                "is a required CSV column",
            ));
        }
    }
    let mut out: Vec<Parsed> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.push((
                    row,
                    None,
                    Err(vec![FieldError {
                        field: format!("rows.{row}"),
                        message: e.to_string(),
                    }]),
                ));
                continue;
            }
        };
        let get = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        let number = |name: &str| -> Result<Option<i64>, FieldError> {
            let v = get(name);
            if v.is_empty() {
                return Ok(None);
            }
            v.parse().map(Some).map_err(|_| FieldError {
                field: format!("rows.{row}.{name}"),
                message: "must be a whole number".into(),
            })
        };
        let line = match (number("quantity"), number("unit_price_fen")) {
            (Ok(Some(q)), Ok(p)) => OrderLineInput {
                sku: get("sku"),
                quantity: q,
                unit_price_fen: p,
            },
            (Ok(None), _) => {
                out.push((
                    row,
                    Some(get("channel_order_no")),
                    Err(vec![FieldError {
                        field: format!("rows.{row}.quantity"),
                        message: "is required".into(),
                    }]),
                ));
                continue;
            }
            (Err(e), _) | (_, Err(e)) => {
                out.push((row, Some(get("channel_order_no")), Err(vec![e])));
                continue;
            }
        };
        let key = (get("channel"), get("channel_order_no"));
        if let Some((_, _, Ok(prev))) = out.last_mut() {
            if (prev.channel.clone(), prev.channel_order_no.clone()) == key {
                prev.lines.push(line);
                continue;
            }
        }
        out.push((
            row,
            Some(key.1.clone()),
            Ok(CreateOrderRequest {
                channel: key.0,
                channel_order_no: key.1,
                customer_id: None,
                customer: Some(CustomerInput {
                    name: get("customer_name"),
                    phone: get("customer_phone"),
                    email: None,
                    address: get("customer_address"),
                    classification: None,
                }),
                shipping_address: get("shipping_address"),
                payment_method: get("payment_method"),
                payment_status: get("payment_status"),
                lines: vec![line],
            }),
        ));
    }
    Ok(out)
}

/// Imports channel orders (customer service or an integration with `orders:write`).
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(ImportQuery, ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    request_body(content((String = "text/csv"), (String = "application/x-ndjson")), description = "CSV with columns channel, channel_order_no, customer_name, customer_phone, customer_address, shipping_address, payment_method, payment_status, sku, quantity[, unit_price_fen] (one row per order line), or, sent as application/x-ndjson, one `POST /orders` body per line"),
    responses(
        (status = 200, description = "Every order's outcome (`created`, `valid` on a dry run, or `error` with the reasons); failed orders wrote nothing", body = ImportReport),
        (status = 422, description = "The file holds no orders", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/orders/import")]
pub async fn import_orders(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    query: Query<ImportQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // Authorized before the body is read; an import spans two blocking calls.
    let caller = who.clone();
    let who = state.identify(who).await?;
    who.require(PermissionLevel::Operator, ORDER_TAKERS)?;
    who.require_scope("orders:write")?;
    let dry_run = query.into_inner().dry_run;
    let body = import_body(&req, payload, state.config.import_body_limit).await?;
    let parsed = match &body {
        ImportBody::Csv(b) => parse_csv(b)?,
        ImportBody::Ndjson(b) => parse_ndjson(b),
    };
    if parsed.is_empty() {
        return Err(ApiError::unprocessable(
            "empty_import",
            "the import has no orders",
        ));
    }
    let key = idempotency::key_of(&req)?;
    let fingerprint = idempotency::fingerprint(
        &req,
        &format!("{dry_run}:{}", String::from_utf8_lossy(body.bytes())),
    );
    let a = crate::support::actor(&who, &meta);
    let now = state.clock.now();
    let within = Duration::minutes(state.config.orders.contact_minutes);
    let limit = state.config.orders.discount_limits.of(&who.roles);
    idempotency::run_once(
        &state,
        caller,
        key,
        fingerprint,
        StatusCode::OK,
        move |conn, _| {
            let mut rows = Vec::with_capacity(parsed.len());
            for (row, number, order) in parsed {
                let checked = order.and_then(|o| {
                    o.validate()
                        .map_err(|e| errors_of(row, crate::error::validation_problem(&e)))?;
                    parse_order(&o).map_err(|e| errors_of(row, e)).map(|mut n| {
                        n.discount_limit_bp = limit;
                        n
                    })
                });
                let outcome = match checked {
                    Err(errors) => Err(errors),
                    Ok(new) if dry_run => {
                        let skus: Vec<String> = new.lines.iter().map(|l| l.sku.clone()).collect();
                        let found = products::find_by_skus(conn, &skus)?;
                        let missing: Vec<FieldError> = skus
                            .iter()
                            .enumerate()
                            .filter(|(_, s)| {
                                !found
                                    .iter()
                                    .any(|p| &p.sku == *s && p.status == ProductStatus::Listed)
                            })
                            .map(|(i, s)| FieldError {
                                field: format!("rows.{row}.lines.{i}.sku"),
                                message: format!("{s} is not a listed product"),
                            })
                            .collect();
                        if missing.is_empty() {
                            Ok(None)
                        } else {
                            Err(missing)
                        }
                    }
                    Ok(new) => match flow::create(conn, &a, &new, within, now) {
                        Ok(id) => Ok(Some(id)),
                        Err(AppError::Invalid { field, message }) => Err(vec![FieldError {
                            field: format!("rows.{row}.{field}"),
                            message,
                        }]),
                        Err(AppError::Rule { detail, .. } | AppError::Conflict { detail, .. }) => {
                            Err(vec![FieldError {
                                field: format!("rows.{row}"),
                                message: detail,
                            }])
                        }
                        Err(other) => return Err(other.into()),
                    },
                };
                rows.push(match outcome {
                    Ok(id) => ImportRowResult {
                        row,
                        key: number.clone(),
                        outcome: if dry_run {
                            ecops_api_types::ImportOutcome::Valid
                        } else {
                            ecops_api_types::ImportOutcome::Created
                        },
                        id,
                        errors: Vec::new(),
                    },
                    Err(errors) => ImportRowResult {
                        row,
                        key: number,
                        outcome: ecops_api_types::ImportOutcome::Error,
                        id: None,
                        errors,
                    },
                });
            }
            let failed = rows
                .iter()
                .filter(|r| r.outcome == ecops_api_types::ImportOutcome::Error)
                .count();
            let created = if dry_run { 0 } else { rows.len() - failed };
            Ok(ImportReport {
                dry_run,
                total: rows.len(),
                created,
                failed,
                rows,
            })
        },
    )
    .await
}
