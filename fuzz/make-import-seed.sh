#!/bin/sh
# make-import-seed.sh: writes a seed for fuzz-import to stdout: the tiny school's files in the
# target's order, separated by NUL bytes.
set -eu
dir=${PULLOUT_SOURCE:-.}/tests/fixtures/tiny-school
first=1
for name in school teachers timetable students services staff availability programs needs calendar; do
        [ "$first" = 1 ] || printf '\0'
        first=0
        cat "$dir/$name.csv"
done
