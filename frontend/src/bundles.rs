//! The dashboard is built as four bundles so each stays small on a shop-floor PC: the order
//! desk (orders, after-sales, customers, approvals), the catalogue (products, promotions,
//! stocktakes, page revisions), people (attendance, leave, duty) and administration (accounts,
//! API tokens, the audit log, order exports, the attendance policy and calendar). All share the routes, the session and every
//! component; each links only its own screens. `boot.js` loads the bundle a path belongs to (its
//! lists of paths must match [`CATALOGUE_PATHS`], [`PEOPLE_PATHS`] and [`ADMIN_PATHS`], which a
//! test checks); a route of another bundle reloads the page, so the browser loads that
//! one (the session resumes from the refresh cookie).

use crate::app::Route;
use crate::pages::not_found::NotFound;
use yew::prelude::*;

/// Paths (and everything under them) served by the catalogue bundle.
pub const CATALOGUE_PATHS: [&str; 4] =
    ["/products", "/promotions", "/stocktakes", "/page-revisions"];

/// Paths (and everything under them) served by the people bundle.
pub const PEOPLE_PATHS: [&str; 6] = [
    "/my-day",
    "/my-month",
    "/attendance",
    "/leave",
    "/duty",
    "/departures",
];

/// Paths (and everything under them) served by the work bundle: reports and, with the content
/// issue, publishing and the department's figures.
pub const WORK_PATHS: [&str; 4] = ["/reports", "/content", "/figures", "/meetings"];

/// Paths (and everything under them) served by the supervision bundle: service quality (with the
/// phrase library), the monthly evaluation, delegated access, and the integrations (webhook
/// subscriptions and their delivery log).
pub const SUPERVISION_PATHS: [&str; 4] =
    ["/quality", "/evaluations", "/delegations", "/integrations"];

/// Paths (and everything under them) served by the administration bundle.
pub const ADMIN_PATHS: [&str; 3] = ["/admin", "/policies", "/vault"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Desk,
    Catalogue,
    People,
    Admin,
    Work,
    Supervision,
}

/// The bundle a path belongs to.
pub fn kind_of(path: &str) -> Kind {
    let under = |p: &str| path == p || path.starts_with(&format!("{p}/"));
    if CATALOGUE_PATHS.iter().any(|p| under(p)) {
        Kind::Catalogue
    } else if PEOPLE_PATHS.iter().any(|p| under(p)) {
        Kind::People
    } else if ADMIN_PATHS.iter().any(|p| under(p)) {
        Kind::Admin
    } else if WORK_PATHS.iter().any(|p| under(p)) {
        Kind::Work
    } else if SUPERVISION_PATHS.iter().any(|p| under(p)) {
        Kind::Supervision
    } else {
        Kind::Desk
    }
}

/// One bundle: what it is, how it renders the routes it holds, and the texts only its screens
/// use (`("", "")` when the shared table is all it needs).
#[derive(Clone, Copy)]
pub struct Bundle {
    pub kind: Kind,
    pub render: fn(Route) -> Html,
    pub texts: crate::i18n::Texts,
}

/// A bundle is what it is: two values of one kind render the same routes.
impl PartialEq for Bundle {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

#[derive(Properties, PartialEq)]
pub struct ElsewhereProps {
    pub here: Kind,
}

/// A route of the other bundle: reload, and `boot.js` loads the bundle that holds it. Should
/// the path belong to this bundle after all (a route missing from its table), the page says so
/// instead of reloading for ever.
#[function_component(Elsewhere)]
pub fn elsewhere(p: &ElsewhereProps) -> Html {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let away = kind_of(&path) != p.here;
    use_effect_with(away, |away| {
        if *away {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    if away {
        html! { <p class="loading">{ "…" }</p> }
    } else {
        html! { <NotFound /> }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_go_to_their_bundle() {
        assert_eq!(kind_of("/products"), Kind::Catalogue);
        assert_eq!(kind_of("/products/new"), Kind::Catalogue);
        assert_eq!(kind_of("/stocktakes/0193"), Kind::Catalogue);
        assert_eq!(kind_of("/productsx"), Kind::Desk);
        assert_eq!(kind_of("/orders/1"), Kind::Desk);
        assert_eq!(kind_of("/"), Kind::Desk);
        assert_eq!(kind_of("/attendance/0193"), Kind::People);
        assert_eq!(kind_of("/duty"), Kind::People);
        assert_eq!(kind_of("/dutyx"), Kind::Desk);
        assert_eq!(kind_of("/admin/audit"), Kind::Admin);
        assert_eq!(kind_of("/quality"), Kind::Supervision);
        assert_eq!(kind_of("/evaluations"), Kind::Supervision);
    }

    #[test]
    fn boot_js_loads_each_bundle_for_the_same_paths() {
        let boot = include_str!("../static/boot.js");
        for paths in [
            &CATALOGUE_PATHS[..],
            &PEOPLE_PATHS[..],
            &ADMIN_PATHS[..],
            &WORK_PATHS[..],
            &SUPERVISION_PATHS[..],
        ] {
            let list = paths
                .iter()
                .map(|p| format!("'{p}'"))
                .collect::<Vec<_>>()
                .join(", ");
            assert!(
                boot.contains(&format!("[{list}]")),
                "boot.js must list the paths as [{list}]"
            );
        }
    }
}
