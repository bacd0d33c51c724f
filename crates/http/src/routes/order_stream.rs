//! R-ORD-3: a live stream (Server-Sent Events) of new and changed orders for the dashboard.
//!
//! Every order event is sent once, with its id as the SSE id; a client that reconnects with
//! `Last-Event-ID` resumes right after the last event it saw. The stream reads the database, so
//! it works the same whichever node wrote the event. It trails real time by a short settling
//! window, so an event whose transaction commits a moment after a later-numbered one is never
//! skipped.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::{get, web, HttpRequest};
use actix_web_lab::sse;
use ecops_persistence::repo::from_db;
use ecops_persistence::repo::orders;
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;

/// How far behind real time the stream stays, for transactions to commit.
const SETTLE: Duration = Duration::from_millis(750);
const POLL: Duration = Duration::from_millis(250);

/// The smallest UUID v7 of the millisecond `ago` before now: every id made at or after that
/// millisecond sorts above it.
fn boundary(ago: Duration) -> String {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_sub(ago);
    let millis = u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX);
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    bytes[6] = 0x70; // version 7
    bytes[8] = 0x80; // RFC 4122 variant
    Uuid::from_bytes(bytes).to_string()
}

/// The live stream of order events. Send `Last-Event-ID` to resume after a dropped connection;
/// without it the stream starts now.
#[utoipa::path(
    tag = "orders",
    security(("bearer" = [])),
    params(("Last-Event-ID" = Option<String>, Header, description = "The id of the last event received")),
    responses((status = 200, description = "`text/event-stream`: one `order_event` per event, data `{order_id, seq, kind, at}`",
        content_type = "text/event-stream", body = String))
)]
#[get("/orders/stream")]
pub async fn stream_orders(
    state: web::Data<AppState>,
    req: HttpRequest,
    who: Caller,
) -> ApiResult<impl actix_web::Responder> {
    // A stream spans many blocking calls: the caller is resolved once, before it starts.
    let who = state.identify(who).await?;
    who.require_scope("orders:read")?;
    let last = match req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
    {
        Some(v) => Some(
            Uuid::parse_str(v.trim())
                .map_err(|_| {
                    ApiError::bad_field(
                        "invalid_header",
                        "Last-Event-ID",
                        "must be an event id from this stream",
                    )
                })?
                .to_string(),
        ),
        None => None,
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<sse::Event>(64);
    let st = state.clone();
    tokio::spawn(async move {
        let mut cursor = last.unwrap_or_else(|| boundary(SETTLE));
        loop {
            let after = cursor.clone();
            let before = boundary(SETTLE);
            let batch = st
                .run(move |conn| Ok(orders::events_between(conn, &after, &before, 500)?))
                .await;
            match batch {
                Ok(events) => {
                    for e in events {
                        let data = json!({"order_id": e.order_id, "seq": e.seq, "kind": e.kind, "at": from_db(e.at)});
                        let Ok(d) = sse::Data::new_json(data) else {
                            continue;
                        };
                        if tx
                            .send(d.id(e.id.clone()).event("order_event").into())
                            .await
                            .is_err()
                        {
                            return;
                        }
                        cursor = e.id;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "order stream poll failed"),
            }
            if tx.is_closed() {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
    });
    Ok(sse::Sse::from_infallible_receiver(rx)
        .with_keep_alive(Duration::from_secs(15))
        .with_retry_duration(Duration::from_secs(2)))
}
