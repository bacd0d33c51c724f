//! The lists' shared loading: the first page for the page's query, further pages through the
//! API's cursor on "load more", stale answers dropped when the query changes meanwhile, and one
//! rendering of the loading, error and empty states.

use crate::i18n::Lang;
use crate::services::requests::ApiFailure;
use ecops_api_types::Page;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use yew::prelude::*;

/// Fetches one page for an API query (the query already carries the cursor when there is one).
pub type Fetch<T> = fn(String) -> Pin<Box<dyn Future<Output = Result<Page<T>, ApiFailure>>>>;

#[derive(Clone, PartialEq)]
pub enum Rows<T> {
    Loading,
    Failed(String),
    Ready {
        items: Vec<T>,
        next: Option<String>,
        more: bool,
    },
}

/// A list being shown: its rows, and callbacks to fetch the next page or start again.
#[derive(Clone, PartialEq)]
pub struct Paged<T: PartialEq> {
    pub rows: Rows<T>,
    pub load_more: Callback<()>,
    pub reload: Callback<()>,
}

impl<T: PartialEq> Paged<T> {
    pub fn items(&self) -> &[T] {
        match &self.rows {
            Rows::Ready { items, .. } => items,
            _ => &[],
        }
    }

    /// The loading, error or empty state, or `None` when there are rows to show.
    pub fn status(&self, lang: Lang, empty_key: &str, testid: &str) -> Option<Html> {
        match &self.rows {
            Rows::Loading => Some(html! { <p class="muted">{ lang.t("loading") }</p> }),
            Rows::Failed(m) => Some(html! {
                <div class="error" role="alert">
                    { m.clone() }{ " " }
                    <button type="button" class="link" onclick={self.reload.reform(|_| ())}>{ lang.t("retry") }</button>
                </div>
            }),
            Rows::Ready { items, .. } if items.is_empty() => Some(
                html! { <p class="empty" data-testid={testid.to_owned()}>{ lang.t(empty_key) }</p> },
            ),
            Rows::Ready { .. } => None,
        }
    }

    /// The "load more" button under a list whose API has a further page.
    pub fn more(&self, lang: Lang) -> Html {
        match &self.rows {
            Rows::Ready {
                next: Some(_),
                more,
                items,
            } => html! {
                <div class="more">
                    <span class="muted">{ lang.t1("rows-shown", "count", &items.len().to_string()) }</span>
                    <button type="button" data-testid="load-more" disabled={*more}
                        onclick={self.load_more.reform(|_| ())}>{ lang.t("load-more") }</button>
                </div>
            },
            _ => html! {},
        }
    }
}

fn with_cursor(query: &str, cursor: &str) -> String {
    let c: String = js_sys::encode_uri_component(cursor).into();
    if query.is_empty() {
        format!("cursor={c}")
    } else {
        format!("{query}&cursor={c}")
    }
}

/// Loads `query`'s first page, again whenever `query` changes or `reload` is called. A reload
/// (the event stream's, say) fetches as many rows as are shown, following the cursor, so rows
/// loaded with "load more" stay; when it fails, what is on screen stays.
#[hook]
pub fn use_paged<T: Clone + PartialEq + 'static>(query: String, fetch: Fetch<T>) -> Paged<T> {
    let rows = use_state(|| Rows::<T>::Loading);
    let generation = use_mut_ref(|| Rc::new(Cell::new(0u64)));
    let shown = use_mut_ref(|| Rc::new(Cell::new(0usize)));
    let last_query = use_mut_ref(|| None::<String>);
    let reloads = use_state(u32::default);
    {
        let (rows, generation, shown) = (
            rows.clone(),
            generation.borrow().clone(),
            shown.borrow().clone(),
        );
        let same_query = last_query.borrow().as_deref() == Some(query.as_str());
        *last_query.borrow_mut() = Some(query.clone());
        let keep = if same_query { shown.get() } else { 0 };
        use_effect_with((query.clone(), *reloads), move |(q, _)| {
            let mine = generation.get() + 1;
            generation.set(mine);
            let (q, rows) = (q.clone(), rows.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut answer = fetch(q.clone()).await;
                // Follow the cursor until as many rows as were shown are back.
                while let Ok(page) = &mut answer {
                    let Some(cursor) = page.next_cursor.clone().filter(|_| page.items.len() < keep)
                    else {
                        break;
                    };
                    match fetch(with_cursor(&q, &cursor)).await {
                        Ok(more) => {
                            page.items.extend(more.items);
                            page.next_cursor = more.next_cursor;
                        }
                        Err(e) => answer = Err(e),
                    }
                }
                if generation.get() != mine {
                    return;
                }
                match answer {
                    Ok(p) => {
                        shown.set(p.items.len());
                        rows.set(Rows::Ready {
                            items: p.items,
                            next: p.next_cursor,
                            more: false,
                        })
                    }
                    Err(_) if matches!(*rows, Rows::Ready { .. }) => {}
                    Err(e) => rows.set(Rows::Failed(e.message())),
                }
            });
        });
    }
    let load_more = {
        let (rows, generation, shown, query) = (
            rows.clone(),
            generation.borrow().clone(),
            shown.borrow().clone(),
            query,
        );
        Callback::from(move |()| {
            let Rows::Ready {
                items,
                next: Some(cursor),
                more: false,
            } = (*rows).clone()
            else {
                return;
            };
            let mine = generation.get();
            rows.set(Rows::Ready {
                items: items.clone(),
                next: Some(cursor.clone()),
                more: true,
            });
            let (rows, generation, shown, q) = (
                rows.clone(),
                generation.clone(),
                shown.clone(),
                with_cursor(&query, &cursor),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let answer = fetch(q).await;
                if generation.get() != mine {
                    return;
                }
                match answer {
                    Ok(p) => {
                        let mut all = items;
                        all.extend(p.items);
                        shown.set(all.len());
                        rows.set(Rows::Ready {
                            items: all,
                            next: p.next_cursor,
                            more: false,
                        });
                    }
                    Err(_) => rows.set(Rows::Ready {
                        items,
                        next: Some(cursor),
                        more: false,
                    }),
                }
            });
        })
    };
    // A counter outside the state: a callback kept from an earlier render (the event stream's)
    // still moves it on.
    let count = use_mut_ref(|| Rc::new(Cell::new(0u32)));
    let reload = {
        let (reloads, count) = (reloads.clone(), count.borrow().clone());
        Callback::from(move |()| {
            count.set(count.get().wrapping_add(1));
            reloads.set(count.get());
        })
    };
    Paged {
        rows: (*rows).clone(),
        load_more,
        reload,
    }
}
