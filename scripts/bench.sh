#!/usr/bin/env bash
# Order benchmark (not a test): API throughput and latency next to a raw diesel loop on the same
# database in the same run, on SQLite and (when reachable) PostgreSQL. Release build.
#   BENCH_QUEUE_ORDERS=100000 scripts/bench.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
if [ -z "${ECOPS_TEST_DATABASE_URL:-}" ] && url="$(ensure_postgres)"; then
  export ECOPS_TEST_DATABASE_URL="$url"
fi
cargo build --locked --release -p ecops-tests --bin bench-orders
exec "$CARGO_TARGET_DIR/release/bench-orders"
