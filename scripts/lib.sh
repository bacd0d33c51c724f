# Shared helpers of the project scripts: install what is missing, nothing else.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

apt_install() {
  # Installs the named Debian packages that are missing.
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_wasm_toolchain() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # The CLI must match the wasm-bindgen crate the dashboard locks.
  local want
  want="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$ROOT/frontend/Cargo.lock")"
  if ! command -v wasm-bindgen >/dev/null 2>&1 || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (a few minutes, once)"
    # Not --locked: the CLI's own lockfile pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

# Content-hashes the dashboard's assets (so the server can let browsers keep them for a year)
# and rewrites the references to them, then stores gzip and brotli copies next to each file.
# The gzip copies come from zopfli: the same format every browser reads, about 5% smaller than
# `gzip -9` (the files are compressed once, at build time, so its slowness costs nothing later).
fingerprint_and_compress() {
  local d="$1" h
  apt_install brotli zopfli
  hashed() { # file -> name.HASH.ext, and rewrite references in the given files
    local f="$1"; shift
    h="$(sha256sum "$d/$f" | cut -c1-10)"
    local new="${f%.*}.$h.${f##*.}"
    mv "$d/$f" "$d/$new"
    local ref
    for ref in "$@"; do sed -i "s#/$f#/$new#g" "$d/$ref"; done
  }
  local b
  for b in $DASHBOARD_BUNDLES; do
    hashed "pkg/${b}_bg.wasm" boot.js
    hashed "pkg/$b.js" boot.js
  done
  hashed boot.js index.html
  hashed styles.css index.html
  local f
  while IFS= read -r f; do
    zopfli -c "$f" > "$f.gz"
    brotli -q 11 -f -k "$f"
  done < <(find "$d" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \))
}

# The most the dashboard's wasm may weigh gzipped (a shop-floor PC on a slow line).
DASHBOARD_GZIP_BUDGET=409600
# The dashboard's bundles (frontend/src/bin): the order desk, the catalogue, people, admin, work and
# supervision.
DASHBOARD_BUNDLES="desk catalogue people admin work supervision"

build_dashboard() {
  ensure_wasm_toolchain
  log "building the dashboard (wasm: the desk, catalogue, people, admin, work and supervision bundles)"
  (cd "$ROOT/frontend" && cargo build --locked --target wasm32-unknown-unknown --release --bins)
  local dist="$ROOT/frontend/dist" b
  rm -rf "$dist.tmp" && mkdir -p "$dist.tmp/pkg"
  # wasm-opt from npm's binaryen (Debian's is too old for wasm-bindgen's output), from a lockfile.
  local tools="$ROOT/frontend/tools"
  if [ ! -x "$tools/node_modules/.bin/wasm-opt" ]; then
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  for b in $DASHBOARD_BUNDLES; do
    wasm-bindgen --target web --no-typescript --out-dir "$dist.tmp/pkg" \
      "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$b.wasm"
    "$tools/node_modules/.bin/wasm-opt" -Oz "$dist.tmp/pkg/${b}_bg.wasm" -o "$dist.tmp/pkg/${b}_bg.wasm"
  done
  cp "$ROOT"/frontend/static/* "$dist.tmp/"
  fingerprint_and_compress "$dist.tmp"
  rm -rf "$dist" && mv "$dist.tmp" "$dist"
  # The largest bundle is what a page may have to load; each is printed.
  DASHBOARD_GZIP_BYTES=0
  for b in $DASHBOARD_BUNDLES; do
    local n
    n="$(wc -c < "$(ls "$dist"/pkg/"${b}"_bg.*.wasm.gz)")"
    log "dashboard bundle $b: $n bytes of wasm gzipped (budget $DASHBOARD_GZIP_BUDGET each)"
    [ "$n" -gt "$DASHBOARD_GZIP_BYTES" ] && DASHBOARD_GZIP_BYTES="$n"
  done
  return 0
}

# Starts the local PostgreSQL cluster if needed and prints a URL for a throwaway test role.
# Only the URL goes to stdout: the tools' chatter ("Removed stale pid file.") goes to stderr.
ensure_postgres() {
  local port
  port="$(prepare_postgres_cluster)" || return 1
  # Plain TCP on loopback: libpq then needs no TLS, whose process-exit teardown can race the
  # connection threads a test binary still has open when it exits.
  echo "postgres://ecops_test:ecops_test@127.0.0.1:$port/ecops_test?sslmode=disable"
}

# Prints the port of a running local cluster holding the ecops_test role and database.
prepare_postgres_cluster() {
  {
    apt_install postgresql libpq-dev
    local ver cluster
    ver="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
    cluster="$(pg_lsclusters -h 2>/dev/null | awk -v v="$ver" '$1==v{print $2; exit}')"
    if [ -z "$cluster" ]; then
      pg_createcluster "$ver" main >/dev/null
      cluster=main
    fi
    if ! pg_lsclusters -h | awk -v v="$ver" -v c="$cluster" '$1==v && $2==c{print $4}' | grep -q online; then
      log "starting PostgreSQL $ver/$cluster"
      pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start
    fi
    local port
    port="$(pg_lsclusters -h | awk -v v="$ver" -v c="$cluster" '$1==v && $2==c{print $3}')"
    su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='ecops_test'\"" | grep -q 1 ||
      su postgres -c "psql -p $port -qc \"CREATE ROLE ecops_test LOGIN PASSWORD 'ecops_test' CREATEDB\""
    su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname='ecops_test'\"" | grep -q 1 ||
      su postgres -c "psql -p $port -qc 'CREATE DATABASE ecops_test OWNER ecops_test'"
    # Databases left by earlier runs' tests.
    su postgres -c "psql -p $port -qtAc \"SELECT datname FROM pg_database WHERE datname ~ '^ecops_t_[0-9a-f]{32}$'\"" |
      while read -r db; do if [ -n "$db" ]; then su postgres -c "psql -p $port -qc 'DROP DATABASE IF EXISTS $db'" >/dev/null; fi; done
  } >&2
  [[ "$port" =~ ^[0-9]+$ ]] || { log "no PostgreSQL port found"; return 1; }
  echo "$port"
}
