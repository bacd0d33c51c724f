//! The catalogue bundle: products with their prices and stock, drafting, promotions,
//! stocktakes and page-revision plans.

use ecops_dashboard::app::Route;
use ecops_dashboard::bundles::{Bundle, Elsewhere, Kind};
use ecops_dashboard::pages::{
    catalogue::{NewProduct, PageRevisions, Promotions, StocktakePage, Stocktakes},
    not_found::NotFound,
    products::{ProductPage, Products},
};
use yew::prelude::*;

fn render(route: Route) -> Html {
    match route {
        Route::Products => html! { <Products /> },
        Route::Product { id } => html! { <ProductPage {id} /> },
        Route::NewProduct => html! { <NewProduct /> },
        Route::Promotions => html! { <Promotions /> },
        Route::Stocktakes => html! { <Stocktakes /> },
        Route::Stocktake { id } => html! { <StocktakePage {id} /> },
        Route::PageRevisions => html! { <PageRevisions /> },
        Route::NotFound => html! { <NotFound /> },
        _ => html! { <Elsewhere here={Kind::Catalogue} /> },
    }
}

fn main() {
    ecops_dashboard::start(Bundle {
        kind: Kind::Catalogue,
        render,
        texts: ("", ""),
    });
}
