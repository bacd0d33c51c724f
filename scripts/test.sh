#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and API tests on SQLite and PostgreSQL, the
# OpenAPI checks (openapi-spec-validator, schemathesis), the README's curl examples and the
# dashboard in headless Chromium. Installs what is missing first. Under CI=true nothing may be
# skipped: an unreachable PostgreSQL fails the run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# A clean clone builds once: incremental state would only double the target directory.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi

SCHEMATHESIS_VERSION=4.32.5
OPENAPI_SPEC_VALIDATOR_VERSION=0.9.0

log "checking tools"
apt_install chromium chromium-driver libpq-dev jq curl fonts-wqy-zenhei
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
pip_install() { # name version
  [ "$(python3 -m pip show "$1" 2>/dev/null | sed -n "s/^Version: //p")" = "$2" ] || python3 -m pip install -q "$1==$2"
}
pip_install openapi-spec-validator "$OPENAPI_SPEC_VALIDATOR_VERSION"
pip_install schemathesis "$SCHEMATHESIS_VERSION"
ensure_wasm_toolchain

log "formatting"
cargo fmt --all -- --check
(cd frontend && cargo fmt -- --check)

log "lints"
cargo clippy --locked --workspace --all-targets -- -D warnings
(cd frontend && cargo clippy --locked --target wasm32-unknown-unknown -- -D warnings)

if [ -z "${ECOPS_TEST_DATABASE_URL:-}" ]; then
  if url="$(ensure_postgres)"; then
    export ECOPS_TEST_DATABASE_URL="$url"
  elif [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is unreachable and CI=true: failing" >&2
    exit 1
  else
    log "PostgreSQL unavailable: its test variants will be skipped"
  fi
fi

log "unit and API tests (SQLite and PostgreSQL)"
cargo test --locked --workspace

log "dashboard unit tests (native: formatting, translation tables)"
(cd frontend && cargo test --locked)

log "OpenAPI document"
python3 -m openapi_spec_validator openapi/openapi.json

build_dashboard
if [ "$DASHBOARD_GZIP_BYTES" -gt "$DASHBOARD_GZIP_BUDGET" ]; then
  echo "a dashboard bundle is $DASHBOARD_GZIP_BYTES bytes gzipped, over its budget of $DASHBOARD_GZIP_BUDGET" >&2
  exit 1
fi
cargo build --locked -p ecops-server

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_server PORT [env...]: runs the debug server on a fresh SQLite database in $WORK.
start_server() {
  local port="$1"; shift
  # Another server on the port would answer in this one's place, with its own data.
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    echo "port $port is already taken by a running server; stop it first" >&2
    return 1
  fi
  local dir="$WORK/$port"; mkdir -p "$dir"
  (cd "$dir" && exec env "$@" DATABASE_URL="sqlite://$dir/ecops.db" ECOPS_DATA_DIR="$dir" \
    ECOPS_BIND="127.0.0.1:$port" ECOPS_DASHBOARD_DIR="$ROOT/frontend/dist" \
    "$CARGO_TARGET_DIR/debug/ecops" serve >"$dir/server.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$dir/server.log" >&2
  return 1
}
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

ADMIN_PASSWORD='Lotus-Harbour-2026'

# Every check but positive_data_acceptance: valid-looking bodies that a business rule refuses
# (no such product, not enough stock) trip it by design.
log "schemathesis against the running server (SQLite, logged in)"
start_server 18090 ECOPS_ADMIN_PASSWORD="$ADMIN_PASSWORD" ECOPS__AUTH__LOGIN_RATE_PER_MINUTE=100000
TOKEN="$(curl -fsS -X POST http://127.0.0.1:18090/api/v1/auth/login -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" | jq -r .access_token)"
(cd "$WORK" && schemathesis run http://127.0.0.1:18090/api/openapi.json \
  -H "Authorization: Bearer $TOKEN" \
  --checks all --exclude-checks positive_data_acceptance \
  --exclude-path /api/v1/auth/logout \
  --max-examples 40 --seed 1)
stop_server

log "README examples, exactly as written"
tests/readme.sh

log "integrations: webhooks verified by Python standardwebhooks, a kill -9 mid-delivery, a generated client"
tests/integration/run.sh

log "dashboard in headless Chromium"
# A 20-second access token, so a test can watch one expire under an open form. Every browser
# logs in from 127.0.0.1: the per-address login rate (30 a minute by default, tested in the API
# tests) is raised so that a dozen colleagues signing in within a minute are not refused. The
# webhook test's receiver listens on loopback, which only the allowlist lets a subscription reach.
start_server 18091 ECOPS_ADMIN_PASSWORD="$ADMIN_PASSWORD" ECOPS__AUTH__ACCESS_TTL_SECS=20 \
  ECOPS__AUTH__LOGIN_RATE_PER_MINUTE=600 ECOPS__WEBHOOKS__ALLOWLIST='["127.0.0.1"]' ECOPS__WEBHOOKS__TICK_MS=100
(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
  ECOPS_URL=http://127.0.0.1:18091 ECOPS_ADMIN_PASSWORD="$ADMIN_PASSWORD" ECOPS_DB="$WORK/18091/ecops.db" \
    npx playwright test)
stop_server

log "all tests passed"
