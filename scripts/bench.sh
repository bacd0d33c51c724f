#!/usr/bin/env bash
# Benchmarks (not tests), on SQLite and (when reachable) PostgreSQL, each next to a raw baseline
# on the same database in the same run. Release build.
#   BENCH_QUEUE_ORDERS=100000 scripts/bench.sh    orders: API throughput and latency next to a raw diesel loop
#   scripts/bench.sh month                        the department's attendance month for 200 staff next to a raw GROUP BY
#   scripts/bench.sh figures                      the department's figures for a month of 100,000 orders next to the same SQL run directly
#   scripts/bench.sh backup                       backup and restore of 25,000 and 100,000 orders (time, peak memory) next to VACUUM INTO / pg_dump
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
if [ -z "${ECOPS_TEST_DATABASE_URL:-}" ] && url="$(ensure_postgres)"; then
  export ECOPS_TEST_DATABASE_URL="$url"
fi
which="${1:-orders}"
case "$which" in
  orders|month|figures|backup) ;;
  *) echo "usage: scripts/bench.sh [orders|month|figures|backup]" >&2; exit 2 ;;
esac
cargo build --locked --release -p ecops-tests --bin "bench-$which"
exec "$CARGO_TARGET_DIR/release/bench-$which"
