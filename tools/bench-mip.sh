#!/bin/sh
# bench-mip.sh: the solver against an exact integer program on the same generated schools.
# For each size, bench-mip-export writes the school's exact model (LP format) and CBC solves it
# for CBC_SECONDS of wall-clock time; bench-solve-one runs the product solver on the same
# school with the daemon's defaults.
# Prints one markdown row per school; docs/benchmarks.md records a run.
# Usage: tools/bench-mip.sh [SIZES...]   (default: 30 50 100; seed SEED, default 1)
# Environment: CBC_SECONDS (600), SEED (1), KIND (overloaded), TIME_LIMIT (product; default its own),
# JOBS (CBC runs at once, 1), MIPDIR (where models, logs and solutions go; a temporary directory).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/${BUILDDIR:-build}"
seed=${SEED:-1}
kind=${KIND:-overloaded}
secs=${CBC_SECONDS:-600}
jobs=${JOBS:-1}
[ $# -gt 0 ] || set -- 30 50 100
command -v cbc >/dev/null || { echo "bench-mip.sh: cbc not found (Debian: coinor-cbc)" >&2; exit 1; }
b=${BUILDDIR:-build}
make -C "$here" -s BUILDDIR="$b" "$b/bench-mip-export" "$b/bench-solve-one"
dir=${MIPDIR:-$(mktemp -d "${TMPDIR:-/tmp}/bench-mip.XXXXXX")}
mkdir -p "$dir"
echo "bench-mip: models, CBC logs and solutions in $dir" >&2

# The product first, one at a time, while the CPUs are otherwise idle.
for n in "$@"; do
        "$build/bench-solve-one" "$n" "$seed" "$kind" ${TIME_LIMIT:+"$TIME_LIMIT"} >"$dir/$n.product"
done

# CBC, JOBS runs at a time (each is single-threaded).
running=0
for n in "$@"; do
        "$build/bench-mip-export" "$n" "$seed" "$kind" "$dir/$n.lp" 2>"$dir/$n.size"
        cbc "$dir/$n.lp" -timeMode elapsed -sec "$secs" -solve -solu "$dir/$n.sol" >"$dir/$n.log" 2>&1 &
        running=$((running + 1))
        if [ "$running" -ge "$jobs" ]; then
                wait
                running=0
        fi
done
wait

# CBC's summary: "Result - Optimal solution found" or "... Stopped on time limit"; the best
# integer ("Objective value") and, when stopped, the best bound (for a maximisation CBC prints
# it as "Upper bound"; rounded down, as the objective counts needs).
field() { sed -n "s/^$1:[[:space:]]*//p" "$2" | head -n 1; }
echo "| students | needs | CBC best integer | CBC best bound | CBC status | CBC seconds | pulloutd placed | pulloutd upper bound | pulloutd seconds (to final count) | pulloutd against CBC |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in "$@"; do
        # shellcheck disable=SC2046 # the product's line is words: name value name value ...
        set -- $(cat "$dir/$n.product")
        needs=$2 placed=$4 bound=$6 total=${10} final=${12}
        log="$dir/$n.log"
        status=$(sed -n 's/^Result - //p' "$log" | head -n 1)
        best=$(field "Objective value" "$log")
        lower=$(field "Upper bound" "$log")
        [ -z "$lower" ] || lower=$(awk -v b="$lower" 'BEGIN { printf "%d", b + 1e-6 }')
        [ -z "$best" ] || best=$(awk -v b="$best" 'BEGIN { printf "%d", b + 0.5 }')
        wall=$(field "Time (Wallclock seconds)" "$log")
        # Stopped before any integer solution: its solution file holds the LP's, not a schedule.
        if grep -q "^No feasible solution found" "$log"; then best=none; fi
        case $status in
        Optimal*) lower=$best status=optimal ;;
        "") status="no result (see $log)" ;;
        esac
        # Placed needs in CBC's solution, counted from its y variables (a check on the summary).
        ys=none
        [ "$best" = none ] || ys=$(awk '$2 ~ /^y[0-9]+$/ && $3 > 0.5 { k++ } END { print k + 0 }' "$dir/$n.sol" 2>/dev/null || echo "?")
        # More placed than CBC's bound: the exporter's model is wrong (it forbids a valid schedule).
        if [ -n "$lower" ] && [ "$placed" -gt "$lower" ]; then verdict="MODEL WRONG: placed above CBC's bound"
        elif [ "$best" = none ]; then verdict="CBC found no schedule"
        elif [ -z "$best" ]; then verdict='?'
        elif [ "$placed" -lt "$best" ]; then verdict="$((best - placed)) fewer"
        elif [ "$placed" -gt "$best" ]; then verdict="$((placed - best)) more"
        else verdict=same
        fi
        printf '| %s %s | %s | %s (%s y=1) | %s | %s | %s | %s | %s | %s (%s) | %s |\n' "$n" "$kind" "$needs" \
                "${best:-?}" "$ys" "${lower:-?}" "$status" "${wall:-?}" "$placed" "$bound" "$total" "$final" "$verdict"
done
