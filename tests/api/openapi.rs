//! The committed OpenAPI document matches what the code generates.

#[test]
fn committed_openapi_document_is_up_to_date() {
    let generated = ecops_http::openapi::document_json();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if std::env::var("ECOPS_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(path, &generated).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `ECOPS_UPDATE_OPENAPI=1 cargo test -p ecops-tests --test api openapi` \
         (or `cargo run -p ecops-server -- openapi > openapi/openapi.json`) and commit it"
    );
}
