#!/bin/sh
# bench.sh: `make bench`: the solver on generated schools of growing size, then (when the feed
# benchmark is present) feed throughput. Prints tables; docs/benchmarks.md records results.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/${BUILDDIR:-build}"

echo "== solver (bench/solver.c): generated schools, one core"
"$build/bench-solver" "${PULLOUT_BENCH_TIME_LIMIT:-30}"

if [ -x "$here/tools/bench-feeds.sh" ]; then
        echo
        echo "== feeds (tools/bench-feeds.sh): requests per second with keep-alive"
        BUILDDIR="${BUILDDIR:-build}" "$here/tools/bench-feeds.sh"
fi
