//! Assembles the actix-web application: routes, middleware, metrics, docs and the dashboard.

use crate::error::{problem, problem_response, ApiError, PROBLEM_JSON};
use crate::extract;
use crate::state::AppState;
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::ContentEncoding;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use futures_util::FutureExt;
use prometheus::{IntGauge, Registry};
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
const DOCS_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    frame-ancestors 'none'; object-src 'none'";

/// The documented API routes as templates, to tell "no such route" (404) from "wrong method" (405).
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<Method>)>,
}

impl RouteTable {
    pub fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(str::to_owned)
                    .collect();
                let mut methods = Vec::new();
                for (m, present) in [
                    (Method::GET, item.get.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                ] {
                    if present {
                        methods.push(m);
                    }
                }
                (segments, methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// The template that names a concrete path best: of the templates it matches, the one with
    /// the most fixed segments (`/orders/stream` over `/orders/{id}`), with its methods.
    pub fn best_match(&self, path: &str) -> Option<(String, Vec<Method>)> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.routes
            .iter()
            .filter(|(template, _)| {
                template.len() == parts.len()
                    && template
                        .iter()
                        .zip(&parts)
                        .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
            })
            .max_by_key(|(template, _)| template.iter().filter(|t| !t.starts_with('{')).count())
            .map(|(template, methods)| (format!("/{}", template.join("/")), methods.clone()))
    }

    /// The methods a concrete path allows, if it names a known route.
    pub fn methods_for(&self, path: &str) -> Option<Vec<Method>> {
        self.best_match(path).map(|(_, methods)| methods)
    }
}

/// Unmatched requests: API paths get a 404 or 405 problem; other GETs get the dashboard.
async fn fallback(
    req: HttpRequest,
    table: web::Data<RouteTable>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let path = req.path();
    let is_api =
        path.starts_with("/api/") || path == "/api" || path == "/healthz" || path == "/readyz";
    if is_api {
        if let Some(methods) = table.methods_for(path) {
            let allow = methods.iter().map(|m| m.to_string()).collect();
            return actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed { allow });
        }
        return actix_web::ResponseError::error_response(&ApiError::not_found(format!(
            "no route for {path}"
        )));
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed {
            allow: vec!["GET".into(), "HEAD".into()],
        });
    }
    serve_dashboard(&req, &state.config.dashboard_dir)
}

/// Whether a file name carries a content hash (`name.0123456789.ext`, from the build): such a
/// file never changes under its name, so browsers may keep it for a year.
fn is_fingerprinted(file: &Path) -> bool {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() == 10
        && parts[parts.len() - 2]
            .chars()
            .all(|c| c.is_ascii_hexdigit())
}

/// The precompressed copy the client accepts (brotli before gzip), if the build made one.
fn precompressed(req: &HttpRequest, file: &Path) -> Option<(PathBuf, ContentEncoding)> {
    let accepts = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let offered = |name: &str| {
        accepts.split(',').any(|part| {
            let mut it = part.trim().split(';');
            it.next().is_some_and(|e| e.trim() == name)
                && it.all(|p| p.trim().replace(' ', "") != "q=0")
        })
    };
    [
        ("br", "br", ContentEncoding::Brotli),
        ("gzip", "gz", ContentEncoding::Gzip),
    ]
    .into_iter()
    .filter(|(name, _, _)| offered(name))
    .map(|(_, ext, enc)| (PathBuf::from(format!("{}.{ext}", file.display())), enc))
    .find(|(p, _)| p.is_file())
}

/// A file of the built dashboard, or its `index.html` for client-side routes (SPA fallback).
/// Precompressed copies are served to clients that accept them; fingerprinted assets are
/// cached for a year, `index.html` is revalidated every time.
fn serve_dashboard(req: &HttpRequest, dir: &Path) -> HttpResponse {
    let relative: PathBuf = req.path().trim_start_matches('/').into();
    let safe = relative
        .components()
        .all(|c| matches!(c, Component::Normal(s) if !s.to_string_lossy().starts_with('.')));
    let candidate = dir.join(&relative);
    let file = if safe && !relative.as_os_str().is_empty() && candidate.is_file() {
        candidate
    } else {
        dir.join("index.html")
    };
    let mime = actix_files::file_extension_to_mime(
        file.extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default(),
    );
    let (path, encoding) = match precompressed(req, &file) {
        Some((p, enc)) => (p, Some(enc)),
        None => (file.clone(), None),
    };
    match actix_files::NamedFile::open(&path) {
        Ok(f) => {
            let mut f = f.use_etag(true).set_content_type(mime);
            if let Some(enc) = encoding {
                f = f.set_content_encoding(enc);
            }
            let mut resp = f.into_response(req);
            let headers = resp.headers_mut();
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            headers.remove(header::CONTENT_DISPOSITION);
            let cache = if is_fingerprinted(&file) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            resp
        }
        Err(_) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(
                "<!doctype html><meta charset=utf-8><title>ecops</title>\
             <p>The ecops dashboard has not been built. Run <code>scripts/run.sh</code>, \
             or see the API reference at <a href=\"/api/docs/\">/api/docs/</a>.</p>",
            ),
    }
}

/// Turns any error answer that is not yet a problem document (actix's own 4xx, for instance)
/// into one, keeping its status.
fn to_problem<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal_error",
        _ => "bad_request",
    };
    let detail = status.canonical_reason().unwrap_or("error").to_lowercase();
    let (req, old) = res.into_parts();
    let mut new = problem_response(&problem(status, code, detail, Vec::new()));
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, new).map_into_right_body(),
    ))
}

/// Methods and request headers other origins may use (R: `cors_origins`).
const CORS_METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const CORS_HEADERS: [&str; 4] = [
    "authorization",
    "content-type",
    "if-match",
    "idempotency-key",
];

/// Why a CORS preflight is refused; `None` for every request that is not a refused preflight.
fn preflight_refusal(req: &ServiceRequest, origins: &[String]) -> Option<String> {
    let h = req.headers();
    let method = h.get(header::ACCESS_CONTROL_REQUEST_METHOD)?;
    if req.method() != Method::OPTIONS {
        return None;
    }
    let origin = h
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .unwrap_or("");
    let detail = if !origins.iter().any(|o| o == origin) {
        format!("the origin `{origin}` may not call this API")
    } else if !method
        .to_str()
        .is_ok_and(|m| CORS_METHODS.contains(&m.to_ascii_uppercase().as_str()))
    {
        "the requested method is not allowed from another origin".to_owned()
    } else if let Some(bad) = h
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .map(|x| x.trim().to_ascii_lowercase())
                .find(|x| !x.is_empty() && !CORS_HEADERS.contains(&x.as_str()))
        })
    {
        format!("the header `{bad}` is not allowed from another origin")
    } else {
        return None;
    };
    Some(detail)
}

/// Metrics: request counts and latency by route and status (actix-web-prom), pool usage, and
/// admission (requests in flight, refusals).
struct Metrics {
    prom: PrometheusMetrics,
    in_flight: IntGauge,
    refused: prometheus::IntCounter,
    pool_in_use: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
}

fn metrics() -> Result<Metrics, Box<dyn std::error::Error + Send + Sync>> {
    let registry = Registry::new();
    let pool_in_use = IntGauge::new(
        "ecops_db_pool_connections_in_use",
        "Pooled connections checked out",
    )?;
    let pool_idle = IntGauge::new("ecops_db_pool_connections_idle", "Pooled connections idle")?;
    let pool_max = IntGauge::new("ecops_db_pool_connections_max", "Pool size limit")?;
    registry.register(Box::new(pool_in_use.clone()))?;
    registry.register(Box::new(pool_idle.clone()))?;
    registry.register(Box::new(pool_max.clone()))?;
    let in_flight = IntGauge::new(
        "ecops_http_requests_in_flight",
        "Requests being worked on (admission control)",
    )?;
    let refused = prometheus::IntCounter::new(
        "ecops_http_requests_refused_total",
        "Requests refused with 503 because the node was full",
    )?;
    registry.register(Box::new(in_flight.clone()))?;
    registry.register(Box::new(refused.clone()))?;
    let prom = PrometheusMetricsBuilder::new("ecops")
        .registry(registry)
        .endpoint("/metrics")
        .mask_unmatched_patterns("UNMATCHED")
        .build()?;
    Ok(Metrics {
        prom,
        in_flight,
        refused,
        pool_in_use,
        pool_idle,
        pool_max,
    })
}

/// The OpenAPI document, rendered on first request (not at start-up: in a debug build it takes a
/// noticeable moment, during which the node would already accept connections but not yet handle
/// SIGTERM gracefully).
async fn openapi_json() -> HttpResponse {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = match DOCUMENT.get() {
        Some(d) => d.clone(),
        None => match web::block(crate::openapi::document_json).await {
            Ok(d) => DOCUMENT.get_or_init(|| d).clone(),
            Err(e) => return actix_web::ResponseError::error_response(&ApiError::internal(e)),
        },
    };
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

/// Starts the HTTP server on `listener`. Used by `ecops serve` and by the test suites.
pub fn serve(
    listener: TcpListener,
    state: web::Data<AppState>,
    workers: Option<usize>,
) -> std::io::Result<Server> {
    let doc = crate::openapi::document();
    let table = web::Data::new(RouteTable::from_doc(&doc));
    let shutdown_timeout = state.config.shutdown_timeout_secs;
    let Metrics {
        prom,
        in_flight,
        refused,
        pool_in_use,
        pool_idle,
        pool_max,
    } = metrics().map_err(|e| std::io::Error::other(e.to_string()))?;
    // One node admits this many requests at once, across its workers.
    let admission =
        crate::admission::Admission::new(state.config.max_in_flight, in_flight, refused);
    // Blocking work needs a pooled connection: more blocking threads than connections would
    // only wait for one. Each worker gets its share of the pool.
    let workers_n = workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let blocking_per_worker = (state.db.max_connections() as usize)
        .div_ceil(workers_n)
        .max(1);
    let mut server = HttpServer::new(move || {
        let origins = state.config.cors_origins.clone();
        let cors = state.config.cors_origins.iter().fold(
            Cors::default()
                .allowed_methods(CORS_METHODS)
                .allowed_headers(CORS_HEADERS)
                .expose_headers([
                    header::ETAG,
                    header::RETRY_AFTER,
                    HeaderName::from_static("x-request-id"),
                    HeaderName::from_static("ratelimit"),
                    HeaderName::from_static("ratelimit-policy"),
                ])
                .max_age(3600),
            |cors, origin| cors.allowed_origin(origin),
        );
        let gauges = (
            pool_in_use.clone(),
            pool_idle.clone(),
            pool_max.clone(),
            state.db.clone(),
        );
        let (app, _) = App::new()
            .into_utoipa_app()
            .configure(crate::openapi::routes)
            .split_for_parts();
        app.app_data(state.clone())
            .app_data(table.clone())
            .app_data(web::PathConfig::default().error_handler(extract::path_error))
            .app_data(web::QueryConfig::default().error_handler(extract::query_error))
            .app_data(
                web::JsonConfig::default()
                    .limit(state.config.body_limit)
                    .error_handler(extract::json_error),
            )
            // API.md gives the reference as `/api/docs`; the page itself lives under the slash.
            .route(
                "/api/docs",
                web::get().to(|| async {
                    HttpResponse::MovedPermanently()
                        .insert_header((header::LOCATION, "/api/docs/"))
                        .finish()
                }),
            )
            .route("/api/openapi.json", web::get().to(openapi_json))
            .service(
                SwaggerUi::new("/api/docs/{_:.*}").config(
                    SwaggerConfig::new(["/api/openapi.json"])
                        .validator_url("none")
                        .try_it_out_enabled(true),
                ),
            )
            .default_service(web::to(fallback))
            .wrap(ErrorHandlers::new().default_handler(to_problem))
            .wrap(cors)
            .wrap_fn(move |req: ServiceRequest, srv| {
                use actix_web::dev::Service;
                use futures_util::future::{ready, Either};
                // actix-cors refuses a preflight with a plain-text error; answer it as a problem
                // before it gets there, judged by the same lists the CORS middleware is given.
                match preflight_refusal(&req, &origins) {
                    Some(detail) => {
                        let (http, _) = req.into_parts();
                        let body =
                            problem(StatusCode::BAD_REQUEST, "cors_rejected", detail, Vec::new());
                        Either::Left(ready(Ok(ServiceResponse::new(
                            http,
                            problem_response(&body),
                        )
                        .map_into_right_body())))
                    }
                    None => Either::Right(
                        srv.call(req)
                            .map(|r| r.map(ServiceResponse::map_into_left_body)),
                    ),
                }
            })
            .wrap(
                DefaultHeaders::new()
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((header::REFERRER_POLICY, "no-referrer"))
                    .add((header::X_FRAME_OPTIONS, "DENY")),
            )
            .wrap_fn(|req: ServiceRequest, srv| {
                use actix_web::dev::Service;
                let csp = if req.path().starts_with("/api/docs") {
                    DOCS_CSP
                } else {
                    DASHBOARD_CSP
                };
                srv.call(req).map(move |res| {
                    res.map(|mut res| {
                        res.headers_mut().insert(
                            header::CONTENT_SECURITY_POLICY,
                            HeaderValue::from_static(csp),
                        );
                        res
                    })
                })
            })
            .wrap(prom.clone())
            .wrap_fn(move |req: ServiceRequest, srv| {
                use actix_web::dev::Service;
                if req.path() == "/metrics" {
                    let (in_use, idle) = gauges.3.pool_state();
                    gauges.0.set(i64::from(in_use));
                    gauges.1.set(i64::from(idle));
                    gauges.2.set(i64::from(gauges.3.max_connections()));
                }
                let request_id = req
                    .extensions()
                    .get::<tracing_actix_web::RequestId>()
                    .map(|id| id.to_string());
                srv.call(req).map(move |res| {
                    res.map(|mut res| {
                        let standing = res
                            .request()
                            .extensions()
                            .get::<crate::ratelimit::Slot>()
                            .and_then(|s| s.get().copied());
                        if let Some(s) = standing {
                            crate::ratelimit::annotate(res.headers_mut(), &s);
                        }
                        if let Some(v) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                            res.headers_mut()
                                .insert(HeaderName::from_static("x-request-id"), v);
                        }
                        res
                    })
                })
            })
            .wrap(tracing_actix_web::TracingLogger::default())
            .wrap_fn({
                let admission = admission.clone();
                move |req: ServiceRequest, srv| {
                    use actix_web::dev::Service;
                    use futures_util::future::{ready, Either};
                    let slot = if crate::admission::exempt(req.path()) {
                        None
                    } else {
                        match admission.try_admit() {
                            Some(slot) => Some(slot),
                            None => {
                                let (http, _) = req.into_parts();
                                let mut resp = problem_response(&problem(
                                    StatusCode::SERVICE_UNAVAILABLE,
                                    "overloaded",
                                    "the server is busy; try again in a moment".to_owned(),
                                    Vec::new(),
                                ));
                                resp.headers_mut()
                                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                                return Either::Left(ready(Ok(
                                    ServiceResponse::new(http, resp).map_into_right_body()
                                )));
                            }
                        }
                    };
                    Either::Right(srv.call(req).map(move |r| {
                        drop(slot);
                        r.map(ServiceResponse::map_into_left_body)
                    }))
                }
            })
    })
    .listen(listener)?
    .worker_max_blocking_threads(blocking_per_worker)
    .shutdown_timeout(shutdown_timeout);
    if let Some(n) = workers {
        server = server.workers(n);
    }
    Ok(server.run())
}
