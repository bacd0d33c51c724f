// Loads the bundle the page's path belongs to (the list matches CATALOGUE_PATHS in
// src/bundles.rs; a test checks it). Kept in a file, not inline, so the CSP can forbid inline
// scripts.
import initDesk from '/pkg/desk.js';
import initCatalogue from '/pkg/catalogue.js';

const catalogue = ['/products', '/promotions', '/stocktakes', '/page-revisions']
  .some((p) => location.pathname === p || location.pathname.startsWith(`${p}/`));
if (catalogue) {
  initCatalogue('/pkg/catalogue_bg.wasm');
} else {
  initDesk('/pkg/desk_bg.wasm');
}
