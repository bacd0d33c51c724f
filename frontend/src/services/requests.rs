//! One generic request helper over the API: JSON in and out, the bearer token attached, an
//! expired access token refreshed once, problem documents turned into [`ApiFailure`].

use super::session::{self, Tokens};
use ecops_api_types::{Problem, RefreshRequest, TokenResponse};
use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A failed call: the problem document when the server sent one.
#[derive(Debug, Clone)]
pub struct ApiFailure {
    pub status: u16,
    pub problem: Option<Problem>,
    pub transport: Option<String>,
}

impl ApiFailure {
    /// The problem's field errors as `(field, message)`, to show next to their inputs.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.problem
            .as_ref()
            .map(|p| {
                p.errors
                    .iter()
                    .map(|e| (e.field.clone(), e.message.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn message(&self) -> String {
        match (&self.problem, &self.transport) {
            (Some(p), _) => p.detail.clone(),
            (None, Some(t)) => format!("The server could not be reached: {t}"),
            (None, None) => format!("Unexpected answer ({})", self.status),
        }
    }
}

fn transport(e: impl std::fmt::Display) -> ApiFailure {
    ApiFailure {
        status: 0,
        problem: None,
        transport: Some(e.to_string()),
    }
}

/// Sends a document as it is (a CSV file) with its content type, as the logged-in user.
pub async fn request_document<T: DeserializeOwned>(
    path: &str,
    document: &str,
    content_type: &str,
    headers: &[(&str, &str)],
) -> Result<T, ApiFailure> {
    let mut all = vec![("Content-Type", content_type)];
    all.extend_from_slice(headers);
    parse(authorized(Method::POST, path, Some(document), &all).await)
}

/// Sends one request; the body is JSON text already. Not generic, so the wasm holds it once.
async fn send(
    method: Method,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<gloo_net::http::Response, ApiFailure> {
    let mut rb = RequestBuilder::new(path).method(method);
    for (k, v) in headers {
        rb = rb.header(k, v);
    }
    if let Some(t) = token {
        rb = rb.header("Authorization", &format!("Bearer {t}"));
    }
    let typed = headers.iter().any(|(k, _)| *k == "Content-Type");
    let req = match body {
        Some(b) => {
            if !typed {
                rb = rb.header("Content-Type", "application/json");
            }
            rb.body(b.to_owned()).map_err(transport)?
        }
        None => rb.build().map_err(transport)?,
    };
    req.send().await.map_err(transport)
}

/// A response's status and text, or the problem it carries. Not generic.
async fn answer(resp: gloo_net::http::Response) -> Result<String, ApiFailure> {
    let status = resp.status();
    if (200..300).contains(&status) {
        let text = resp.text().await.unwrap_or_default();
        Ok(if text.is_empty() {
            "null".to_owned()
        } else {
            text
        })
    } else {
        let problem = resp.json::<Problem>().await.ok();
        Err(ApiFailure {
            status,
            problem,
            transport: None,
        })
    }
}

fn parse<T: DeserializeOwned>(text: Result<String, ApiFailure>) -> Result<T, ApiFailure> {
    serde_json::from_str(&text?).map_err(transport)
}

fn encode<B: Serialize>(body: Option<&B>) -> Result<Option<String>, ApiFailure> {
    body.map(serde_json::to_string)
        .transpose()
        .map_err(transport)
}

/// The header that tells the server this is the dashboard: the refresh token then travels in
/// its HttpOnly cookie, and the cookie is honoured only with this header (CSRF).
pub const CLIENT_HEADER: (&str, &str) = ("X-Ecops-Client", "dashboard");

/// Keeps a fresh pair of the dashboard's tokens (the access token in memory).
pub fn keep(t: TokenResponse) {
    session::store(Tokens {
        access_token: t.access_token,
        password_expired: t.password_expired,
        expires_at_ms: js_sys::Date::now() + (t.expires_in as f64) * 1000.0,
        ttl_ms: (t.expires_in as f64) * 1000.0,
    });
}

/// Trades the refresh cookie for a new access token; false when the session is over. Calls
/// made at the same moment share one refresh (the cookie rotates: a second use would be a
/// replay and end the session).
pub async fn refresh() -> bool {
    thread_local! {
        static RUNNING: std::cell::RefCell<Option<futures::future::Shared<futures::future::LocalBoxFuture<'static, bool>>>> =
            const { std::cell::RefCell::new(None) };
    }
    use futures::FutureExt;
    let fut = RUNNING.with(|r| {
        r.borrow_mut()
            .get_or_insert_with(|| refresh_once().boxed_local().shared())
            .clone()
    });
    let ok = fut.await;
    RUNNING.with(|r| *r.borrow_mut() = None);
    ok
}

async fn refresh_once() -> bool {
    let Ok(Some(body)) = encode(Some(&RefreshRequest {
        refresh_token: None,
    })) else {
        return false;
    };
    let sent = send(
        Method::POST,
        "/api/v1/auth/refresh",
        Some(&body),
        None,
        &[CLIENT_HEADER],
    )
    .await;
    match sent {
        Ok(resp) => match parse::<TokenResponse>(answer(resp).await) {
            Ok(t) => {
                keep(t);
                true
            }
            Err(_) => {
                session::clear();
                false
            }
        },
        Err(_) => false,
    }
}

/// Calls the API as the logged-in user.
pub async fn request<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiFailure> {
    request_with(method, path, body, &[]).await
}

/// Calls the API as the logged-in user, with extra headers (an `Idempotency-Key`).
pub async fn request_with<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
    headers: &[(&str, &str)],
) -> Result<T, ApiFailure> {
    let body = encode(body)?;
    parse(authorized(method, path, body.as_deref(), headers).await)
}

/// The logged-in user's call: refreshed a little before the access token runs out (so a form
/// being filled still submits) and once more after a 401.
async fn authorized(
    method: Method,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<String, ApiFailure> {
    answer(authorized_response(method, path, body, headers).await?).await
}

async fn authorized_response(
    method: Method,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<gloo_net::http::Response, ApiFailure> {
    if session::expiring() {
        refresh().await;
    }
    let token = session::load().map(|t| t.access_token);
    let resp = send(method.clone(), path, body, token.as_deref(), headers).await?;
    if resp.status() == 401 && token.is_some() && refresh().await {
        let token = session::load().map(|t| t.access_token);
        return send(method, path, body, token.as_deref(), headers).await;
    }
    Ok(resp)
}

/// Uploads a file chosen in the page as the raw body (its bytes pass untouched), with the type
/// the browser gives it, as the logged-in user.
pub async fn upload_file<T: DeserializeOwned>(
    path: &str,
    file: &web_sys::File,
) -> Result<T, ApiFailure> {
    if session::expiring() {
        refresh().await;
    }
    let token = session::load().map(|t| t.access_token).unwrap_or_default();
    let kind = file.type_();
    let mut rb = RequestBuilder::new(path)
        .method(Method::POST)
        .header("Authorization", &format!("Bearer {token}"));
    if !kind.is_empty() {
        rb = rb.header("Content-Type", &kind);
    }
    let req = rb
        .body(wasm_bindgen::JsValue::from(file.clone()))
        .map_err(transport)?;
    parse(answer(req.send().await.map_err(transport)?).await)
}

/// Calls the API without credentials, as the dashboard (login).
pub async fn request_dashboard<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiFailure> {
    let body = encode(body)?;
    let resp = send(method, path, body.as_deref(), None, &[CLIENT_HEADER]).await?;
    parse(answer(resp).await)
}

/// Fetches a document as the logged-in user and hands it to the browser as a download (a plain
/// link cannot carry the bearer token). The bytes pass untouched: a CSV keeps the byte-order
/// mark that makes spreadsheet programs read its Chinese names right.
pub async fn download_text(path: &str, filename: &str, mime: &str) -> Result<(), ApiFailure> {
    use wasm_bindgen::JsCast;
    let resp = authorized_response(Method::GET, path, None, &[]).await?;
    if !(200..300).contains(&resp.status()) {
        answer(resp).await?;
        return Err(transport("unexpected answer"));
    }
    let bytes = resp.binary().await.map_err(transport)?;
    let fail = |_| ApiFailure {
        status: 0,
        problem: None,
        transport: Some("the browser refused the download".to_owned()),
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail(wasm_bindgen::JsValue::NULL))?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| fail(wasm_bindgen::JsValue::NULL))?;
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    gloo_timers::callback::Timeout::new(30_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// A fresh `Idempotency-Key` for one form: every submit of that form carries the same key, so a
/// double click or a retry is answered with the first result.
pub fn fresh_key() -> String {
    format!(
        "dashboard-{}-{}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e9) as u64
    )
}
