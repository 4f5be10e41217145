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
if pullout solve --help >/dev/null 2>&1; then
        echo
        echo "\$ pullout solve"
        pullout solve
        echo
        echo "\$ pullout schedule"
        pullout schedule
fi
echo
echo "demo: done (daemon log: $state/pulloutd.log)"
