#!/usr/bin/env bash
# Dashboard benchmark (not a test): the order queue with 500 rows in headless Chromium, frame
# times while every countdown ticks, next to a raw DOM table of the same size in the same page.
#   scripts/bench-dashboard.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
apt_install chromium
build_dashboard
cargo build --locked -p ecops-server
WORK="$(mktemp -d)"
PASSWORD='Lotus-Harbour-2026'
env ECOPS_ADMIN_PASSWORD="$PASSWORD" DATABASE_URL="sqlite://$WORK/ecops.db" ECOPS_DATA_DIR="$WORK" \
  ECOPS_BIND=127.0.0.1:18093 ECOPS_DASHBOARD_DIR="$ROOT/frontend/dist" \
  "$CARGO_TARGET_DIR/debug/ecops" serve >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:18093/readyz >/dev/null 2>&1 && break; sleep 0.1; done
cd tests/browser
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null
ECOPS_URL=http://127.0.0.1:18093 ECOPS_ADMIN_PASSWORD="$PASSWORD" npx playwright test --config bench/playwright.config.js
