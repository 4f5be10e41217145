#!/bin/sh
# bench.sh: `make bench`: the solver on generated schools of growing size, then feed
# throughput against nginx. Prints tables; docs/benchmarks.md records results.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/${BUILDDIR:-build}"
"$here/tools/install-deps.sh" --bench

echo "== solver (bench/solver.c): generated schools, feasible and overloaded, against the proven bound"
"$build/bench-solver" "${PULLOUT_BENCH_TIME_LIMIT:-10}"

echo
echo "== feeds (tools/bench-feeds.sh): requests per second with keep-alive"
BUILDDIR="${BUILDDIR:-build}" "$here/tools/bench-feeds.sh" "${BENCH_SECONDS:-5}"
