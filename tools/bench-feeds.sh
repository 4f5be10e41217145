#!/bin/sh
# bench-feeds.sh: feed requests per second with keep-alive, pulloutd against nginx serving the
# same bytes as a static file, in the same run, on 127.0.0.1 only, each for a bounded time.
# Usage: tools/bench-feeds.sh [SECONDS]   (BUILDDIR selects the build, default build)
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-build}
case $build in /*) ;; *) build=$here/$build ;; esac
duration=${1:-5}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}

for tool in wrk nginx dbus-daemon curl; do
        if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
                echo "bench-feeds: $tool is missing: run tools/install-deps.sh --bench" >&2
                exit 1
        fi
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d "${TMPDIR:-/tmp}/pullout-bench-feeds.XXXXXX")
chmod 755 "$work"
bus_pid= daemon_pid= nginx_pid=
cleanup() {
        [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
        [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
        [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
        wait 2>/dev/null || true
        rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Two free ports from the kernel.
free_port() {
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
daemon_port=$(free_port)
nginx_port=$(free_port)

# A private bus, so nothing touches the machine's own.
dbus-daemon --session --fork --address="unix:path=$work/bus" --print-pid=3 3>"$work/bus.pid" >/dev/null 2>&1 </dev/null
bus_pid=$(cat "$work/bus.pid")
export DBUS_SESSION_BUS_ADDRESS="unix:path=$work/bus"
export XDG_STATE_HOME="$work" XDG_CONFIG_HOME="$work"

"$build/pulloutd" --user --db "$work/pullout.db" --listen "127.0.0.1:$daemon_port" \
        --set http.max_connections=1024 >"$work/pulloutd.log" 2>&1 </dev/null &
daemon_pid=$!
for _ in $(seq 50); do
        "$build/pullout" --user status >/dev/null 2>&1 && break
        sleep 0.1
done
"$build/pullout" --user import "$here/examples/sample-school" >/dev/null
"$build/pullout" --user solve --publish --time-limit 2 --seed 1 >/dev/null
teacher=$(sed -n 2p "$here/examples/sample-school/teachers.csv" | cut -d, -f1)
url=$("$build/pullout" --user feed create --teacher "$teacher" --privacy full --json |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["url"])')
mkdir "$work/www"
curl -sf "$url" >"$work/www/feed.ics"
chmod 644 "$work/www/feed.ics"
bytes=$(wc -c <"$work/www/feed.ics")

# nginx with one worker (pulloutd serves from one loop), keep-alive, no logging.
{
        [ "$(id -u)" -eq 0 ] && echo "user root;"
        cat <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
        access_log off;
        keepalive_requests 1000000;
        types { text/calendar ics; }
        client_body_temp_path $work/nginx-body;
        proxy_temp_path $work/nginx-proxy;
        fastcgi_temp_path $work/nginx-fastcgi;
        uwsgi_temp_path $work/nginx-uwsgi;
        scgi_temp_path $work/nginx-scgi;
        server {
                listen 127.0.0.1:$nginx_port;
                root $work/www;
                etag on;
        }
}
NGINX
} >"$work/nginx.conf"
"$NGINX" -c "$work/nginx.conf" -p "$work" >/dev/null 2>&1 &
nginx_pid=$!
for _ in $(seq 50); do
        curl -sf "http://127.0.0.1:$nginx_port/feed.ics" >/dev/null 2>&1 && break
        sleep 0.1
done

measure() {
        wrk -t"$threads" -c"$connections" -d"${duration}s" "$1" 2>&1 | awk '/Requests\/sec:/ { print $2 }'
}
# Warm both, then measure each once.
wrk -t1 -c4 -d1s "$url" >/dev/null 2>&1
wrk -t1 -c4 -d1s "http://127.0.0.1:$nginx_port/feed.ics" >/dev/null 2>&1
pulloutd_rps=$(measure "$url")
nginx_rps=$(measure "http://127.0.0.1:$nginx_port/feed.ics")
ratio=$(awk -v a="$pulloutd_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')

printf '\nfeed throughput: %s bytes, keep-alive, wrk -t%s -c%s -d%ss on 127.0.0.1, %s CPUs\n' \
        "$bytes" "$threads" "$connections" "$duration" "$(nproc)"
printf '%-32s %14s\n' "server" "requests/s"
printf '%-32s %14s\n' "pulloutd (bufferevents, 1 loop)" "$pulloutd_rps"
printf '%-32s %14s\n' "nginx (1 worker, static)" "$nginx_rps"
printf '%-32s %14s\n' "ratio pulloutd / nginx" "$ratio"
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.5) }' && echo "target (>= 0.50 of nginx): met" ||
        echo "target (>= 0.50 of nginx): NOT met"
