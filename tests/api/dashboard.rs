//! How the server hands out the built dashboard: precompressed copies to clients that accept
//! them, fingerprinted assets cached for a year, `index.html` revalidated every time, and the
//! single-page fallback for client routes.

use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use std::path::PathBuf;

/// A built dashboard in miniature, as `scripts/lib.sh` lays it out.
fn fixture() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecops-dashboard-{}", uuid::Uuid::now_v7()));
    let write = |name: &str, body: &[u8]| {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(path, body).unwrap_or_else(|e| panic!("{e}"));
    };
    write("index.html", b"<!doctype html><title>ecops</title>");
    write("index.html.gz", b"gzip of index");
    write("pkg/app_bg.0123456789.wasm", b"\0asm plain");
    write("pkg/app_bg.0123456789.wasm.br", b"brotli of wasm");
    write("pkg/app_bg.0123456789.wasm.gz", b"gzip of wasm");
    write("plain.txt", b"not fingerprinted");
    dir
}

async fn fetch(
    app: &TestApp,
    path: &str,
    accept: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let r = app
        .client
        .get(app.url(path))
        .header("Accept-Encoding", accept)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, headers) = (r.status(), r.headers().clone());
    (
        status,
        headers,
        r.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
    )
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn the_dashboard_is_served_compressed_and_cached_by_fingerprint(app: TestApp) {
    let wasm = "/pkg/app_bg.0123456789.wasm";
    let (status, h, body) = fetch(&app, wasm, "gzip, deflate, br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"brotli of wasm");
    assert_eq!(header(&h, "content-encoding"), "br");
    assert_eq!(header(&h, "content-type"), "application/wasm");
    assert_eq!(
        header(&h, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&h, "vary").contains("Accept-Encoding"));

    let (_, h, body) = fetch(&app, wasm, "gzip").await;
    assert_eq!(
        (body.as_slice(), header(&h, "content-encoding")),
        (&b"gzip of wasm"[..], "gzip")
    );
    let (_, h, body) = fetch(&app, wasm, "identity").await;
    assert_eq!(body, b"\0asm plain");
    assert_eq!(header(&h, "content-encoding"), "");
    let (_, _, body) = fetch(&app, wasm, "br;q=0, gzip").await;
    assert_eq!(body, b"gzip of wasm");

    // index.html, and every client route that falls back to it, is revalidated each time.
    for path in ["/", "/orders/0191", "/approvals"] {
        let (status, h, body) = fetch(&app, path, "gzip").await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(body, b"gzip of index", "{path}");
        assert_eq!(header(&h, "cache-control"), "no-cache", "{path}");
        assert!(
            header(&h, "content-type").starts_with("text/html"),
            "{path}"
        );
    }
    let (_, h, _) = fetch(&app, "/plain.txt", "br").await;
    assert_eq!(header(&h, "cache-control"), "no-cache");
}
dual!(
    the_dashboard_is_served_compressed_and_cached_by_fingerprint,
    |c: &mut ecops_server::config::Config| c.dashboard_dir = super::fixture()
);
