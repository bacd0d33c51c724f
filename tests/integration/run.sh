#!/usr/bin/env bash
# The integration checks in Python, against servers they start from the debug build:
#   webhooks_e2e.py     deliveries verified by the standardwebhooks package, a kill -9 mid-delivery
#   generated_client.py a client generated from openapi/openapi.json by openapi-python-client
# Their packages live in a venv at target/pyenv-integration, installed only when the pinned
# versions (requirements.txt) are not all there already.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"

HERE="$ROOT/tests/integration"
VENV="$ROOT/target/pyenv-integration"
BIN="$CARGO_TARGET_DIR/debug/ecops"
[ -x "$BIN" ] || { echo "no server binary at $BIN: build it first (cargo build -p ecops-server)" >&2; exit 1; }

# (Made anew when missing, or broken: its python3 gone or replaced by another version.)
if ! "$VENV/bin/python" -c "" >/dev/null 2>&1; then
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    # Debian ships venv (and ensurepip) apart from python3.
    rm -rf "$VENV"
    apt_install python3-venv
    python3 -m venv "$VENV"
  fi
fi
# Every pinned name==version present? (names compared as PyPI does: case, '-', '_', '.' alike)
if ! "$VENV/bin/python" - "$HERE/requirements.txt" <<'EOF'
import re, sys
from importlib import metadata
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
have = {norm(d.metadata["Name"]): d.version for d in metadata.distributions()}
want = [l.split("#")[0].strip() for l in open(sys.argv[1])]
missing = [w for w in want if w and have.get(norm(w.split("==")[0])) != w.split("==")[1]]
sys.exit(1 if missing else 0)
EOF
then
  log "installing the integration checks' Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt"
fi

WORK="$(mktemp -d)"
cleanup() {
  # The scripts stop their servers; should one of them die first, its server is stopped here.
  local f pid
  for f in "$WORK"/*/server.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = ecops ]; then
      kill "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The venv's bin first: the generator runs ruff, from there, over what it writes.
export PATH="$VENV/bin:$PATH" ECOPS_BIN="$BIN" INTEGRATION_WORK="$WORK" PYTHONUNBUFFERED=1
export PYTHONDONTWRITEBYTECODE=1
failed=0
"$VENV/bin/python" "$HERE/webhooks_e2e.py" || failed=1
"$VENV/bin/python" "$HERE/generated_client.py" || failed=1
exit "$failed"
