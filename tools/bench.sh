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
echo "== upper bound (bench/bound.c): each model's bound and seconds on overloaded schools, seed 1"
for students in 30 50 100 120 150 170 500 2000 5000; do
        printf '%4d students: ' "$students"
        "$build/bench-bound" "$students" 1 overloaded
done

echo
echo "== feeds (tools/bench-feeds.sh): requests per second with keep-alive"
BUILDDIR="${BUILDDIR:-build}" "$here/tools/bench-feeds.sh" "${BENCH_SECONDS:-5}"
