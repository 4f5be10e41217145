#!/bin/sh
# check-layers.sh: the floor plan of pulloutd, checked from the symbols of its objects (nm).
#   - sqlite3_* is called only from daemon/store/ (every SQL statement lives there);
#   - sd_bus_* only from main.o and daemon/bus*.o (the service layer knows no D-Bus);
#   - no circle of calls between modules: each folder of the core is one module (model,
#     import, solver, store, progress, ical), daemon/bus*.c are one (bus), each file of
#     daemon/service/ and each other file of daemon/ is its own.
# Usage: check-layers.sh BUILDDIR OBJECT... (the objects of pulloutd). Exit 1 with every
# breach named, the symbol that makes it, and the object it is in.
set -eu

if [ $# -lt 2 ]; then
        echo "usage: check-layers.sh BUILDDIR OBJECT..." >&2
        exit 2
fi
builddir=${1%/}
shift

nm -P -A "$@" | awk -v builddir="$builddir/" '
function fail(message) { print "check-layers: " message > "/dev/stderr"; failed = 1 }
# The module of an object, from its path under the build folder.
function module_of(object, parts, n) {
        n = split(object, parts, "/")
        if (parts[1] == "daemon" && n == 2)
                return parts[2] ~ /^bus/ ? "bus" : substr(parts[2], 1, length(parts[2]) - 2)
        if (parts[1] == "daemon" && parts[2] == "service")
                return "service/" substr(parts[n], 1, length(parts[n]) - 2)
        if (parts[1] == "daemon")
                return parts[2]
        return parts[1]
}
{
        object = substr($1, 1, length($1) - 1) # "build/daemon/x.o:"
        if (index(object, builddir) == 1)
                object = substr(object, length(builddir) + 1)
        module = module_of(object)
        if ($3 == "U")
                uses[++n_uses] = object " " module " " $2
        else if ($3 ~ /^[TDBRCGSVW]$/)
                owner[$2] = module
}
END {
        for (i = 1; i <= n_uses; i++) {
                split(uses[i], f, " ")
                object = f[1]; module = f[2]; symbol = f[3]
                if (symbol ~ /^sqlite3_/ && module != "store")
                        fail(object " calls " symbol ": SQL belongs in daemon/store/")
                if (symbol ~ /^sd_bus_/ && module != "bus" && module != "main")
                        fail(object " calls " symbol ": D-Bus belongs in daemon/bus*.c and main.c")
                if (!(symbol in owner) || owner[symbol] == module)
                        continue
                edge = module SUBSEP owner[symbol]
                if (!(edge in why))
                        why[edge] = object " calls " symbol
                reach[edge] = 1
                nodes[module] = 1
                nodes[owner[symbol]] = 1
        }
        for (k in nodes)
                for (a in nodes)
                        if ((a, k) in reach)
                                for (b in nodes)
                                        if ((k, b) in reach)
                                                reach[a, b] = 1
        for (a in nodes) {
                if (!((a, a) in reach))
                        continue
                members = ""
                for (b in nodes)
                        if ((a, b) in reach && (b, a) in reach)
                                members = members " " b
                if (members in reported)
                        continue
                reported[members] = 1
                detail = ""
                for (edge in why) {
                        split(edge, e, SUBSEP)
                        if (((a, e[1]) in reach && (e[1], a) in reach) && ((a, e[2]) in reach && (e[2], a) in reach))
                                detail = detail "\n    " e[1] " -> " e[2] " (" why[edge] ")"
                }
                fail("a circle of calls between" members ":" detail)
        }
        exit failed
}'
