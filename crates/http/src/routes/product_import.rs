//! Bulk import of products as drafts: CSV (`text/csv`) or NDJSON (`application/x-ndjson`),
//! `?dry_run=true` to validate only. All rows are written or none: one bad row rejects the
//! import with every bad row named.

use super::products::{parse_new, PRODUCT_CREATORS};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{import_body, ImportBody, Query};
use crate::idempotency;
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use ecops_api_types::{
    CreateProductRequest, FieldError, ImportQuery, ImportReport, ImportRowResult, Problem,
};
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::products::NewProduct;
use validator::Validate;

/// One parsed row: its number, and the product or the reasons it is refused.
type Row = (usize, Option<String>, Result<NewProduct, Vec<FieldError>>);

fn field_errors(row: usize, err: ApiError) -> Vec<FieldError> {
    let p = err.problem();
    if p.errors.is_empty() {
        vec![FieldError {
            field: format!("rows.{row}"),
            message: p.detail,
        }]
    } else {
        p.errors
            .into_iter()
            .map(|e| FieldError {
                field: format!("rows.{row}.{}", e.field),
                message: e.message,
            })
            .collect()
    }
}

fn check_row(row: usize, parsed: Result<CreateProductRequest, ApiError>) -> Row {
    let req = match parsed {
        Ok(r) => r,
        Err(e) => return (row, None, Err(field_errors(row, e))),
    };
    let sku = Some(req.sku.trim().to_ascii_uppercase());
    if let Err(e) = req.validate() {
        return (
            row,
            sku,
            Err(field_errors(row, crate::error::validation_problem(&e))),
        );
    }
    (row, sku, parse_new(&req).map_err(|e| field_errors(row, e)))
}

fn parse_ndjson(body: &[u8]) -> Vec<Row> {
    let text = String::from_utf8_lossy(body);
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            check_row(
                i + 1,
                crate::extract::parse_json::<CreateProductRequest>(line.as_bytes()),
            )
        })
        .collect()
}

fn parse_csv(body: &[u8]) -> Result<Vec<Row>, ApiError> {
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
    for required in ["sku", "title", "category", "list_price_fen", "price_fen"] {
        if !headers.iter().any(|h| h == required) {
            return Err(ApiError::bad_field(
                "malformed_csv",
                required,
                "is a required CSV column",
            ));
        }
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let parsed = record
            .map_err(|e| ApiError::bad_request("malformed_csv", e.to_string()))
            .and_then(|r| {
                let get = |name: &str| {
                    headers
                        .iter()
                        .position(|h| h == name)
                        .and_then(|i| r.get(i))
                        .unwrap_or("")
                        .to_owned()
                };
                let int = |name: &str| -> Result<i64, ApiError> {
                    get(name).parse::<i64>().map_err(|_| {
                        ApiError::bad_field("invalid_body", name, "must be a whole number of fen")
                    })
                };
                let confidential = match get("confidential").to_ascii_lowercase().as_str() {
                    "" | "false" | "0" | "no" => false,
                    "true" | "1" | "yes" => true,
                    _ => {
                        return Err(ApiError::bad_field(
                            "invalid_body",
                            "confidential",
                            "must be true or false",
                        ))
                    }
                };
                Ok(CreateProductRequest {
                    sku: get("sku"),
                    title: get("title"),
                    description: get("description"),
                    category: get("category"),
                    list_price_fen: int("list_price_fen")?,
                    price_fen: int("price_fen")?,
                    confidential,
                })
            });
        rows.push(check_row(row, parsed));
    }
    Ok(rows)
}

/// Imports products as drafts (planner or storefront specialist). Honours `Idempotency-Key`.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(ImportQuery, ("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    request_body(content((String = "text/csv"), (String = "application/x-ndjson")), description = "CSV with a header row (sku,title,description,category,list_price_fen,price_fen,confidential), or one JSON product per line"),
    responses(
        (status = 200, description = "Dry run: every row is valid", body = ImportReport),
        (status = 201, description = "Every row was created", body = ImportReport),
        (status = 422, description = "At least one row is invalid; nothing was written. `errors` names each bad row's fields as rows.N.field", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/products/import")]
pub async fn import_products(
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
    who.require(PermissionLevel::Operator, PRODUCT_CREATORS)?;
    who.require_scope("products:write")?;
    let dry_run = query.into_inner().dry_run;
    let body = import_body(&req, payload, state.config.import_body_limit).await?;
    let rows = match &body {
        ImportBody::Csv(b) => parse_csv(b)?,
        ImportBody::Ndjson(b) => parse_ndjson(b),
    };
    if rows.is_empty() {
        return Err(ApiError::unprocessable(
            "empty_import",
            "the import has no rows",
        ));
    }
    let key = idempotency::key_of(&req)?;
    let fingerprint = idempotency::fingerprint(
        &req,
        &format!("{dry_run}:{}", String::from_utf8_lossy(body.bytes())),
    );
    let status = if dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let now = state.clock.now();
    let a = actor(&who, &meta);
    let total = rows.len();
    let input: Vec<ecops_app::products::ImportRow> = rows
        .into_iter()
        .map(|(row, key, parsed)| ecops_app::products::ImportRow {
            row,
            key,
            parsed: parsed.map_err(|errs| errs.into_iter().map(|e| (e.field, e.message)).collect()),
        })
        .collect();
    idempotency::run_once(&state, caller, key, fingerprint, status, move |conn, _| {
        let done = ecops_app::products::import(conn, &a, &input, dry_run, now)?;
        let results: Vec<ImportRowResult> = done
            .into_iter()
            .map(|(row, key, id)| ImportRowResult {
                row,
                key,
                outcome: if dry_run {
                    ecops_api_types::ImportOutcome::Valid
                } else {
                    ecops_api_types::ImportOutcome::Created
                },
                id: (!dry_run).then_some(id),
                errors: Vec::new(),
            })
            .collect();
        Ok(ImportReport {
            dry_run,
            total,
            created: if dry_run { 0 } else { results.len() },
            failed: 0,
            rows: results,
        })
    })
    .await
}
