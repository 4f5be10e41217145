#!/bin/sh
# bench.sh: `make bench`: every benchmark, printed as tables. Each part is its own script.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
"$here/install-deps.sh" --bench
"$here/bench-feeds.sh" "${BENCH_SECONDS:-5}"
