#!/bin/sh
# install-deps.sh: installs the Debian packages pullout's build, tests, demo and benchmarks need.
# Idempotent and quick: when every package is present it only asks dpkg and exits.
set -eu

PACKAGES="
build-essential pkg-config
libevent-dev libsqlite3-dev libical-dev libsystemd-dev libjson-c-dev libinih-dev libcsv-dev
libssl-dev check libsubunit-dev coinor-libclp-dev
dbus scdoc sqlite3 systemd
python3 python3-vobject curl
"

# Benchmarks only (`make bench`, tools/install-deps.sh --bench): the load tool and the static
# server the feed benchmark compares against, and CBC, the exact solver tools/bench-mip.sh
# checks the solver against (never part of the product). `make check` never needs them.
if [ "${1:-}" = "--bench" ]; then
        PACKAGES="$PACKAGES wrk nginx-light coinor-cbc"
fi

missing=""
for pkg in $PACKAGES; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
                missing="$missing $pkg"
        fi
done

# Node.js may come from elsewhere (NodeSource); only ask Debian for it when there is none.
if ! command -v npm >/dev/null 2>&1; then
        missing="$missing nodejs npm"
fi

if [ -n "$missing" ]; then
        echo "install-deps: installing:$missing"
        if [ "$(id -u)" -ne 0 ]; then
                SUDO=sudo
        else
                SUDO=
        fi
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update -qq
        # shellcheck disable=SC2086
        $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# ical.js, the second independent iCalendar parser of the feed tests, kept inside the tree.
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$here/tests/node_modules/ical.js/package.json" ]; then
        echo "install-deps: installing ical.js (npm) into tests/node_modules"
        (cd "$here/tests" && npm install --silent --no-audit --no-fund >/dev/null)
fi
