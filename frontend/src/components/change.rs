//! A request's proposed change as the decider needs to read it: each field as it is now and as
//! it would be, per kind of request (a price with the competitors' prices, a listing's status, a
//! promotion's rule and window, a plan's pages and areas, a leave's period), never raw JSON.
//! Requests that refer to another record (a promotion, a plan, a leave) fetch it.

use crate::format::{datetime, money};
use crate::i18n::Lang;
use crate::services::approvals;
use ecops_api_types::{
    ApprovalKind, ApprovalRequestView, LeaveView, PageRevisionView, ProductView, PromotionView,
};
use serde_json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub request: ApprovalRequestView,
    pub lang: Lang,
}

/// What the change refers to, once fetched.
#[derive(Clone, PartialEq)]
enum Referred {
    Nothing,
    Product(ProductView),
    Promotion(PromotionView),
    Revision(PageRevisionView),
    Leave(LeaveView),
    Content(Box<approvals::ContentBrief>),
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn fen(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_i64)
        .map(money)
        .unwrap_or_default()
}

/// One row: the field, as it is, as it would be.
type Row = (String, String, String);

fn rows(lang: Lang, r: &ApprovalRequestView, referred: &Referred) -> Vec<Row> {
    let p = &r.payload;
    let t = |k: &str| lang.t(k);
    let status = |s: &str| lang.t(&format!("product-{s}"));
    match (r.kind, referred) {
        // Content (news, a banner, confidential copy): this revision against the live one.
        (_, Referred::Content(c)) => {
            let number = p.get("revision").and_then(Value::as_i64).unwrap_or(0);
            let rev = |n: Option<i64>| c.revisions.iter().find(|x| Some(x.number) == n);
            let (live, this) = (rev(c.item.live_revision), rev(Some(number)));
            let field = |f: fn(&approvals::RevisionBrief) -> String| {
                (
                    live.map(f).unwrap_or_default(),
                    this.map(f).unwrap_or_default(),
                )
            };
            let (tb, ta) = field(|x| x.title.clone());
            let (bb, ba) = field(|x| x.body.clone());
            let (nb, na) = field(|x| {
                x.attachments
                    .iter()
                    .map(|a| a.file_name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            vec![
                (
                    t("content-kind"),
                    String::new(),
                    lang.t(&format!("content-{}", c.item.kind)),
                ),
                (t("content-title"), tb, ta),
                (t("content-body"), bb, ba),
                (t("content-attachments"), nb, na),
            ]
        }
        (ApprovalKind::Listing, _) => {
            vec![(t("col-status"), status(&text(p, "from")), status("listed"))]
        }
        (ApprovalKind::AbnormalDelisting, _) => vec![
            (t("col-status"), status("listed"), status("delisted")),
            (t("col-reason"), String::new(), text(p, "reason")),
        ],
        (ApprovalKind::PriceChange, _) => {
            let mut out = vec![(
                t("base-price"),
                fen(p, "from_price_fen"),
                fen(p, "new_price_fen"),
            )];
            let when = p
                .get("effective_at")
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .map(datetime)
                .unwrap_or_else(|| t("on-approval"));
            out.push((t("effective-from"), String::new(), when));
            for c in p
                .get("competitors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push((
                    format!("{} · {}", t("competitor"), text(c, "name")),
                    fen(c, "price_fen"),
                    String::new(),
                ));
            }
            out
        }
        (ApprovalKind::PermissionLevel, _) => {
            vec![(t("permission-level"), text(p, "from"), text(p, "to"))]
        }
        (ApprovalKind::BadCustomer, _) => vec![
            (t("bad-customer"), t("no"), t("yes")),
            (t("col-reason"), String::new(), text(p, "reason")),
        ],
        (ApprovalKind::ConfidentialInfo, Referred::Product(now)) => {
            let c = p.get("changes").cloned().unwrap_or(Value::Null);
            let mut out = Vec::new();
            let mut field = |label: &str, before: String, key: &str, money_field: bool| {
                if c.get(key).is_some_and(|v| !v.is_null()) {
                    let after = if money_field {
                        fen(&c, key)
                    } else {
                        text(&c, key)
                    };
                    out.push((t(label), before, after));
                }
            };
            field("product-title", now.title.clone(), "title", false);
            field("description", now.description.clone(), "description", false);
            field("category", now.category.clone(), "category", false);
            field(
                "list-price",
                money(now.list_price_fen),
                "list_price_fen",
                true,
            );
            field(
                "confidential",
                now.confidential.to_string(),
                "confidential",
                false,
            );
            out
        }
        (ApprovalKind::Promotion, Referred::Promotion(pr)) => vec![
            (t("promotion-name"), String::new(), pr.name.clone()),
            (
                t("promotion-rule"),
                String::new(),
                pr.promo_price_fen
                    .map(money)
                    .or(pr.percent_off.map(|o| format!("-{o}%")))
                    .unwrap_or_default(),
            ),
            (t("period-from"), String::new(), datetime(pr.start_at)),
            (t("period-to"), String::new(), datetime(pr.end_at)),
            (
                t("promotion-skus"),
                String::new(),
                pr.product_ids.len().to_string(),
            ),
        ],
        (ApprovalKind::PageRevision, Referred::Revision(rv)) => vec![
            (t("page"), String::new(), rv.page.clone()),
            (t("revision-title"), String::new(), rv.title.clone()),
            (t("planned-for"), String::new(), rv.planned_for.to_string()),
            (
                t("revision-areas"),
                String::new(),
                rv.areas
                    .iter()
                    .map(|a| {
                        lang.t(&format!(
                            "area-{}",
                            serde_json::to_value(a)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default()
                        ))
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            (t("revision-plan"), String::new(), rv.plan.clone()),
        ],
        (ApprovalKind::Leave, Referred::Leave(l)) => vec![
            (t("period-from"), String::new(), datetime(l.starts_at)),
            (t("period-to"), String::new(), datetime(l.ends_at)),
            (t("col-reason"), String::new(), l.reason.clone()),
        ],
        (ApprovalKind::PunchCorrection, _) => {
            let at = p
                .get("at")
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .map(datetime)
                .unwrap_or_default();
            let direction = if text(p, "direction") == "in" {
                t("clock-in")
            } else {
                t("clock-out")
            };
            vec![
                (direction, String::new(), at),
                (t("col-reason"), String::new(), text(p, "reason")),
            ]
        }
        (ApprovalKind::Delegation, _) => {
            let at = |k: &str| {
                p.get(k)
                    .and_then(|v| serde_json::from_value(v.clone()).ok())
                    .map(datetime)
                    .unwrap_or_default()
            };
            let roles = p
                .get("roles")
                .and_then(Value::as_array)
                .map(|rs| {
                    rs.iter()
                        .filter_map(Value::as_str)
                        .map(|r| t(&format!("role-{r}")))
                        .collect::<Vec<_>>()
                        .join("、")
                })
                .unwrap_or_default();
            vec![
                (t("chg-delegate"), String::new(), text(p, "delegate_name")),
                (t("chg-lent-roles"), String::new(), roles),
                (t("period-from"), String::new(), at("starts_at")),
                (t("period-to"), String::new(), at("ends_at")),
                (t("chg-task"), String::new(), text(p, "task")),
            ]
        }
        (ApprovalKind::ServicePhrase, _) => vec![
            (
                t("chg-situation"),
                String::new(),
                t(&format!("chg-situation-{}", text(p, "situation"))),
            ),
            (t("chg-phrase"), String::new(), text(p, "text")),
        ],
        // Anything else (or a record not readable by this user): the fields as sent.
        _ => p
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            String::new(),
                            match v {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[function_component(ProposedChange)]
pub fn proposed_change(p: &Props) -> Html {
    let lang = p.lang;
    let referred = use_state(|| Referred::Nothing);
    {
        let referred = referred.clone();
        let r = p.request.clone();
        use_effect_with(r.id, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let id = |key: &str| text(&r.payload, key);
                if r.subject_type == "content_revision" {
                    if let Some(c) = approvals::content(&id("item_id")).await {
                        referred.set(Referred::Content(Box::new(c)));
                    }
                    return;
                }
                let got = match r.kind {
                    ApprovalKind::ConfidentialInfo => approvals::product(&r.subject_id)
                        .await
                        .map(Referred::Product),
                    ApprovalKind::Promotion => approvals::promotion(&id("promotion_id"))
                        .await
                        .map(Referred::Promotion),
                    ApprovalKind::PageRevision => approvals::page_revision(&id("revision_id"))
                        .await
                        .map(Referred::Revision),
                    ApprovalKind::Leave => {
                        approvals::leave(&id("leave_id")).await.map(Referred::Leave)
                    }
                    _ => None,
                };
                if let Some(g) = got {
                    referred.set(g);
                }
            });
        });
    }
    let rows = rows(lang, &p.request, &referred);
    html! {
        <table class="lines change" data-testid="proposed-change">
            <thead><tr><th></th><th>{ lang.t("change-before") }</th><th>{ lang.t("change-after") }</th></tr></thead>
            <tbody>
            { for rows.into_iter().map(|(field, before, after)| html! {
                <tr>
                    <th scope="row" class="muted">{ field }</th>
                    <td class={classes!((!before.is_empty() && before != after).then_some("was"))}>{ before }</td>
                    <td class="now">{ after }</td>
                </tr>
            }) }
            </tbody>
        </table>
    }
}
