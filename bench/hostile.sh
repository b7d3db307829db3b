#!/usr/bin/env bash
# Hostile uploads against herobot: 300 slow, never-finished uploads held open while signed
# /hero commands are timed; reports peak RSS. See bench/README.md ("Hostile uploads").
#
# Env overrides: UPLOADS (300), HOLD (12 s), RUNS ("unsigned:1024 forged:1024 forged:500 chunked:1024",
# each a mode and the KiB each upload announces).
set -euo pipefail
shopt -s inherit_errexit

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init hostile
UPLOADS=${UPLOADS:-300}
HOLD=${HOLD:-12}
RUNS=${RUNS:-unsigned:1024 forged:1024 forged:500 chunked:1024}
CEILING_ADDR=127.0.0.1:39100
HEROBOT_ADDR=127.0.0.1:39102
SECRET=bench-secret

echo "== building (release)"
cargo build --release --bin herobot -p herobot
cargo build --release -p herobot-bench --bin ceiling --bin hostile
BIN=$(release_dir)

start_ceiling "$CEILING_ADDR" "$OUT/hostile-ceiling.log"

: >"$OUT/hostile.txt"
for run in $RUNS; do
    mode=${run%%:*}
    kib=${run##*:}
    rm -f "$TMP"/bench.db*
    # The hourly limit stays at its default: the timed nominations are 20.
    start_herobot "$BIN/herobot" "$HEROBOT_ADDR" "$CEILING_ADDR" "$TMP/bench.db" \
        "$OUT/hostile-herobot-$mode.log" HEROBOT_DIGEST_SCHEDULE=off
    wait_up "http://$HEROBOT_ADDR/healthz" "$SERVER_PID" "$OUT/hostile-herobot-$mode.log"
    echo "== $mode, $kib KiB"
    "$BIN/hostile" --addr "$HEROBOT_ADDR" --secret "$SECRET" --pid "$SERVER_PID" \
        --uploads "$UPLOADS" --hold "$HOLD" --mode "$mode" --size $((kib * 1024)) \
        | tee -a "$OUT/hostile.txt"
    started=$(date +%s.%N)
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=
    awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "  SIGTERM       exited after %.1f s\n", e - s }' \
        | tee -a "$OUT/hostile.txt"
done
echo "== written to $OUT/hostile.txt"
