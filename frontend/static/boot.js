// Loads the bundle the page's path belongs to (the lists match CATALOGUE_PATHS, PEOPLE_PATHS,
// ADMIN_PATHS and WORK_PATHS in src/bundles.rs; a test checks them). Kept in a file, not inline, so the CSP can forbid
// inline scripts.
import initDesk from '/pkg/desk.js';
import initCatalogue from '/pkg/catalogue.js';
import initPeople from '/pkg/people.js';
import initAdmin from '/pkg/admin.js';
import initWork from '/pkg/work.js';
import initSupervision from '/pkg/supervision.js';

const under = (paths) => paths
  .some((p) => location.pathname === p || location.pathname.startsWith(`${p}/`));
if (under(['/products', '/promotions', '/stocktakes', '/page-revisions'])) {
  initCatalogue('/pkg/catalogue_bg.wasm');
} else if (under(['/my-day', '/my-month', '/attendance', '/leave', '/duty', '/departures'])) {
  initPeople('/pkg/people_bg.wasm');
} else if (under(['/admin', '/policies', '/vault'])) {
  initAdmin('/pkg/admin_bg.wasm');
} else if (under(['/reports', '/content', '/figures', '/meetings'])) {
  initWork('/pkg/work_bg.wasm');
} else if (under(['/quality', '/evaluations', '/delegations', '/integrations'])) {
  initSupervision('/pkg/supervision_bg.wasm');
} else {
  initDesk('/pkg/desk_bg.wasm');
}
