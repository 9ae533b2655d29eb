#!/usr/bin/env bash
# Scale benchmark, run on demand: generates synthetic ecosystems and builds
# their indexes, printing wall time, peak memory and sizes for each step.
#
#   scripts/bench-scale.sh [SIZES...]      default: 100000 1000000
#
# Work files go to ${BENCH_DIR:-/tmp/innograph-bench}; the release binary
# is built first.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
work=${BENCH_DIR:-/tmp/innograph-bench}
mkdir -p "$work"
cargo build --release --quiet
bin=target/release/innograph
export RUST_LOG=warn

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@" 2>&1 >/dev/null | grep -E "^$label:|^error" || true
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
for n in "${sizes[@]}"; do
  out="$work/syn-$n"; index="$work/index-$n"
  rm -rf "$out" "$index"
  echo "== $n entities"
  measure "gen" "$bin" gen --entities "$n" --out "$out" --seed 2026
  python3 -c "import json,sys; g=json.load(open(sys.argv[1])); print('corpus:', g['entities'], 'entities,', g['relations'], 'relations,', g['documents'], 'documents,', g['truth_links'], 'planted links')" "$out/gen.json"
  echo "corpus size: $(du -sh "$out" | cut -f1)"
  measure "build" "$bin" build --corpus "$out" --index "$index"
  echo "index size: $(du -sh "$index" | cut -f1) (search $(du -sh "$index"/gen-*/search | cut -f1), graph $(du -sh "$index"/gen-*/graph.bin | cut -f1))"
  measure "open-and-stats" "$bin" stats --index "$index"
done
