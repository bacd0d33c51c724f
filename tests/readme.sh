#!/usr/bin/env bash
# Runs the shell blocks of README.md's walkthrough (first start to first order) exactly as written, against
# a fresh server on the README's address (127.0.0.1:8080), and fails if any command fails.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

blocks="$(awk '
  /<!-- readme-test:start -->/ {on=1; next}
  /<!-- readme-test:end -->/ {on=0}
  on && /^```sh$/ {code=1; next}
  on && /^```$/ {code=0; next}
  on && code {print}
' README.md)"
[ -n "$blocks" ] || { echo "README.md has no curl examples between the readme-test markers" >&2; exit 1; }
password="$(printf '%s\n' "$blocks" | sed -n "s/^ECOPS_ADMIN_PASSWORD='\(.*\)'.*/\1/p" | head -n1)"

dir="$(mktemp -d)"
(cd "$dir" && exec env ECOPS_ADMIN_PASSWORD="$password" DATABASE_URL="sqlite://$dir/ecops.db" ECOPS_DATA_DIR="$dir" \
  ECOPS_BIND=127.0.0.1:8080 "$CARGO_TARGET_DIR/debug/ecops" serve >"$dir/server.log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:8080/readyz >/dev/null 2>&1 && break; sleep 0.1; done

out="$(bash -euo pipefail -c "$blocks")"
printf '%s\n' "$out"
# The walkthrough creates li.na, closes the first-run window once both deciders are operators,
# and ends with her first order accepted.
printf '%s' "$out" | grep -q '"username":"li.na"'
printf '%s' "$out" | grep -q '"open":false'
printf '%s' "$out" | grep -q '"status":"accepted","total_fen":25600'

# The move to PostgreSQL, the README's three commands as written, on the walkthrough's data: the
# backup while the SQLite server runs, the restore into a fresh PostgreSQL database, the server
# started on it (in place of the SQLite one), where li.na's first order is found.
move="$(awk '
  /<!-- readme-move:start -->/ {on=1; next}
  /<!-- readme-move:end -->/ {on=0}
  on && /^```sh$/ {code=1; next}
  on && /^```$/ {code=0; next}
  on && code {print}
' README.md | sed "s#target/release/ecops#$CARGO_TARGET_DIR/debug/ecops#g")"
[ "$(printf '%s\n' "$move" | wc -l)" -eq 3 ] || { echo "README.md's move to PostgreSQL is not three commands" >&2; exit 1; }
pg_base="$(ensure_postgres)"
pg_db="ecops_readme_$$"
psql -q "$pg_base" -c "CREATE DATABASE $pg_db" >/dev/null
if [[ "$pg_base" == *\?* ]]; then PG_URL="${pg_base%/*}/$pg_db?${pg_base#*\?}" ; else PG_URL="${pg_base%/*}/$pg_db"; fi
(cd "$dir" && env DATABASE_URL="sqlite://$dir/ecops.db" ECOPS_DATA_DIR="$dir" PG_URL="$PG_URL" \
  bash -euo pipefail -c "$(printf '%s\n' "$move" | sed -n 1,2p)")
kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
(cd "$dir" && exec env DATABASE_URL="sqlite://$dir/ecops.db" ECOPS_DATA_DIR="$dir" PG_URL="$PG_URL" ECOPS_BIND=127.0.0.1:8080 \
  bash -c "$(printf '%s\n' "$move" | sed -n 3p)" >"$dir/server-pg.log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; psql -q "$pg_base" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:8080/readyz >/dev/null 2>&1 && break; sleep 0.1; done
grep -q "postgres://" "$dir/server-pg.log" || { cat "$dir/server-pg.log" >&2; echo "the third command did not serve PostgreSQL" >&2; exit 1; }
token="$(curl -fsS -X POST http://127.0.0.1:8080/api/v1/auth/login -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | jq -r .access_token)"
curl -fsS "http://127.0.0.1:8080/api/v1/orders?limit=10" -H "Authorization: Bearer $token" | grep -q '"channel_order_no":"TB-0001"'
curl -fsS "http://127.0.0.1:8080/api/v1/audit/verify" -H "Authorization: Bearer $token" | grep -q '"intact":true'
echo "README examples: 2 passed, 0 failed"
