#!/usr/bin/env bash
# The same load on three setups, one after another in one run, in one table: SQLite (one
# process), PostgreSQL with one replica, PostgreSQL with two replicas (the load generator sends
# request n to replica n mod 2). For each: requests per second and latency at CONNECTIONS
# connections, the acknowledged nominations checked against the stored ones, and CPU per
# acknowledged nomination in herobot (the replicas' user+system time from /proc) and in
# PostgreSQL (the server processes serving the bench's database, from /proc; and the whole
# server, which also counts whatever else it serves meanwhile). `ceiling` stands in for Slack.
# Each PostgreSQL setup gets a fresh database, dropped afterwards. Loopback only (39150-39153).
# See bench/README.md.
#
# Env overrides: CONNECTIONS (64), DURATION (10s), WARMUP (2s), PG_URL (the server), BIN (built
# release binaries; default: build them), SETUPS ("sqlite pg1 pg2").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init setups
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
SETUPS=${SETUPS:-sqlite pg1 pg2}
SLACK_ADDR=127.0.0.1:39150
PORTS=(39151 39152)
SECRET=bench-secret
require curl psql sqlite3
ports_free "$SLACK_ADDR" 127.0.0.1:39151 127.0.0.1:39152
if [[ -z "${BIN:-}" ]]; then
    cargo build --release --quiet -p herobot -p herobot-bench
    BIN=$(release_dir)
fi
TICK=$(getconf CLK_TCK)
start_ceiling "$SLACK_ADDR" /dev/null

# measure NAME LABEL REPLICAS DATABASE_URL: starts the replicas, sends the load, prints one row.
measure() {
    local name=$1 label=$2 replicas=$3 url=$4 i pids=() urls=() h0=0 h1=0 s0 s1 pgdb=
    if [[ $url == postgres* ]]; then
        pgdb=${url##*/}
        env DATABASE_URL="$url" SLACK_SIGNING_SECRET="$SECRET" SLACK_BOT_TOKEN=xoxb-bench \
            "$BIN/herobot" migrate >"$TMP/$name-migrate.log" 2>&1 || die "$name: migrate failed"
    fi
    for ((i = 0; i < replicas; i++)); do
        start_herobot "$BIN/herobot" "127.0.0.1:${PORTS[i]}" "$SLACK_ADDR" unused \
            "$OUT/setups-$name-$i.log" DATABASE_URL="$url" HEROBOT_HOURLY_LIMIT=0
        pids+=("$SERVER_PID")
        urls+=(--url "http://127.0.0.1:${PORTS[i]}/slack/commands")
    done
    for ((i = 0; i < replicas; i++)); do
        wait_up "http://127.0.0.1:${PORTS[i]}/healthz" "${pids[i]}" "$OUT/setups-$name-$i.log"
    done
    for i in "${pids[@]}"; do h0=$((h0 + $(cpu_ticks "$i"))); done
    if [[ -n $pgdb ]]; then pg_backend_snapshot "$pgdb" >"$TMP/$name-pg0"; fi
    s0=$(pg_server_ticks)
    "$BIN/loadgen" "${urls[@]}" --secret "$SECRET" --connections "$CONNECTIONS" \
        --duration "$DURATION" --warmup "$WARMUP" --acked-file "$TMP/$name-acked.txt" \
        >"$OUT/setups-$name-loadgen.txt"
    sleep 1 # the outbox finishes the last posts
    for i in "${pids[@]}"; do h1=$((h1 + $(cpu_ticks "$i"))); done
    if [[ -n $pgdb ]]; then pg_backend_snapshot "$pgdb" >"$TMP/$name-pg1"; fi
    s1=$(pg_server_ticks)
    local rss=0
    for i in "${pids[@]}"; do
        rss=$(awk -v r="$rss" '/^VmHWM:/ {printf "%.0f", r + $2 / 1024}' "/proc/$i/status")
    done
    for i in "${pids[@]}"; do stop "$i"; done
    local stored acked result pg=n/a
    if [[ -n $pgdb ]]; then
        stored=$(pg_q "$url" "select count(*) from nominations")
        pg=$(pg_backend_delta "$TMP/$name-pg0" "$TMP/$name-pg1")
    else
        stored=$(sqlite3 "${url#sqlite://}" "select count(*) from nominations")
    fi
    acked=$(grep -c . "$TMP/$name-acked.txt" || true)
    result=$(grep '^RESULT ' "$OUT/setups-$name-loadgen.txt" | cut -d' ' -f2-)
    awk -v n="$label" -v rps="$(json_field ok_rps <<<"$result")" \
        -v p50="$(json_field p50_ms <<<"$result")" -v p99="$(json_field p99_ms <<<"$result")" \
        -v bad="$(json_field non_2xx <<<"$result")/$(json_field errors <<<"$result")" \
        -v a="$acked" -v s="$stored" -v h=$((h1 - h0)) -v pg="$pg" -v srv=$((s1 - s0)) \
        -v hz="$TICK" -v rss="$rss" 'BEGIN {
            us = 1e6 / hz / (a > 0 ? a : 1)
            printf "%-22s %8.0f %8.1f %8.1f %9s %7d %7d %9.0f %9s %9.0f %8d\n", n, rps, p50, p99,
                bad, a, s, h * us, (pg == "n/a" ? pg : sprintf("%.0f", pg * us)), srv * us, rss
        }' | tee -a "$OUT/setups.txt"
}

{
    echo "setups  $(date -u +%Y-%m-%dT%H:%M:%SZ)  rev $(git rev-parse --short HEAD 2>/dev/null || echo none)  load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "connections=$CONNECTIONS warmup=$WARMUP duration=$DURATION cores=$(nproc); loadgen, ceiling, herobot and PostgreSQL share the machine"
    echo "CPU in µs per acknowledged nomination (warm-up included); PG db: the server processes serving the bench's database; PG all: every server process (other databases' work included)"
    printf "%-22s %8s %8s %8s %9s %7s %7s %9s %9s %9s %8s\n" setup "2xx/s" p50_ms p99_ms \
        "non2xx/err" acked stored herobot "PG db" "PG all" "RSS MiB"
} | tee "$OUT/setups.txt"
for setup in $SETUPS; do
    case $setup in
        sqlite) measure sqlite "SQLite, 1 process" 1 "sqlite://$TMP/sqlite.db" ;;
        pg1) pg_create setups1; measure pg1 "PostgreSQL, 1 replica" 1 "$PG_DB_URL" ;;
        pg2) pg_create setups2; measure pg2 "PostgreSQL, 2 replicas" 2 "$PG_DB_URL" ;;
        *) die "unknown setup $setup (sqlite, pg1, pg2)" ;;
    esac
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/setups.txt"
echo "errors in herobot's logs, by kind:"
log_errors "$OUT"/setups-*-?.log | sort | uniq -c | sort -rn | head -n 5
