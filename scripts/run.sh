#!/usr/bin/env bash
# Builds the dashboard and the server, then runs ecops on SQLite (./data) at http://127.0.0.1:8080.
# Extra arguments go to `ecops` (e.g. `scripts/run.sh --help`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
build_dashboard
log "building the server"
cargo build --locked --release -p ecops-server
exec "$CARGO_TARGET_DIR/release/ecops" "$@"
