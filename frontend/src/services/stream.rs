//! The server's live stream of order events (Server-Sent Events over `fetch`, so the bearer
//! token can be sent): every event wakes the caller; a dropped connection is resumed with
//! `Last-Event-ID`, after a short pause, until the watcher is dropped.

use super::{requests, session};
use gloo_timers::future::TimeoutFuture;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::ReadableStreamDefaultReader;
use yew::Callback;

/// Keeps the stream open while alive; dropping it closes the stream.
pub struct Watch {
    stopped: Rc<Cell<bool>>,
    reader: Rc<RefCell<Option<ReadableStreamDefaultReader>>>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stopped.set(true);
        if let Some(r) = self.reader.borrow_mut().take() {
            let _ = r.cancel();
        }
    }
}

/// What one chunk of the stream said: the ids of complete events, and the unfinished rest.
pub fn parse_events(buffer: &str) -> (Vec<String>, String) {
    let mut ids = Vec::new();
    let mut rest = buffer;
    while let Some(end) = rest.find("\n\n") {
        let block = &rest[..end];
        let mut id = None;
        let mut is_event = false;
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("id:") {
                id = Some(v.trim().to_owned());
            } else if line.starts_with("data:") {
                is_event = true;
            }
        }
        if is_event {
            ids.push(id.unwrap_or_default());
        }
        rest = &rest[end + 2..];
    }
    (ids, rest.to_owned())
}

/// Calls `on_event` after every batch of order events until the returned [`Watch`] is dropped.
pub fn watch_orders(on_event: Callback<()>) -> Watch {
    let stopped = Rc::new(Cell::new(false));
    let reader = Rc::new(RefCell::new(None));
    let watch = Watch {
        stopped: stopped.clone(),
        reader: reader.clone(),
    };
    wasm_bindgen_futures::spawn_local(async move {
        let mut last_id: Option<String> = None;
        while !stopped.get() {
            match connect(&last_id).await {
                Ok(Some(r)) => {
                    *reader.borrow_mut() = Some(r.clone());
                    let mut buffer = String::new();
                    while !stopped.get() {
                        let Ok(chunk) = JsFuture::from(r.read()).await else {
                            break;
                        };
                        let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))
                            .ok()
                            .and_then(|v| v.as_bool())
                            .unwrap_or(true);
                        if done {
                            break;
                        }
                        let Ok(value) = js_sys::Reflect::get(&chunk, &JsValue::from_str("value"))
                        else {
                            break;
                        };
                        let bytes = js_sys::Uint8Array::new(&value).to_vec();
                        buffer.push_str(&String::from_utf8_lossy(&bytes));
                        let (ids, rest) = parse_events(&buffer);
                        buffer = rest;
                        if let Some(id) = ids.last().filter(|id| !id.is_empty()) {
                            last_id = Some(id.clone());
                        }
                        if !ids.is_empty() {
                            on_event.emit(());
                        }
                    }
                    reader.borrow_mut().take();
                }
                Ok(None) => {
                    // Unauthorized: refresh the session once, else stop watching.
                    if !requests::refresh().await {
                        return;
                    }
                }
                Err(()) => {}
            }
            if !stopped.get() {
                TimeoutFuture::new(1_500).await;
                // Whatever happened while disconnected is caught up through Last-Event-ID;
                // refresh once anyway in case the server forgot the position.
                on_event.emit(());
            }
        }
    });
    watch
}

/// Opens the stream; `Ok(None)` when the token was refused.
async fn connect(last_id: &Option<String>) -> Result<Option<ReadableStreamDefaultReader>, ()> {
    let token = session::load().map(|t| t.access_token).ok_or(())?;
    let mut rb = gloo_net::http::Request::get("/api/v1/orders/stream")
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", "text/event-stream");
    if let Some(id) = last_id {
        rb = rb.header("Last-Event-ID", id);
    }
    let resp = rb.send().await.map_err(|_| ())?;
    if resp.status() == 401 {
        return Ok(None);
    }
    if !resp.ok() {
        return Err(());
    }
    let body = resp.body().ok_or(())?;
    let reader = body
        .get_reader()
        .dyn_into::<ReadableStreamDefaultReader>()
        .map_err(|_| ())?;
    Ok(Some(reader))
}

#[cfg(test)]
mod tests {
    use super::parse_events;

    #[test]
    fn events_are_cut_at_blank_lines_and_comments_are_not_events() {
        let (ids, rest) = parse_events(
            ": keep-alive\n\nid: 1\nevent: order_event\ndata: {}\n\nid: 2\ndata: {\"a\":1}\n\nid: 3\nda",
        );
        assert_eq!(ids, vec!["1".to_owned(), "2".to_owned()]);
        assert_eq!(rest, "id: 3\nda");
    }
}
