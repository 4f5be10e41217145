#!/bin/sh
# demo.sh: `make demo`: a user-mode pulloutd with a fresh database, the bundled sample school
# imported, solved and shown. Uses the session bus, or a private one when there is none (or
# when a pulloutd already runs there).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/${BUILDDIR:-build}"
state="$build/demo"
rm -rf "$state"
mkdir -p "$state"

pullout() { "$build/pullout" --user "$@"; }

bus_pid=""
daemon_pid=""
cleanup() {
        [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
        [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
        return 0
}
trap cleanup EXIT INT TERM

session_usable() {
        [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || return 1
        command -v busctl >/dev/null || return 1
        busctl --user list >/dev/null 2>&1 || return 1
        ! busctl --user status org.pullout.Scheduler1 >/dev/null 2>&1
}

if ! session_usable; then
        echo "demo: starting a private D-Bus session bus"
        address_file="$state/bus-address"
        dbus-daemon --session --nofork --print-address=3 3>"$address_file" &
        bus_pid=$!
        for _ in $(seq 100); do [ -s "$address_file" ] && break; sleep 0.05; done
        DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$address_file")
        export DBUS_SESSION_BUS_ADDRESS
fi

# The first Monday of the sample term, on a manual clock, so the demo tells the same story
# every time it runs.
"$build/pulloutd" --user --db "$state/pullout.db" --listen 127.0.0.1:8471 \
        --clock=manual --now=2026-09-14T07:30 2>"$state/pulloutd.log" &
daemon_pid=$!
for _ in $(seq 200); do pullout status >/dev/null 2>&1 && break; sleep 0.05; done

echo
echo "\$ pullout import examples/sample-school"
pullout import "$here/examples/sample-school"
echo
echo "\$ pullout status"
pullout status
echo
echo "\$ pullout solve                     # a draft: nobody sees it yet"
pullout solve
echo
echo "\$ pullout schedule diff             # what it would change against the published one"
pullout schedule diff
echo
echo "\$ pullout schedule publish          # the first publication takes effect today"
pullout schedule publish
echo
echo "\$ pullout schedule history"
pullout schedule history
echo
echo "\$ pullout schedule --staff S1"
pullout schedule --staff S1
echo
echo "\$ pullout sessions --staff S1        # Monday morning, 07:30"
pullout sessions --staff S1
first=$(pullout sessions --staff S1 --json | sed -n 's/.*"session_id": *"\([^"]*\)".*/\1/p' | head -n1)
# A session of a group that meets fewer than five times a week: its make-up has days to use.
afternoon=$(pullout schedule --json | python3 -c '
import json, sys
groups = [g["group_id"] for g in json.load(sys.stdin)["groups"] if len(g["meetings"]) < 5]
print(" ".join(groups))' | { read -r groups; pullout sessions --json | python3 -c '
import json, sys
wanted = sys.argv[1].split()
sessions = [s for s in json.load(sys.stdin)["sessions"] if s["group_id"] in wanted and s["start"] >= "12:00"]
print(" ".join(s["session_id"] for s in sessions))' "$groups"; })
echo
echo "\$ pullout clock advance 4h            # the morning passes"
pullout clock advance 4h
echo
echo "\$ pullout log $first --fidelity all --note 'good session'"
pullout log "$first" --fidelity all --note "good session"
echo
# An assembly takes an afternoon session; the first whose group has a free slot left this
# week is made up (a full week is said so, and the next one tried).
for session in $afternoon; do
        echo "\$ pullout cancel $session --reason 'assembly'"
        pullout cancel "$session" --reason "assembly"
        echo
        echo "\$ pullout makeup $session             # free slots the same week"
        pullout makeup "$session"
        echo
        if pullout makeup "$session" --json | python3 -c 'import json, sys; sys.exit(0 if json.load(sys.stdin)["slots"] else 1)'; then
                echo "\$ pullout makeup $session --book 1"
                pullout makeup "$session" --book 1
                break
        fi
done
echo
echo "\$ pullout clock advance 2d            # nobody logs the rest: missed after 24 h"
pullout clock advance 2d
echo
echo "\$ pullout alerts"
pullout alerts | head -n 12
# A homeroom teacher some of whose students leave the room.
teacher=T01
for candidate in $(cut -d, -f1 "$here/examples/sample-school/teachers.csv" | tail -n +2); do
        if pullout schedule --teacher "$candidate" --json | grep -q '"group_id"'; then
                teacher=$candidate
                break
        fi
done
echo
echo "\$ pullout feed create --teacher $teacher    # a private calendar for a classroom teacher"
pullout feed create --teacher "$teacher" | tee "$state/feed.txt"
url=$(grep -o 'http://[^ ]*\.ics' "$state/feed.txt" | head -n1)
if [ -n "$url" ] && command -v curl >/dev/null; then
        echo
        echo "\$ curl -s $url | sed -n '/BEGIN:VEVENT/,/END:VEVENT/p' | grep -E '^(SUMMARY|DTSTART|RRULE)' | head -n 6"
        curl -s "$url" | sed -n '/BEGIN:VEVENT/,/END:VEVENT/p' | grep -E '^(SUMMARY|DTSTART|RRULE)' | head -n 6
fi
echo
echo "demo: done (daemon log: $state/pulloutd.log)"
