//! The OpenAPI document: collected from the `#[utoipa::path]` of every handler as the routes are
//! registered, then completed with the security scheme and the error responses every operation
//! can give.

use crate::routes::{
    aftersales, api_tokens, approvals, attendance, audit, auth, backups, bootstrap, content,
    customers, deadlines, delegations, departures, duty, evaluations, events, export_stream,
    exports, figures, health, leave, me, meetings, order_import, order_stream, orders,
    page_revisions, phrases, product_import, product_requests, products, promotions, punch_import,
    quality, reports, stocktakes, users, vault, webhooks, workdays,
};
use ecops_api_types::Problem;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as OpenApiDoc, RefOr, Response};
use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ecops API",
        description = "Operations system of the e-commerce department: orders, products, approvals, \
                       attendance, back office. Errors are RFC 9457 problem documents with a stable `code`.",
        license(name = "MIT")
    ),
    components(schemas(
        Problem,
        ecops_api_types::FieldError,
        ecops_api_types::ErrorCode,
        ecops_api_types::FigureTable,
        ecops_api_types::DelegationListView,
        ecops_api_types::EventType,
        ecops_api_types::ExportDataset,
        ecops_api_types::ExportFormat
    )),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Login, token refresh and logout"),
        (name = "me", description = "The caller's own account"),
        (name = "users", description = "Staff accounts, job roles and permission levels"),
        (name = "api-tokens", description = "Tokens for integrations"),
        (name = "audit", description = "The append-only audit log and its hash chain"),
        (name = "vault", description = "The official-account vault: entries for their custodians, reveals with a reason, changes approved by the general manager"),
        (name = "evaluations", description = "The monthly staff evaluation: the weighted form, drafts per direct report prefilled with the month's figures, scores, acknowledgement or dispute to the manager's manager, closed months"),
        (name = "quality", description = "Service quality: customer-service contacts, the service checklist, reviews with the reviewed person's response, the weekly sample, pass rates per person and item, the library of approved service phrases"),
        (name = "delegations", description = "Delegated access (R-ACC-1): job roles lent to a colleague for a task and a period, approved by the department manager, acted on the lender's behalf, ending by themselves"),
        (name = "events", description = "The event feed (transactional outbox): orders, after-sales, products, approvals and backups as they change, in commit order, with the resource as the API returned it then"),
        (name = "webhooks", description = "Webhook subscriptions: the feed's events POSTed to partner systems as they commit, signed as Standard Webhooks describes, in order per resource, retried on a schedule; the delivery log, redelivery and a test ping"),
        (name = "exports", description = "Streaming exports for integrators: orders with lines and events, after-sales cases, products and attendance summaries for any period, as NDJSON or CSV, in constant memory"),
        (name = "backups", description = "Portable backups: taken now or on a schedule, listed, verified, downloaded"),
        (name = "approvals", description = "The approvals engine: inboxes, decisions, chains, publication deadlines"),
        (name = "products", description = "Products: drafts, edits, listing, prices, stock, history, import"),
        (name = "promotions", description = "Promotions with their approval"),
        (name = "content", description = "News, notices, banners and product copy: drafts, their approval chain, publication by the deadline, takedowns, revisions and attachments"),
        (name = "page-revisions", description = "Home-page revision plans: approval, execution, the two-week or monthly rhythm"),
        (name = "stocktakes", description = "Stock counts every two days"),
        (name = "orders", description = "Orders: immutable core, events, queue, hash chain, daily exports"),
        (name = "customers", description = "Customers and the bad-customer flag"),
        (name = "aftersales", description = "After-sales cases and reports"),
        (name = "attendance", description = "Punches from the dashboard and clocking devices, corrections, notices, the month of each person and of the department, closing, policy versions, the working-day calendar, employment dates"),
        (name = "leave", description = "Leave requests with handover, approved by the department manager"),
        (name = "duty", description = "Duty rosters: shifts, the weekend rotation, who is on duty now"),
        (name = "reports", description = "Daily work reports written on their day, who has not filed, and the department figures: deadlines met and missed per person")
    )
)]
struct ApiDoc;

/// Registers every documented route. Used for the real app and to build the document.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(auth::login)
                .service(auth::refresh_token)
                .service(auth::logout)
                .service(me::get_me)
                .service(me::change_password)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::get_user)
                .service(users::update_user)
                .service(users::deactivate_user)
                .service(users::set_user_roles)
                .service(users::set_user_manager)
                .service(users::org_chart)
                .service(users::request_permission_level)
                .service(users::list_permission_level_requests)
                .service(bootstrap::get_bootstrap)
                .service(bootstrap::bootstrap_permission_level)
                .service(api_tokens::create_api_token)
                .service(api_tokens::list_api_tokens)
                .service(api_tokens::revoke_api_token)
                .service(audit::export_audit)
                .service(audit::verify_audit_chain)
                .service(audit::list_audit)
                .service(events::list_events)
                .service(webhooks::create_webhook)
                .service(webhooks::list_webhooks)
                .service(webhooks::get_webhook)
                .service(webhooks::update_webhook)
                .service(webhooks::delete_webhook)
                .service(webhooks::pause_webhook)
                .service(webhooks::resume_webhook)
                .service(webhooks::rotate_webhook_secret)
                .service(webhooks::list_webhook_deliveries)
                .service(webhooks::list_webhook_attempts)
                .service(webhooks::redeliver_webhook_event)
                .service(webhooks::redeliver_webhook_range)
                .service(webhooks::ping_webhook)
                .service(vault::create_vault_entry)
                .service(vault::list_vault_entries)
                .service(vault::get_vault_entry)
                .service(vault::update_vault_entry)
                .service(vault::reveal_vault_secret)
                .service(vault::list_vault_reveals)
                .service(vault::propose_vault_change)
                .service(vault::list_vault_changes)
                .service(evaluations::get_evaluation_form)
                .service(evaluations::set_evaluation_form)
                .service(evaluations::draft_evaluations)
                .service(evaluations::list_evaluations)
                .service(evaluations::get_evaluation)
                .service(evaluations::score_evaluation)
                .service(evaluations::submit_evaluation)
                .service(evaluations::acknowledge_evaluation)
                .service(evaluations::dispute_evaluation)
                .service(evaluations::resolve_evaluation)
                .service(evaluations::close_evaluation_month)
                .service(quality::create_contact)
                .service(quality::list_contacts)
                .service(quality::get_contact)
                .service(quality::get_checklist)
                .service(quality::set_checklist)
                .service(quality::create_review)
                .service(quality::list_reviews)
                .service(quality::get_review)
                .service(quality::respond_to_review)
                .service(quality::sample_contacts)
                .service(quality::quality_figures)
                .service(phrases::propose_phrase)
                .service(phrases::list_phrases)
                .service(phrases::retire_phrase)
                .service(delegations::create_delegation)
                .service(delegations::list_delegations)
                .service(delegations::get_delegation)
                .service(delegations::revoke_delegation)
                .service(backups::list_backups)
                .service(backups::create_backup)
                .service(backups::verify_backup)
                .service(backups::download_backup)
                .service(approvals::list_approvals)
                .service(approvals::list_publications)
                .service(approvals::get_approval)
                .service(approvals::decide_approval)
                .service(approvals::withdraw_approval)
                .service(approvals::mark_approval_published)
                .service(approvals::get_approval_chain)
                .service(approvals::set_approval_chain)
                .service(product_import::import_products)
                .service(products::create_product)
                .service(products::list_products)
                .service(products::get_product)
                .service(products::update_product)
                .service(products::get_product_history)
                .service(products::get_price_history)
                .service(products::create_stock_movement)
                .service(products::list_stock_movements)
                .service(products::add_attachment)
                .service(product_requests::request_listing)
                .service(product_requests::request_delisting)
                .service(product_requests::request_price_change)
                .service(product_requests::apply_price)
                .service(attendance::punch_now)
                .service(attendance::device_punch)
                .service(punch_import::import_punches)
                .service(attendance::correct)
                .service(attendance::request_correction)
                .service(attendance::record_notice)
                .service(attendance::list_punches)
                .service(workdays::month)
                .service(workdays::close_month)
                .service(workdays::reopen_month)
                .service(workdays::list_policies)
                .service(workdays::create_policy)
                .service(workdays::list_calendar)
                .service(workdays::create_calendar)
                .service(workdays::delete_calendar)
                .service(workdays::get_employment)
                .service(workdays::set_employment)
                .service(leave::create_leave)
                .service(leave::list_leave)
                .service(leave::get_leave)
                .service(departures::create_departure)
                .service(departures::list_departures)
                .service(departures::confirm_handover_item)
                .service(departures::complete_departure)
                .service(departures::withdraw_departure)
                .service(duty::duty_coverage)
                .service(duty::duty_clashes)
                .service(figures::department_figures)
                .service(meetings::create_meeting)
                .service(meetings::list_meetings)
                .service(meetings::my_action_items)
                .service(meetings::complete_action_item)
                .service(reports::missing_daily_reports)
                .service(reports::my_statement)
                .service(reports::send_statement)
                .service(reports::list_statements)
                .service(reports::export_daily_reports)
                .service(reports::list_late_notes)
                .service(reports::create_late_note)
                .service(reports::put_monthly_summary)
                .service(reports::list_monthly_summaries)
                .service(reports::put_daily_report)
                .service(reports::list_daily_reports)
                .service(duty::duty_fairness)
                .service(duty::create_swap)
                .service(duty::answer_swap)
                .service(duty::list_swaps)
                .service(duty::create_shift)
                .service(duty::cancel_shift)
                .service(duty::list_shifts)
                .service(duty::create_rotation)
                .service(duty::duty_now)
                .service(content::due_content)
                .service(content::list_takedowns)
                .service(content::download_content_attachment)
                .service(content::create_content)
                .service(content::list_content)
                .service(content::get_content)
                .service(content::update_content)
                .service(content::submit_content)
                .service(content::publish_content)
                .service(content::take_down_content)
                .service(content::revise_content)
                .service(content::upload_content_attachment)
                .service(content::delete_content_attachment)
                .service(page_revisions::page_revision_schedule)
                .service(page_revisions::create_page_revision)
                .service(page_revisions::list_page_revisions)
                .service(page_revisions::get_page_revision)
                .service(page_revisions::execute_page_revision)
                .service(promotions::create_promotion)
                .service(promotions::list_promotions)
                .service(promotions::get_promotion)
                .service(stocktakes::create_stocktake)
                .service(stocktakes::record_stocktake_count)
                .service(stocktakes::post_stocktake)
                .service(stocktakes::get_stocktake)
                .service(stocktakes::list_stocktakes)
                .service(order_stream::stream_orders)
                .service(order_import::import_orders)
                .service(orders::create_order)
                .service(orders::list_orders)
                .service(orders::get_order)
                .service(orders::put_order)
                .service(orders::patch_order)
                .service(orders::delete_order)
                .service(orders::add_order_event)
                .service(orders::verify_order)
                .service(export_stream::stream_export)
                .service(exports::list_order_exports)
                .service(exports::download_order_export)
                .service(exports::verify_order_export)
                .service(customers::list_customers)
                .service(customers::customer_statistics)
                .service(customers::get_customer)
                .service(customers::update_customer)
                .service(customers::request_bad_customer)
                .service(aftersales::create_case)
                .service(aftersales::list_cases)
                .service(aftersales::daily_report)
                .service(aftersales::factory_report)
                .service(aftersales::get_case)
                .service(aftersales::update_case)
                .service(deadlines::deadline_report),
        );
}

/// Error answers any operation may give, added where an operation does not list its own.
fn common_errors(op: &mut Operation, secured: bool, has_body: bool, has_params: bool) {
    let mut add = |status: &str, description: &str| {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| {
                RefOr::T(
                    Response::builder()
                        .description(description)
                        .content(
                            "application/problem+json",
                            Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                                "Problem",
                            )))),
                        )
                        .build(),
                )
            });
    };
    if has_body || has_params {
        add("400", "The request could not be read: malformed JSON, wrong types, unknown fields, bad parameters");
    }
    if secured {
        add("401", "Missing, invalid or expired credentials");
        add(
            "403",
            "The caller's level, roles or scopes do not allow this",
        );
        add(
            "429",
            "An API token over its rate (`Retry-After` says when to come back; every answer to a token carries `RateLimit-Policy` and `RateLimit`)",
        );
    }
    add("405", "Method not allowed on this resource");
    if has_body {
        add("413", "The body is too large");
        add("415", "The body is not application/json");
        add("422", "A field is invalid or a rule refuses the request");
    }
    add("500", "Internal error (logged; no detail is given)");
    add("503", "The database is unavailable");
}

/// The complete document.
pub fn document() -> OpenApiDoc {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "A JWT from /api/v1/auth/login or an API token (`ecops_…`)",
                ))
                .build(),
        ),
    );
    for item in doc.paths.paths.values_mut() {
        for op in [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let has_body = op.request_body.is_some();
            let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            common_errors(op, secured, has_body, has_params);
        }
    }
    doc
}

/// The schema of the resource an event carries in `data`.
fn resource_schema(t: ecops_api_types::EventType) -> &'static str {
    use ecops_api_types::EventType::*;
    match t {
        OrderCreated | OrderEventAppended => "OrderView",
        CaseOpened | CaseClosed => "CaseView",
        ProductListed | ProductDelisted | ProductPriceChanged => "ProductView",
        ApprovalDecided => "ApprovalRequestView",
        BackupCompleted => "BackupView",
        BackupRestored => "BackupRestoredData",
        ContentPublished | ContentTakenDown => "ContentItemView",
        AttendanceMonthClosed | AttendanceMonthReopened => "AttendanceMonthData",
    }
}

/// The `webhooks` section (OpenAPI 3.1): one entry per event type of the catalogue, the request
/// each subscription receives, with the Standard Webhooks headers.
fn webhooks_section() -> serde_json::Value {
    use serde_json::json;
    let header = |name: &str, description: &str| {
        json!({"name": name, "in": "header", "required": true, "description": description,
               "schema": {"type": "string"}})
    };
    let mut hooks = serde_json::Map::new();
    for t in ecops_api_types::EventType::ALL {
        let name = t.as_str();
        hooks.insert(
            name.to_owned(),
            json!({"post": {
                "operationId": format!("webhook_{}", name.replace('.', "_")),
                "tags": ["webhooks"],
                "summary": format!("`{name}` delivered to a subscription"),
                "description": "POSTed to each active subscription that takes this type, in order per resource, as the change commits. \
                    The body is the event as `GET /api/v1/events` shows it. Verify the signature with the subscription's secret \
                    (any Standard Webhooks library), and deduplicate on `webhook-id`: after a crash or a redelivery the same event \
                    comes again with the same id. Answer 2xx within the timeout; anything else is tried again on the schedule.",
                "parameters": [
                    header("webhook-id", "The event's id: the same on every try, every node and every redelivery"),
                    header("webhook-timestamp", "Seconds since the Unix epoch when this try was signed"),
                    header("webhook-signature", "`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` with the secret's key"),
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "allOf": [
                        {"$ref": "#/components/schemas/EventView"},
                        {"type": "object", "properties": {
                            "type": {"const": name},
                            "data": {"$ref": format!("#/components/schemas/{}", resource_schema(t))}
                        }}
                    ]
                }}}},
                "responses": {
                    "2XX": {"description": "Received; the delivery is done"},
                    "default": {"description": "Not received: tried again after the next wait of the schedule"}
                }
            }}),
        );
    }
    hooks.insert(
        "webhook.ping".to_owned(),
        json!({"post": {
            "operationId": "webhook_ping",
            "tags": ["webhooks"],
            "summary": "A test ping (`POST /api/v1/webhooks/{id}/ping`), signed like every delivery",
            "parameters": [
                header("webhook-id", "A new id for each ping"),
                header("webhook-timestamp", "Seconds since the Unix epoch"),
                header("webhook-signature", "`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`"),
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object",
                "required": ["seq", "id", "type", "occurred_at", "resource_type", "resource_id", "context", "data"],
                "properties": {
                    "seq": {"type": "integer", "const": 0},
                    "id": {"type": "string", "format": "uuid"},
                    "type": {"type": "string", "const": "webhook.ping"},
                    "occurred_at": {"type": "string", "format": "date-time"},
                    "resource_type": {"type": "string", "const": "webhook_subscription"},
                    "resource_id": {"type": "string", "format": "uuid"},
                    "context": {"type": "object"},
                    "data": {"type": "object", "properties": {"subscription_id": {"type": "string", "format": "uuid"}}}
                }
            }}}},
            "responses": {"2XX": {"description": "Received"}, "default": {"description": "Reported as the ping's failure"}}
        }}),
    );
    serde_json::Value::Object(hooks)
}

/// The complete document with its `webhooks` section, as served and committed.
pub fn document_value() -> serde_json::Value {
    let mut v = serde_json::to_value(document()).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("webhooks".to_owned(), webhooks_section());
        if let Some(schemas) = o
            .get_mut("components")
            .and_then(|c| c.get_mut("schemas"))
            .and_then(|s| s.as_object_mut())
        {
            schemas.insert(
                "AttendanceMonthData".to_owned(),
                serde_json::json!({"type": "object", "required": ["month", "closed", "people"],
                "description": "The month and how many people were judged; each person's figures (with their deductions) are read where wages are: `GET /exports/attendance-summaries`",
                "properties": {
                    "month": {"type": "string", "description": "YYYY-MM"},
                    "closed": {"type": "boolean"},
                    "closed_at": {"type": ["string", "null"], "format": "date-time"},
                    "people": {"type": "integer", "minimum": 0}
                }}),
            );
            schemas.insert(
                "BackupRestoredData".to_owned(),
                serde_json::json!({"type": "object", "required": ["archive"],
                    "properties": {"archive": {"type": "string", "description": "The archive restored"}}}),
            );
        }
    }
    v
}

/// The document as pretty JSON, as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut s = serde_json::to_string_pretty(&document_value())
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use ecops_api_types as api;

    /// The values the document lists for a wire enum are exactly what serde writes.
    fn listed(doc: &serde_json::Value, name: &str) -> Vec<String> {
        doc["components"]["schemas"][name]["enum"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn spelled<T: serde::Serialize>(all: &[T]) -> Vec<String> {
        all.iter()
            .filter_map(|v| serde_json::to_value(v).ok())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }

    #[test]
    fn every_wire_enum_is_documented_with_its_wire_values() {
        let doc: serde_json::Value =
            serde_json::from_str(&super::document_json()).unwrap_or_default();
        let cases: Vec<(&str, Vec<String>)> = vec![
            ("PaymentStatus", spelled(api::PaymentStatus::ALL)),
            ("DeadlineState", spelled(api::DeadlineState::ALL)),
            ("OrderEventKind", spelled(api::OrderEventKind::ALL)),
            ("ProductStatus", spelled(api::ProductStatus::ALL)),
            ("StaffLevel", spelled(api::StaffLevel::ALL)),
            ("CaseKind", spelled(api::CaseKind::ALL)),
            ("CaseStatus", spelled(api::CaseStatus::ALL)),
            ("PunchSource", spelled(api::PunchSource::ALL)),
            ("LapseKind", spelled(api::LapseKind::ALL)),
            ("StocktakeState", spelled(api::StocktakeState::ALL)),
            ("ImportOutcome", spelled(api::ImportOutcome::ALL)),
            ("PunchImportOutcome", spelled(api::PunchImportOutcome::ALL)),
            ("PriceSource", spelled(api::PriceSource::ALL)),
            ("AttachmentKind", spelled(api::AttachmentKind::ALL)),
            ("DeadlineKind", spelled(api::DeadlineKind::ALL)),
            ("ErrorCode", spelled(api::ErrorCode::ALL)),
        ];
        for (name, values) in cases {
            assert!(!values.is_empty(), "{name} has no values");
            assert_eq!(listed(&doc, name), values, "{name}");
        }
    }
}
