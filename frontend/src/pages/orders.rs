//! The order queue (R-ORD-3): newest or most urgent first, filters in the URL, a live contact
//! countdown per row, refreshed without a reload, worked from the keyboard (j/k, Enter).

use crate::app::{Route, Session};
use crate::components::paged::use_paged;
use crate::format::{countdown, datetime, money};
use crate::i18n::Lang;
use crate::services::{orders, stream};
use chrono::Utc;
use ecops_api_types::{DeadlineState, OrderStatus, OrderView};
use gloo_timers::callback::Interval;
use serde::{Deserialize, Serialize};
use yew::prelude::*;
use yew_router::prelude::*;

/// The queue's filters, kept in the URL so a view can be shared and reloaded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
    /// A day (`2026-11-30`, company time): orders taken on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
}

/// The channels the queue offers as filters (the API takes any channel key).
const CHANNELS: [&str; 5] = ["own_shop", "taobao", "tmall", "jd", "phone"];

/// A channel's name in the user's language; an unlisted channel key as it is.
pub fn channel_text(lang: Lang, channel: &str) -> String {
    if CHANNELS.contains(&channel) {
        lang.t(&format!("channel-{channel}"))
    } else {
        channel.to_owned()
    }
}

/// A company-time day as the API's `from`/`to` instants.
fn day_range(day: &str) -> Option<(String, String)> {
    use chrono::SecondsFormat;
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    let start = d
        .and_hms_opt(0, 0, 0)?
        .and_local_timezone(crate::format::company_tz())
        .single()?
        .with_timezone(&Utc);
    let end = start + chrono::Duration::days(1);
    Some((
        start.to_rfc3339_opts(SecondsFormat::Secs, true),
        end.to_rfc3339_opts(SecondsFormat::Secs, true),
    ))
}

impl QueueQuery {
    fn api_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.sort {
            parts.push(format!("sort={s}"));
        }
        if let Some(s) = &self.status {
            parts.push(format!("status={s}"));
        }
        if let Some(c) = self.channel.as_ref().filter(|c| !c.is_empty()) {
            parts.push(format!("channel={c}"));
        }
        if self.overdue == Some(true) {
            parts.push("overdue=true".to_owned());
        }
        if let Some((from, to)) = self.day.as_deref().and_then(day_range) {
            parts.push(format!("from={from}&to={to}"));
        }
        parts.join("&")
    }
}

const STATUSES: [OrderStatus; 8] = [
    OrderStatus::Accepted,
    OrderStatus::Verified,
    OrderStatus::OnHold,
    OrderStatus::PriceHold,
    OrderStatus::Checked,
    OrderStatus::Shipped,
    OrderStatus::Delivered,
    OrderStatus::Cancelled,
];

pub fn status_key(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Accepted => "accepted",
        OrderStatus::Verified => "verified",
        OrderStatus::OnHold => "on_hold",
        OrderStatus::PriceHold => "price_hold",
        OrderStatus::Checked => "checked",
        OrderStatus::Shipped => "shipped",
        OrderStatus::Delivered => "delivered",
        OrderStatus::Cancelled => "cancelled",
    }
}

/// The contact cell: a live countdown while open, the outcome once contacted.
pub fn contact_cell(lang: Lang, o: &OrderView, now: chrono::DateTime<Utc>) -> Html {
    match o.contact_deadline {
        DeadlineState::Met => html! { <span class="badge ok">{ lang.t("contact-met") }</span> },
        DeadlineState::Missed => {
            html! { <span class="badge bad">{ lang.t("contact-missed") }</span> }
        }
        DeadlineState::Open | DeadlineState::Overdue => {
            let c = countdown(o.contact_due_at, now);
            html! {
                <span class={classes!("countdown", c.urgency.class())} data-testid="countdown"
                      data-urgency={c.urgency.class()}>{ c.text }</span>
            }
        }
    }
}

#[function_component(Orders)]
pub fn orders() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let location = use_location();
    let navigator = use_navigator();
    let query: QueueQuery = location
        .as_ref()
        .and_then(|l| l.query::<QueueQuery>().ok())
        .unwrap_or_default();
    let queue = use_paged(query.api_query(), |q| Box::pin(orders::queue(q)));
    let now = use_state(Utc::now);
    let selected = use_state(usize::default);

    // The clock that runs the countdowns; the server's event stream brings new orders and
    // changes in (and a slow refresh covers a stream that cannot be opened).
    {
        let (now, bump) = (now.clone(), queue.reload.clone());
        use_effect_with((), move |_| {
            let clock = Interval::new(1_000, move || now.set(Utc::now()));
            let watch = stream::watch_orders(bump.clone());
            let slow = Interval::new(30_000, move || bump.emit(()));
            move || {
                drop(clock);
                drop(slow);
                drop(watch);
            }
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }

    let set_query = {
        let navigator = navigator.clone();
        move |q: QueueQuery| {
            if let Some(n) = &navigator {
                let _ = n.push_with_query(&Route::Orders, &q);
            }
        }
    };
    let on_sort = {
        let (q, set) = (query.clone(), set_query.clone());
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            set(QueueQuery {
                sort: Some(v).filter(|v| v != "newest"),
                ..q.clone()
            });
        })
    };
    let on_status = {
        let (q, set) = (query.clone(), set_query.clone());
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            set(QueueQuery {
                status: Some(v).filter(|v| !v.is_empty()),
                ..q.clone()
            });
        })
    };
    let on_channel = {
        let (q, set) = (query.clone(), set_query.clone());
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            set(QueueQuery {
                channel: Some(v).filter(|v| !v.is_empty()),
                ..q.clone()
            });
        })
    };
    let on_day = {
        let (q, set) = (query.clone(), set_query.clone());
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            set(QueueQuery {
                day: Some(v).filter(|v| !v.is_empty()),
                ..q.clone()
            });
        })
    };
    let on_overdue = {
        let (q, set) = (query.clone(), set_query.clone());
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            set(QueueQuery {
                overdue: on.then_some(true),
                ..q.clone()
            });
        })
    };

    let rows = queue.items().to_vec();
    let open = {
        let navigator = navigator.clone();
        move |o: &OrderView| {
            if let Some(n) = &navigator {
                n.push(&Route::Order {
                    id: o.id.to_string(),
                });
            }
        }
    };
    let on_key = {
        let (rows, selected, open) = (rows.clone(), selected.clone(), open.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "j" | "ArrowDown" => selected.set((*selected + 1).min(rows.len().saturating_sub(1))),
            "k" | "ArrowUp" => selected.set(selected.saturating_sub(1)),
            "Enter" => {
                if let Some(o) = rows.get(*selected) {
                    open(o);
                }
            }
            _ => {}
        })
    };

    let sort_by = |key: &'static str| {
        let (q, set) = (query.clone(), set_query.clone());
        Callback::from(move |_: MouseEvent| {
            set(QueueQuery {
                sort: Some(key.to_owned()).filter(|k| k != "newest"),
                ..q.clone()
            })
        })
    };
    let sort_value = query.sort.clone().unwrap_or_else(|| "newest".to_owned());
    let status_value = query.status.clone().unwrap_or_default();
    html! {
        <section class="card wide" data-testid="orders">
            <h2>{ lang.t("orders-title") }</h2>
            <div class="filters">
                <label>{ lang.t("orders-sort") }
                    <select data-testid="sort" onchange={on_sort}>
                        <option value="newest" selected={sort_value == "newest"}>{ lang.t("sort-newest") }</option>
                        <option value="contact_due" selected={sort_value == "contact_due"}>{ lang.t("sort-contact-due") }</option>
                    </select>
                </label>
                <label>{ lang.t("filter-status") }
                    <select data-testid="status-filter" onchange={on_status}>
                        <option value="" selected={status_value.is_empty()}>{ lang.t("filter-all") }</option>
                        { for STATUSES.iter().map(|s| html! {
                            <option value={status_key(*s)} selected={status_value == status_key(*s)}>
                                { lang.t(&format!("status-{}", status_key(*s))) }
                            </option>
                        }) }
                    </select>
                </label>
                <label>{ lang.t("col-channel") }
                    <select data-testid="channel-filter" onchange={on_channel}>
                        <option value="" selected={query.channel.is_none()}>{ lang.t("filter-all") }</option>
                        { for CHANNELS.iter().map(|c| html! {
                            <option value={*c} selected={query.channel.as_deref() == Some(*c)}>{ lang.t(&format!("channel-{c}")) }</option>
                        }) }
                    </select>
                </label>
                <label>{ lang.t("filter-day") }
                    <input type="date" data-testid="day-filter" value={query.day.clone().unwrap_or_default()} onchange={on_day} />
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="overdue-filter" checked={query.overdue == Some(true)} onchange={on_overdue} />
                    { lang.t("filter-overdue") }
                </label>
            </div>
            if let Some(state) = queue.status(lang, "empty-orders", "orders-empty") {
                { state }
            } else {
                <table class="queue" tabindex="0" onkeydown={on_key} aria-label={lang.t("orders-title")}>
                    <thead><tr>
                        <th>{ lang.t("col-order-no") }</th>
                        <th>{ lang.t("col-channel") }</th>
                        <th>{ lang.t("col-customer") }</th>
                        <th class="num">{ lang.t("col-total") }</th>
                        <th>{ lang.t("col-status") }</th>
                        <th aria-sort={(sort_value == "newest").then_some("descending")}>
                            <button type="button" class="sort" data-testid="sort-newest" onclick={sort_by("newest")}>{ lang.t("col-created") }</button>
                        </th>
                        <th aria-sort={(sort_value == "contact_due").then_some("ascending")}>
                            <button type="button" class="sort" data-testid="sort-contact-due" onclick={sort_by("contact_due")}>{ lang.t("col-contact") }</button>
                        </th>
                    </tr></thead>
                    <tbody>
                        { for rows.iter().enumerate().map(|(i, o)| {
                            let onclick = {
                                let (open, o) = (open.clone(), o.clone());
                                Callback::from(move |_: MouseEvent| open(&o))
                            };
                            html! {
                                <tr key={o.id.to_string()} class={classes!((i == *selected).then_some("selected"))}
                                    data-testid="order-row" data-order-no={o.channel_order_no.clone()} {onclick}>
                                    <td><a href={format!("/orders/{}", o.id)} onclick={Callback::from(|e: MouseEvent| e.prevent_default())}>{ &o.channel_order_no }</a></td>
                                    <td>{ channel_text(lang, &o.channel) }</td>
                                    <td>{ &o.customer_name }</td>
                                    <td class="num">{ money(o.total_fen) }</td>
                                    <td><span class={classes!("badge", status_key(o.status))}>{ lang.t(&format!("status-{}", status_key(o.status))) }</span></td>
                                    <td>{ datetime(o.created_at) }</td>
                                    <td>{ contact_cell(lang, o, *now) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                { queue.more(lang) }
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_its_company_time_hours() {
        assert_eq!(
            day_range("2026-11-30"),
            Some((
                "2026-11-29T16:00:00Z".to_owned(),
                "2026-11-30T16:00:00Z".to_owned()
            ))
        );
        assert_eq!(day_range("30/11/2026"), None);
        let q = QueueQuery {
            channel: Some("jd".into()),
            day: Some("2026-11-30".into()),
            ..QueueQuery::default()
        };
        assert_eq!(
            q.api_query(),
            "channel=jd&from=2026-11-29T16:00:00Z&to=2026-11-30T16:00:00Z"
        );
    }
}
