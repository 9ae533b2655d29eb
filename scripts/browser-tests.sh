#!/usr/bin/env bash
# Browser tests: the web UI clicked through in Debian's Chromium, driven by
# playwright-core (web/tests/), against the release binary serving
#   curated    the bundled corpus (corpus/)
#   synthetic  a generated ecosystem of ${SYNTH_ENTITIES:-100000} entities
#
#   scripts/browser-tests.sh [curated] [synthetic]     (default: both)
#
# Installs what it needs when missing: Debian's chromium and fonts-noto-cjk
# (without the fonts every Chinese character is a box in the screenshots)
# and the npm packages of web/. Screenshots: web/test-results/<corpus>-*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(curated synthetic)

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  as_root=(); [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -d web/node_modules/playwright-core ] || (cd web && npm ci --no-audit --no-fund)

cargo build --release --quiet
target=${CARGO_TARGET_DIR:-target}
[[ $target = /* ]] || target=$PWD/$target
bin=$target/release/innograph
work=$(mktemp -d)
server=
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# serve <label> <corpus> <port>: starts the server, building its index on first start
serve() {
  "$bin" serve --index "$work/$1-index" --corpus "$2" --addr "127.0.0.1:$3" >"$work/$1.log" 2>&1 &
  server=$!
  for _ in $(seq 1 900); do
    if node -e "fetch('http://127.0.0.1:$3/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
      return 0
    fi
    kill -0 "$server" 2>/dev/null || { cat "$work/$1.log"; echo "the server for $1 stopped"; exit 1; }
    sleep 1
  done
  echo "the server for $1 did not answer in 15 minutes"; exit 1
}

port=18480
for run in "${runs[@]}"; do
  port=$((port + 1))
  case "$run" in
    curated) corpus=$PWD/corpus ;;
    synthetic)
      corpus=$work/synthetic
      "$bin" gen --entities "${SYNTH_ENTITIES:-100000}" --out "$corpus" --seed 16 >/dev/null ;;
    *) echo "unknown run \`$run\`: curated or synthetic"; exit 2 ;;
  esac
  echo "== browser tests: $run"
  started=$(date +%s)
  serve "$run" "$corpus" "$port"
  echo "server up in $(( $(date +%s) - started )) s"
  (cd web && INNOGRAPH_URL="http://127.0.0.1:$port" RUN_LABEL="$run" node --test --test-concurrency=1 tests/)
  kill "$server"; wait "$server" 2>/dev/null || true; server=
done
echo "screenshots: web/test-results/"
