//! The official-account vault (R-SEC-1): entries for their custodians, never a secret in a list
//! or a detail; a reveal with a reason, audited; changes of the secret or the custodians through
//! the general manager's approval. Interactive sessions only: no API token reaches the vault.

use crate::auth::{Caller, Identity};
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::{actor, if_match, RequestMeta};
use crate::wire;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use ecops_api_types::{
    AccountKind, ApprovalRequestView, CreateVaultEntryRequest, Problem, ProposeVaultChangeRequest,
    RevealRequest, RevealView, RevealedSecret, UpdateVaultEntryRequest, VaultChangeView,
    VaultEntryView,
};
use ecops_app::vault::{self, ChangeInput, DetailsInput, EntryView, NewEntryInput};
use ecops_domain::vault::AccountKind as Kind;
use ecops_domain::JobRole;
use ecops_persistence::repo::users;
use ecops_persistence::repo::vault::Change;
use ecops_persistence::AnyConnection;
use uuid::Uuid;

/// The vault is for people: an API token is refused whatever its scopes.
fn require_session(who: &Identity) -> ApiResult<()> {
    if who.session_id().is_none() {
        return Err(ApiError::forbidden(
            "session_required",
            "the vault is used from a login session, never with an API token",
        ));
    }
    Ok(())
}

fn kind_to_domain(k: AccountKind) -> Kind {
    match k {
        AccountKind::ShopBackoffice => Kind::ShopBackoffice,
        AccountKind::Payment => Kind::Payment,
        AccountKind::Domain => Kind::Domain,
        AccountKind::Trademark => Kind::Trademark,
        AccountKind::Mailbox => Kind::Mailbox,
        AccountKind::Blog => Kind::Blog,
        AccountKind::SourceHosting => Kind::SourceHosting,
        AccountKind::Other => Kind::Other,
    }
}

fn kind_from_stored(s: &str) -> ApiResult<AccountKind> {
    AccountKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| ApiError::internal(format!("stored account kind `{s}`")))
}

fn change_view(c: &Change) -> ApiResult<VaultChangeView> {
    Ok(VaultChangeView {
        id: c.id,
        approval_request_id: c.approval_request_id,
        secret_changes: c.secret_proposed,
        custodian_roles: c
            .custodian_roles
            .as_ref()
            .map(|r| {
                r.iter()
                    .map(|r| {
                        wire::stored("job role", r, |s| s.parse::<JobRole>().ok())
                            .map(wire::job_role)
                    })
                    .collect::<ApiResult<Vec<_>>>()
            })
            .transpose()?,
        custodian_users: c.custodian_users.clone(),
        reason: c.reason.clone(),
        state: c.state.clone(),
        proposed_by: c.proposed_by,
        created_at: c.created_at,
        decided_at: c.decided_at,
    })
}

fn entry_view(conn: &mut AnyConnection, v: EntryView) -> ApiResult<VaultEntryView> {
    let names = users::display_names(conn, &v.entry.custodian_users)?;
    let e = v.entry;
    Ok(VaultEntryView {
        id: e.id,
        name: e.name,
        kind: kind_from_stored(&e.kind)?,
        url: e.url,
        login: e.login,
        notes: e.notes,
        custodian_roles: v
            .custodian_roles
            .iter()
            .map(|r| wire::job_role(*r))
            .collect(),
        custodian_names: e
            .custodian_users
            .iter()
            .map(|u| names.get(u).cloned().unwrap_or_default())
            .collect(),
        custodian_users: e.custodian_users,
        version: e.version,
        created_at: e.created_at,
        updated_at: e.updated_at,
        secret_changed_at: e.secret_changed_at,
        pending_change: v.pending_change.as_ref().map(change_view).transpose()?,
    })
}

/// Records an official account. For the department manager, IT and the general manager; the
/// secret is sealed at once and never appears in an answer but a reveal's.
#[utoipa::path(
    tag = "vault",
    security(("bearer" = [])),
    request_body = CreateVaultEntryRequest,
    responses(
        (status = 201, description = "Recorded (no secret in the answer)", body = VaultEntryView),
        (status = 403, description = "Not a keeper role, or an API token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An entry of that name exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No custodian left, an unknown person", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/vault/entries")]
pub async fn create_vault_entry(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateVaultEntryRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let key = state.config.vault_key.clone();
    let v = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            let input = NewEntryInput {
                name: b.name.trim().to_owned(),
                kind: kind_to_domain(b.kind),
                url: b.url,
                login: b.login,
                notes: b.notes,
                secret: b.secret,
                custodian_roles: b
                    .custodian_roles
                    .map(|r| r.into_iter().map(wire::role_to_domain).collect()),
                custodian_users: b.custodian_users,
            };
            let created = vault::create(conn, &a, &key, input, now)?;
            entry_view(conn, created)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/vault/entries/{}", v.id)))
        .json(v))
}

/// The entries the caller keeps, by name. Never a secret.
#[utoipa::path(
    tag = "vault",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's entries", body = Vec<VaultEntryView>))
)]
#[get("/vault/entries")]
pub async fn list_vault_entries(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
) -> ApiResult<web::Json<Vec<VaultEntryView>>> {
    let items = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            vault::list(conn, &a)?
                .into_iter()
                .map(|v| entry_view(conn, v))
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(web::Json(items))
}

/// One entry, for its custodians; anyone else gets 404 (its existence is not disclosed).
#[utoipa::path(
    tag = "vault",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The entry (no secret)", body = VaultEntryView),
        (status = 404, description = "No such entry, or not the caller's to keep", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/vault/entries/{id}")]
pub async fn get_vault_entry(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let v = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            let e = vault::get(conn, &a, id)?;
            entry_view(conn, e)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", crate::support::etag(v.version)))
        .json(v))
}

/// Changes an entry's name, address, login name or notes (custodians; audited). `If-Match`
/// guards against a concurrent edit.
#[utoipa::path(
    tag = "vault",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = UpdateVaultEntryRequest,
    responses(
        (status = 200, description = "Changed", body = VaultEntryView),
        (status = 404, description = "No such entry, or not the caller's to keep", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The entry changed meanwhile", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/vault/entries/{id}")]
pub async fn update_vault_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateVaultEntryRequest>,
) -> ApiResult<web::Json<VaultEntryView>> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            let e = vault::update_details(
                conn,
                &a,
                id,
                expected,
                DetailsInput {
                    name: b.name.trim().to_owned(),
                    url: b.url,
                    login: b.login,
                    notes: b.notes,
                },
                now,
            )?;
            entry_view(conn, e)
        })
        .await?;
    Ok(web::Json(v))
}

/// Reveals the secret to a custodian, once, with a reason; recorded with who, when, why and from
/// where. Anyone else gets 404.
#[utoipa::path(
    tag = "vault",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RevealRequest,
    responses(
        (status = 200, description = "The secret, in this answer only", body = RevealedSecret),
        (status = 404, description = "No such entry, or not the caller's to keep", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/vault/entries/{id}/reveal")]
pub async fn reveal_vault_secret(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<RevealRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let now = state.clock.now();
    let key = state.config.vault_key.clone();
    let secret = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            Ok(vault::reveal(conn, &a, &key, id, &reason, now)?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(RevealedSecret {
            secret,
            revealed_at: now,
        }))
}

/// Who revealed the secret, when, why and from where, newest first (custodians).
#[utoipa::path(
    tag = "vault",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The reveals", body = Vec<RevealView>),
        (status = 404, description = "No such entry, or not the caller's to keep", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/vault/entries/{id}/reveals")]
pub async fn list_vault_reveals(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<RevealView>>> {
    let id = id.into_inner();
    let items = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            let rows = vault::reveals(conn, &a, id, 200)?;
            let people: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
            let names = users::display_names(conn, &people)?;
            Ok(rows
                .into_iter()
                .map(|r| RevealView {
                    at: r.at,
                    by: r.actor_id,
                    by_name: r.actor_id.and_then(|u| names.get(&u).cloned()),
                    reason: r.detail["reason"].as_str().unwrap_or_default().to_owned(),
                    client_addr: r.client_addr,
                })
                .collect())
        })
        .await?;
    Ok(web::Json(items))
}

/// Proposes a new secret and/or new custodians: an `official_account_change` request to the
/// general manager. Nothing changes until it is approved; the approval applies it atomically.
#[utoipa::path(
    tag = "vault",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProposeVaultChangeRequest,
    responses(
        (status = 202, description = "Submitted for approval", body = ApprovalRequestView),
        (status = 404, description = "No such entry, or not the caller's to keep", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A change of this entry is pending already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing to change, no custodian left", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/vault/entries/{id}/changes")]
pub async fn propose_vault_change(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ProposeVaultChangeRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.into_inner();
    let now = state.clock.now();
    let key = state.config.vault_key.clone();
    let view = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            let (_, req) = vault::propose_change(
                conn,
                &a,
                &key,
                id,
                ChangeInput {
                    secret: b.secret,
                    custodian_roles: b
                        .custodian_roles
                        .map(|r| r.into_iter().map(wire::role_to_domain).collect()),
                    custodian_users: b.custodian_users,
                    reason: b.reason,
                },
                now,
            )?;
            Ok(crate::routes::approval_view(&req))
        })
        .await?;
    Ok(HttpResponse::Accepted().json(view))
}

/// The changes of an entry, newest first (custodians).
#[utoipa::path(
    tag = "vault",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The changes", body = Vec<VaultChangeView>),
        (status = 404, description = "No such entry, or not the caller's to keep", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/vault/entries/{id}/changes")]
pub async fn list_vault_changes(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<VaultChangeView>>> {
    let id = id.into_inner();
    let items = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            vault::changes(conn, &a, id)?
                .iter()
                .map(change_view)
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(web::Json(items))
}
