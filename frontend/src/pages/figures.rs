//! The department's figures (R-REP-4) as charts drawn in the page (SVG, nothing fetched from
//! elsewhere): orders per day stacked by channel, contact deadlines met and missed per person,
//! after-sales by kind, attendance per week and the approvals' median time to decision, for any
//! period, each with its CSV.

use crate::app::Session;
use crate::components::forms::typed;
use crate::format::{money, today};
use crate::i18n::Lang;
use crate::services::requests::{download_text, request, ApiFailure};
use chrono::{Datelike, NaiveDate, Utc};
use ecops_api_types::DepartmentFigures;
use gloo_net::http::Method;
use yew::prelude::*;

/// Series colours, told apart also without colour vision by their order and the legend.
const PALETTE: [&str; 6] = [
    "#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b",
];

/// A code's text if the tables have one (`channel-jd`), the code itself otherwise.
fn label(lang: Lang, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}{code}");
    let t = lang.t(&key);
    if t == key {
        code.to_owned()
    } else {
        t
    }
}

#[derive(Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub testid: String,
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Stacked (one bar per category) or side by side.
    #[prop_or_default]
    pub stacked: bool,
}

/// A bar chart in SVG. Every bar carries its series, category and value (`data-*`, and a
/// `<title>` that shows on hover), so what is drawn can be read back.
#[function_component(BarChart)]
pub fn bar_chart(p: &ChartProps) -> Html {
    let (w, h, left, bottom, top) = (720.0_f64, 260.0_f64, 44.0_f64, 46.0_f64, 10.0_f64);
    let n = p.categories.len().max(1) as f64;
    let totals: Vec<f64> = (0..p.categories.len())
        .map(|i| {
            let vals = p
                .series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0));
            if p.stacked {
                vals.sum()
            } else {
                vals.fold(0.0, f64::max)
            }
        })
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max).max(1.0);
    let plot_h = h - bottom - top;
    let slot = (w - left) / n;
    let groups = if p.stacked {
        1.0
    } else {
        p.series.len().max(1) as f64
    };
    let bar_w = (slot * 0.8 / groups).max(1.0);
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let ticks = [0.0, max / 2.0, max];
    let every = (p.categories.len() / 12).max(1);
    html! {
        <figure class="bars" data-testid={p.testid.clone()}>
            <figcaption>{ &p.title }</figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={p.title.clone()} width="100%">
                { for ticks.iter().map(|t| html! {
                    <g>
                        <line x1={left.to_string()} x2={w.to_string()} y1={y(*t).to_string()} y2={y(*t).to_string()} stroke="#e5e7eb" />
                        <text x={(left - 4.0).to_string()} y={(y(*t) + 4.0).to_string()} text-anchor="end" font-size="11" fill="#475569">{ format_num(*t) }</text>
                    </g>
                }) }
                { for p.categories.iter().enumerate().map(|(i, c)| {
                    let x0 = left + slot * i as f64 + slot * 0.1;
                    let mut base = 0.0;
                    html! {
                        <g>
                            { for p.series.iter().enumerate().map(|(k, s)| {
                                let v = s.values.get(i).copied().unwrap_or(0.0);
                                let (x, y_top, height) = if p.stacked {
                                    let r = (x0, y(base + v), y(base) - y(base + v));
                                    base += v;
                                    r
                                } else {
                                    (x0 + bar_w * k as f64, y(v), y(0.0) - y(v))
                                };
                                html! {
                                    <rect x={x.to_string()} y={y_top.to_string()} width={bar_w.to_string()} height={height.max(0.0).to_string()}
                                        fill={PALETTE[k % PALETTE.len()]} data-testid="bar"
                                        data-series={s.name.clone()} data-category={c.clone()} data-value={v.to_string()}>
                                        <title>{ format!("{c} · {}: {}", s.name, format_num(v)) }</title>
                                    </rect>
                                }
                            }) }
                            if i % every == 0 {
                                <text x={(x0 + slot * 0.4).to_string()} y={(h - bottom + 14.0).to_string()} text-anchor="middle" font-size="11" fill="#475569">{ c.clone() }</text>
                            }
                        </g>
                    }
                }) }
            </svg>
            <ul class="legend">
                { for p.series.iter().enumerate().map(|(k, s)| html! {
                    <li><span class="swatch" style={format!("background:{}", PALETTE[k % PALETTE.len()])}></span>{ &s.name }</li>
                }) }
            </ul>
        </figure>
    }
}

fn format_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

async fn load(from: &str, to: &str) -> Result<DepartmentFigures, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/reports/figures?from={from}&to={to}"),
        None,
    )
    .await
}

#[function_component(Figures)]
pub fn figures() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let now = today(Utc::now());
    let first = NaiveDate::from_ymd_opt(now.year(), now.month(), 1).unwrap_or(now);
    let from = use_state(|| first.to_string());
    let to = use_state(|| now.to_string());
    let data = use_state(|| None::<Result<DepartmentFigures, String>>);
    {
        let data = data.clone();
        use_effect_with(((*from).clone(), (*to).clone()), move |(f, t)| {
            let (f, t, data) = (f.clone(), t.clone(), data.clone());
            wasm_bindgen_futures::spawn_local(async move {
                data.set(Some(load(&f, &t).await.map_err(|e| e.message())));
            });
        });
    }
    let csv = |table: &'static str| {
        let (f, t) = ((*from).clone(), (*to).clone());
        Callback::from(move |_| {
            let (f, t) = (f.clone(), t.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let _ = download_text(
                    &format!("/api/v1/reports/figures?from={f}&to={t}&format=csv&table={table}"),
                    &format!("figures-{table}-{f}-{t}.csv"),
                    "text/csv",
                )
                .await;
            });
        })
    };
    let download = |table: &'static str| {
        html! {
            <button class="link" data-testid={format!("csv-{table}")} onclick={csv(table)}>{ lang.t("download-csv") }</button>
        }
    };
    let body = match &*data {
        None => html! { <p class="muted">{ lang.t("loading") }</p> },
        Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
        Some(Ok(f)) => {
            // Orders per day, stacked by channel.
            let mut days: Vec<NaiveDate> = f.orders_by_day.iter().map(|r| r.day).collect();
            days.dedup();
            let mut channels: Vec<String> =
                f.orders_by_day.iter().map(|r| r.channel.clone()).collect();
            channels.sort();
            channels.dedup();
            let per_channel: Vec<Series> = channels
                .iter()
                .map(|c| Series {
                    name: label(lang, "channel-", c),
                    values: days
                        .iter()
                        .map(|d| {
                            f.orders_by_day
                                .iter()
                                .filter(|r| &r.day == d && &r.channel == c)
                                .map(|r| r.orders as f64)
                                .sum()
                        })
                        .collect(),
                })
                .collect();
            let orders_total: i64 = f.orders_by_day.iter().map(|r| r.orders).sum();
            let value_total: i64 = f.orders_by_day.iter().map(|r| r.total_fen).sum();
            let people: Vec<String> = f
                .contact
                .iter()
                .map(|c| {
                    if c.display_name.is_empty() {
                        c.username.clone()
                    } else {
                        c.display_name.clone()
                    }
                })
                .collect();
            html! {
                <>
                <p data-testid="figures-summary">{ lang.t1("figures-orders-total", "n", &orders_total.to_string()) }{ " · " }{ money(value_total) }</p>
                <section class="card wide">
                    <BarChart testid="chart-orders" title={lang.t("chart-orders-per-day")} stacked=true
                        categories={days.iter().map(|d| d.format("%m-%d").to_string()).collect::<Vec<_>>()} series={per_channel} />
                    { download("orders_by_day") }
                </section>
                <section class="card wide">
                    <BarChart testid="chart-contact" title={lang.t("chart-contact")} categories={people}
                        series={vec![
                            Series { name: lang.t("figures-met"), values: f.contact.iter().map(|c| c.met as f64).collect() },
                            Series { name: lang.t("figures-missed"), values: f.contact.iter().map(|c| c.missed as f64).collect() },
                        ]} />
                    { download("contact") }
                </section>
                <section class="card wide">
                    <BarChart testid="chart-aftersales" title={lang.t("chart-aftersales")}
                        categories={f.aftersales.iter().map(|a| label(lang, "case-", &a.kind)).collect::<Vec<_>>()}
                        series={vec![
                            Series { name: lang.t("aftersales-opened"), values: f.aftersales.iter().map(|a| a.opened as f64).collect() },
                            Series { name: lang.t("aftersales-closed"), values: f.aftersales.iter().map(|a| a.closed as f64).collect() },
                        ]} />
                    { download("aftersales") }
                </section>
                <section class="card wide">
                    <BarChart testid="chart-attendance" title={lang.t("chart-attendance")}
                        categories={f.attendance.iter().map(|w| w.week_start.format("%m-%d").to_string()).collect::<Vec<_>>()}
                        series={vec![
                            Series { name: lang.t("att-late"), values: f.attendance.iter().map(|w| w.late as f64).collect() },
                            Series { name: lang.t("att-early"), values: f.attendance.iter().map(|w| w.early as f64).collect() },
                            Series { name: lang.t("att-absent"), values: f.attendance.iter().map(|w| w.absent as f64).collect() },
                        ]} />
                    { download("attendance") }
                </section>
                <section class="card wide">
                    <BarChart testid="chart-approvals" title={lang.t("chart-approvals")}
                        categories={f.approvals.iter().map(|a| label(lang, "kind-", &a.kind)).collect::<Vec<_>>()}
                        series={vec![
                            Series { name: lang.t("median-hours"), values: f.approvals.iter().map(|a| a.median_hours_to_decision.unwrap_or(0.0)).collect() },
                        ]} />
                    { download("approvals") }
                </section>
                </>
            }
        }
    };
    html! {
        <>
        <section class="card wide" data-testid="figures">
            <h2>{ lang.t("figures-heading") }</h2>
            <div class="filters">
                <label for="f-from">{ lang.t("period-from") }</label>
                <input id="f-from" type="date" data-testid="figures-from" value={(*from).clone()} oninput={typed(&from)} />
                <label for="f-to">{ lang.t("period-to") }</label>
                <input id="f-to" type="date" data-testid="figures-to" value={(*to).clone()} oninput={typed(&to)} />
            </div>
        </section>
        { body }
        </>
    }
}
