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
echo "README examples: 1 passed, 0 failed"
