#!/usr/bin/env bash
# CPU per stored nomination, side by side: two herobot builds (BEFORE and AFTER, paths to their
# release binaries) serve at once, each with its own database and its own load generator sending
# the same load, while `ceiling` stands in for Slack. Each server's user and system time over the
# nominations it stored is its CPU per nomination; both run under the same load on the same
# cores, so the comparison holds however busy the machine is. See bench/README.md.
#
#   bench/cpu.sh /path/to/before/herobot /path/to/after/herobot
#
# Env overrides: CONNECTIONS (32 per server), DURATION (10s), WARMUP (2s), BIN (target/release),
# SERVER_RUST_LOG (warn; `info` is what operators run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init cpu
BEFORE=${1:?the before build\'s herobot binary}
AFTER=${2:?the after build\'s herobot binary}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
BIN=${BIN:-target/release}  # where loadgen and ceiling are
SECRET=bench-secret

start_ceiling 127.0.0.1:39110 "$TMP/ceiling.log"
start_herobot "$BEFORE" 127.0.0.1:39111 127.0.0.1:39110 "$TMP/before.db" "$TMP/before.log" \
    HEROBOT_HOURLY_LIMIT=0
B_PID=$SERVER_PID
start_herobot "$AFTER" 127.0.0.1:39112 127.0.0.1:39110 "$TMP/after.db" "$TMP/after.log" \
    HEROBOT_HOURLY_LIMIT=0
A_PID=$SERVER_PID
wait_up http://127.0.0.1:39111/healthz "$B_PID" "$TMP/before.log"
wait_up http://127.0.0.1:39112/healthz "$A_PID" "$TMP/after.log"
B0=$(cpu_ticks "$B_PID"); A0=$(cpu_ticks "$A_PID")
LOADS=()
for port in 39111 39112; do
    "$BIN/loadgen" --url "http://127.0.0.1:$port/slack/commands" --secret "$SECRET" \
        --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" >"$TMP/load-$port.txt" &
    LOADS+=($!)
done
wait "${LOADS[@]}"
sleep 1 # the outbox finishes the last posts
B1=$(cpu_ticks "$B_PID"); A1=$(cpu_ticks "$A_PID")
TICK=$(getconf CLK_TCK)
report() { # name pid ticks port
    local stored rss
    stored=$(sqlite3 "$TMP/$1.db" "select count(*) from nominations")
    rss=$(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$2/status")
    awk -v n="$1" -v t="$3" -v hz="$TICK" -v s="$stored" -v r="$rss" \
        'BEGIN { printf "%s: %d nominations stored, %.2f s of CPU, %.1f µs per nomination, peak RSS %s MiB\n", n, s, t / hz, t / hz * 1e6 / s, r }'
    grep '^RESULT' "$TMP/load-$4.txt" | sed "s/^/  $1 /" || true
}
report before "$B_PID" $((B1 - B0)) 39111
report after "$A_PID" $((A1 - A0)) 39112
