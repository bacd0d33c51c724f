//! Short messages about what just happened ("Order saved", "Request approved"), shown at the
//! bottom of the screen for a few seconds and announced to screen readers.

use gloo_timers::callback::Timeout;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Bad,
}

/// Shows a message: `toast.emit((Tone::Ok, text))`. Every page gets it from the context.
pub type Toaster = Callback<(Tone, String)>;

/// The toaster from the context (a no-op outside the app, e.g. in tests).
#[hook]
pub fn use_toast() -> Toaster {
    use_context::<Toaster>().unwrap_or_else(|| Callback::from(|_| ()))
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub children: Children,
}

/// Provides the toaster to its children and shows the messages.
#[function_component(ToastHost)]
pub fn toast_host(props: &Props) -> Html {
    let shown = use_state(Vec::<(u32, Tone, String)>::new);
    let next = use_mut_ref(|| 0u32);
    let toaster: Toaster = {
        let shown = shown.clone();
        use_memo((), move |_| {
            let shown = shown.clone();
            let current =
                std::rc::Rc::new(std::cell::RefCell::new(Vec::<(u32, Tone, String)>::new()));
            Callback::from(move |(tone, text): (Tone, String)| {
                let id = {
                    let mut n = next.borrow_mut();
                    *n += 1;
                    *n
                };
                current.borrow_mut().push((id, tone, text));
                shown.set(current.borrow().clone());
                let (shown, current) = (shown.clone(), current.clone());
                Timeout::new(5_000, move || {
                    current.borrow_mut().retain(|(i, _, _)| *i != id);
                    shown.set(current.borrow().clone());
                })
                .forget();
            })
        })
        .as_ref()
        .clone()
    };
    html! {
        <ContextProvider<Toaster> context={toaster}>
            { props.children.clone() }
            <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
                { for shown.iter().map(|(id, tone, text)| html! {
                    <div key={id.to_string()} class={classes!("toast", (*tone == Tone::Bad).then_some("bad"))} data-testid="toast">{ text.clone() }</div>
                }) }
            </div>
        </ContextProvider<Toaster>>
    }
}
