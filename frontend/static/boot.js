// Loads the wasm app; kept in a file (not inline) so the CSP can forbid inline scripts.
import init from '/pkg/ecops-dashboard.js';
init('/pkg/ecops-dashboard_bg.wasm');
