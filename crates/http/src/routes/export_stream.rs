//! Streaming exports for integrators: orders (with their lines and events), after-sales cases,
//! products and attendance summaries for any period, as NDJSON (one resource per line, as the API
//! shows it) or CSV. The answer is written while the database is read, a page at a time, through
//! a small bounded channel: memory stays the same however large the period. Taking customer and
//! order data out is a privilege (R-SEC-5): the customer-service supervisor, the managers and IT,
//! or a token of theirs with `exports:read`; every export, and every refusal, is audited.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;
use crate::support::{actor, inert, RequestMeta};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use ecops_api_types::{ExportDataset, ExportFormat, ExportQuery, Problem};
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::audit::Outcome;
use ecops_persistence::repo::{aftersales, orders, products};
use ecops_persistence::AnyConnection;
use serde_json::json;

/// Rows read per database round.
const PAGE: i64 = 500;
/// Pages written ahead of the client at most.
const AHEAD: usize = 2;

/// Where the next page starts.
#[derive(Debug, Clone)]
enum Cursor {
    Start,
    After(String),
    /// Attendance: the next month to summarise.
    Month(ecops_domain::workdays::Month),
    Done,
}

struct Page {
    bytes: Vec<u8>,
    rows: usize,
    next: Cursor,
}

fn csv_bytes(rows: &[Vec<String>]) -> ApiResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r.iter().map(|c| inert(c).into_owned()))
            .map_err(ApiError::internal)?;
    }
    w.into_inner().map_err(ApiError::internal)
}

/// A wire value as the API spells it (an enum's string), for a CSV cell.
fn wire<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) | Err(_) => String::new(),
        Ok(other) => other.to_string(),
    }
}

/// The CSV cells of a view: for each column, the view's field of that name as the API spells it.
fn cells<T: serde::Serialize>(v: &T, columns: &[(&str, &str)]) -> Vec<String> {
    let j = serde_json::to_value(v).unwrap_or_default();
    columns.iter().map(|(_, field)| wire(&j[*field])).collect()
}

fn ndjson<T: serde::Serialize>(items: &[T]) -> ApiResult<Vec<u8>> {
    let mut out = Vec::new();
    for i in items {
        serde_json::to_writer(&mut out, i).map_err(ApiError::internal)?;
        out.push(b'\n');
    }
    Ok(out)
}

const ORDER_HEAD: [&str; 18] = [
    "order_id",
    "channel",
    "channel_order_no",
    "created_at",
    "customer_name",
    "customer_phone",
    "shipping_address",
    "payment_method",
    "payment_status",
    "order_total_fen",
    "status",
    "line_no",
    "sku",
    "title",
    "quantity",
    "unit_price_fen",
    "line_total_fen",
    "last_event",
];

fn order_page(
    conn: &mut AnyConnection,
    q: &Period,
    after: Option<&str>,
    format: ExportFormat,
) -> ApiResult<Page> {
    let rows = orders::page_between(conn, q.from, q.to, after, PAGE)?;
    let ids: Vec<String> = rows.iter().map(|(o, _)| o.id.clone()).collect();
    let mut lines = orders::lines_of(conn, &ids)?;
    let mut events = orders::events_of(conn, &ids)?;
    let mut views = Vec::with_capacity(rows.len());
    for (o, s) in &rows {
        let ls = lines.remove(&o.id).unwrap_or_default();
        let es = events.remove(&o.id).unwrap_or_default();
        views.push(super::orders::view(o, &ls, s, &es, q.now)?);
    }
    let bytes = match format {
        ExportFormat::Ndjson => ndjson(&views)?,
        ExportFormat::Csv => {
            let mut out = Vec::new();
            for v in &views {
                let status = wire(&v.status);
                let last = v.events.last().map(|e| wire(&e.kind)).unwrap_or_default();
                let payment = wire(&v.payment_status);
                for l in &v.lines {
                    out.push(vec![
                        v.id.to_string(),
                        v.channel.clone(),
                        v.channel_order_no.clone(),
                        v.created_at.to_rfc3339(),
                        v.customer_name.clone(),
                        v.customer_phone.clone(),
                        v.shipping_address.clone(),
                        v.payment_method.clone(),
                        payment.clone(),
                        v.total_fen.to_string(),
                        status.clone(),
                        l.line_no.to_string(),
                        l.sku.clone(),
                        l.title.clone(),
                        l.quantity.to_string(),
                        l.unit_price_fen.to_string(),
                        l.line_total_fen.to_string(),
                        last.clone(),
                    ]);
                }
            }
            csv_bytes(&out)?
        }
    };
    Ok(Page {
        bytes,
        rows: views.len(),
        next: next_after(rows.last().map(|(o, _)| o.id.clone()), rows.len()),
    })
}

fn next_after(last: Option<String>, n: usize) -> Cursor {
    match last {
        Some(id) if n as i64 == PAGE => Cursor::After(id),
        _ => Cursor::Done,
    }
}

/// CSV header and the case view's field under it.
const CASE_COLUMNS: [(&str, &str); 11] = [
    ("case_id", "id"),
    ("order_id", "order_id"),
    ("kind", "kind"),
    ("status", "status"),
    ("created_at", "created_at"),
    ("deadline_at", "deadline_at"),
    ("refund_fen", "refund_fen"),
    ("owner_id", "owner_id"),
    ("description", "description"),
    ("result", "result"),
    ("lines", "lines"),
];

fn case_page(
    conn: &mut AnyConnection,
    q: &Period,
    after: Option<&str>,
    format: ExportFormat,
) -> ApiResult<Page> {
    let cases = aftersales::page_between(conn, q.from, q.to, after, PAGE)?;
    let next = next_after(cases.last().map(|c| c.id.to_string()), cases.len());
    let views = super::aftersales::views(conn, &cases, q.now)?;
    let bytes = match format {
        ExportFormat::Ndjson => ndjson(&views)?,
        ExportFormat::Csv => {
            let rows: Vec<Vec<String>> = views.iter().map(|v| cells(v, &CASE_COLUMNS)).collect();
            csv_bytes(&rows)?
        }
    };
    Ok(Page {
        bytes,
        rows: views.len(),
        next,
    })
}

/// CSV header and the product view's field under it.
const PRODUCT_COLUMNS: [(&str, &str); 9] = [
    ("product_id", "id"),
    ("sku", "sku"),
    ("title", "title"),
    ("category", "category"),
    ("status", "status"),
    ("list_price_fen", "list_price_fen"),
    ("price_fen", "price_fen"),
    ("stock", "stock"),
    ("created_at", "created_at"),
];

fn product_page(
    conn: &mut AnyConnection,
    q: &Period,
    after: Option<&str>,
    format: ExportFormat,
) -> ApiResult<Page> {
    let list = products::list(conn, &products::ProductFilter::default(), after, PAGE)?;
    let next = next_after(list.last().map(|p| p.sku.clone()), list.len());
    // A product is in the period when it was created in it.
    let list: Vec<_> = list
        .into_iter()
        .filter(|p| p.created_at >= q.from && p.created_at < q.to)
        .collect();
    let views = super::products::views(conn, &list, q.now)?;
    let bytes = match format {
        ExportFormat::Ndjson => ndjson(&views)?,
        ExportFormat::Csv => {
            let rows: Vec<Vec<String>> = views.iter().map(|v| cells(v, &PRODUCT_COLUMNS)).collect();
            csv_bytes(&rows)?
        }
    };
    Ok(Page {
        bytes,
        rows: views.len(),
        next,
    })
}

fn attendance_page(
    conn: &mut AnyConnection,
    q: &Period,
    month: ecops_domain::workdays::Month,
    format: ExportFormat,
) -> ApiResult<Page> {
    use ecops_app::attendance_month::{self as months, Scope};
    let figures = months::month(conn, Scope::Everyone, month, q.now)?;
    let views = super::workdays::views(&figures);
    let bytes = match format {
        ExportFormat::Ndjson => {
            let lines: Vec<serde_json::Value> = views
                .iter()
                .map(|v| json!({"month": month.label(), "summary": v}))
                .collect();
            ndjson(&lines)?
        }
        ExportFormat::Csv => {
            // The header row comes once, at the start of the whole answer.
            let rows = super::workdays::month_rows(&month.label(), &views);
            csv_bytes(&rows[1..])?
        }
    };
    let next = month.next();
    let last = ecops_domain::workdays::Month::of(
        (q.to - Duration::nanoseconds(1))
            .with_timezone(&q.tz)
            .date_naive(),
    );
    Ok(Page {
        bytes,
        rows: views.len(),
        next: if next.first() > last.first() {
            Cursor::Done
        } else {
            Cursor::Month(next)
        },
    })
}

/// What one export covers.
#[derive(Debug, Clone)]
struct Period {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
}

fn header_row(dataset: ExportDataset) -> Vec<String> {
    let head = |columns: &[(&str, &str)]| columns.iter().map(|(h, _)| (*h).to_owned()).collect();
    match dataset {
        ExportDataset::Orders => ORDER_HEAD.iter().map(|h| (*h).to_owned()).collect(),
        ExportDataset::AftersalesCases => head(&CASE_COLUMNS),
        ExportDataset::Products => head(&PRODUCT_COLUMNS),
        ExportDataset::AttendanceSummaries => super::workdays::month_rows("", &[])
            .into_iter()
            .next()
            .unwrap_or_default(),
    }
}

fn page(
    conn: &mut AnyConnection,
    dataset: ExportDataset,
    format: ExportFormat,
    q: &Period,
    cursor: &Cursor,
) -> ApiResult<Page> {
    let after = match cursor {
        Cursor::After(a) => Some(a.as_str()),
        _ => None,
    };
    match (dataset, cursor) {
        (_, Cursor::Done) => Ok(Page {
            bytes: Vec::new(),
            rows: 0,
            next: Cursor::Done,
        }),
        (ExportDataset::Orders, _) => order_page(conn, q, after, format),
        (ExportDataset::AftersalesCases, _) => case_page(conn, q, after, format),
        (ExportDataset::Products, _) => product_page(conn, q, after, format),
        (ExportDataset::AttendanceSummaries, Cursor::Month(m)) => {
            attendance_page(conn, q, *m, format)
        }
        (ExportDataset::AttendanceSummaries, _) => {
            let first = ecops_domain::workdays::Month::of(q.from.with_timezone(&q.tz).date_naive());
            attendance_page(conn, q, first, format)
        }
    }
}

/// The longest period one export covers.
const MAX_DAYS: i64 = 366 * 3;

/// Streams a dataset for a period, oldest first: `orders` (each with its lines and events, as
/// `GET /orders/{id}` shows it), `aftersales-cases`, `products` (created in the period) and
/// `attendance-summaries` (each person's figures for every calendar month the period touches; for
/// those who read wages: the department manager, the general manager and IT).
/// NDJSON gives one resource per line; CSV one row per order line, case, product or person-month,
/// with a header. The answer is written as the database is read, in pages: memory stays the same
/// however large the period; a failure midway ends the answer early (the transfer is then
/// incomplete, never silently short).
#[utoipa::path(tag = "exports", security(("bearer" = [])),
    params(("dataset" = ExportDataset, Path, description = "What to export"), ExportQuery),
    responses(
        (status = 200, description = "The export, streamed", content(
            (String = "application/x-ndjson"),
            (String = "text/csv"))),
        (status = 400, description = "A bad period or format", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to take data out; a token without `exports:read`", body = Problem, content_type = "application/problem+json")))]
#[get("/exports/{dataset}")]
pub async fn stream_export(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    dataset: web::Path<ExportDataset>,
    query: Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let dataset = dataset.into_inner();
    let q = query.into_inner();
    let format = q.format.unwrap_or(ExportFormat::Ndjson);
    let now = state.clock.now();
    // (PostgreSQL timestamps begin in 4713 BC: the epoch is early enough for any order.)
    let from = q.from.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let to = q.to.unwrap_or(now + Duration::seconds(1));
    if to <= from {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "must be after `from`",
        ));
    }
    if matches!(dataset, ExportDataset::AttendanceSummaries)
        && (q.from.is_none() || to - from > Duration::days(MAX_DAYS))
    {
        return Err(ApiError::bad_field(
            "invalid_query",
            "from",
            format!("attendance summaries need `from`, and a period of at most {MAX_DAYS} days"),
        ));
    }
    let name = dataset.as_str();
    let detail = json!({"from": q.from, "to": q.to, "format": format});
    let (d2, det) = (name.to_owned(), detail.clone());
    state
        .run_as(who, move |conn, who| {
            // Everyone's attendance figures (deductions included) are for those who read wages.
            let roles: &[ecops_domain::JobRole] =
                if matches!(dataset, ExportDataset::AttendanceSummaries) {
                    &ecops_domain::access::WAGE_READERS
                } else {
                    super::exports::EXPORTERS
                };
            let allowed = who
                .require(PermissionLevel::Operator, roles)
                .and_then(|()| who.require_scope("exports:read"));
            let a = actor(&who, &meta);
            let outcome = if allowed.is_ok() {
                Outcome::Success
            } else {
                Outcome::Refused
            };
            ecops_app::exports::record_stream(conn, &a, &d2, outcome, det, now)?;
            allowed
        })
        .await?;
    let period = Period {
        from,
        to,
        now,
        tz: state.config.orders.timezone,
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(AHEAD);
    let st = state.clone();
    tokio::spawn(async move {
        let mut cursor = Cursor::Start;
        let mut total = 0_usize;
        let head = header_row(dataset);
        if format == ExportFormat::Csv {
            let mut first = "\u{feff}".as_bytes().to_vec();
            first.extend(csv_bytes(&[head]).unwrap_or_default());
            if tx.send(Ok(Bytes::from(first))).await.is_err() {
                return;
            }
        }
        loop {
            let (p, c) = (period.clone(), cursor.clone());
            let got = st
                .run(move |conn| page(conn, dataset, format, &p, &c))
                .await;
            match got {
                Ok(page) => {
                    if !page.bytes.is_empty() && tx.send(Ok(Bytes::from(page.bytes))).await.is_err()
                    {
                        // The client went away.
                        return;
                    }
                    total += page.rows;
                    if matches!(page.next, Cursor::Done) {
                        tracing::info!(dataset = name, rows = total, "streaming export done");
                        return;
                    }
                    cursor = page.next;
                }
                Err(e) => {
                    tracing::warn!(error = %e, dataset = name, "a streaming export failed midway");
                    let _ = tx
                        .send(Err(std::io::Error::other("the export failed midway")))
                        .await;
                    return;
                }
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let (content_type, ext) = match format {
        ExportFormat::Ndjson => ("application/x-ndjson", "ndjson"),
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.{ext}\""),
        ))
        .streaming(body))
}
