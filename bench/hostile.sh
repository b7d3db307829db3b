#!/usr/bin/env bash
# Hostile uploads against herobot: 300 slow, never-finished uploads held open while signed
# /hero commands are timed; reports peak RSS. See bench/README.md ("Hostile uploads").
#
# Env overrides: UPLOADS (300), HOLD (12 s), RUNS ("unsigned:1024 forged:1024 forged:500 chunked:1024",
# each a mode and the KiB each upload announces).
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
UPLOADS=${UPLOADS:-300}
HOLD=${HOLD:-12}
RUNS=${RUNS:-unsigned:1024 forged:1024 forged:500 chunked:1024}
CEILING_ADDR=127.0.0.1:39100
HEROBOT_ADDR=127.0.0.1:39102
SECRET=bench-secret
OUT=$ROOT/bench/out

die() { echo "hostile: $*" >&2; exit 1; }
mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/herobot-hostile.XXXXXX")
CEILING_PID=
SERVER_PID=
cleanup() {
    for pid in "$SERVER_PID" "$CEILING_PID"; do
        [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

echo "== building (release)"
cargo build --release --bin herobot -p herobot
cargo build --release -p herobot-bench --bin ceiling --bin hostile
BIN=$ROOT/target/release

"$BIN/ceiling" --listen "$CEILING_ADDR" >"$OUT/hostile-ceiling.log" 2>&1 &
CEILING_PID=$!

: >"$OUT/hostile.txt"
for run in $RUNS; do
    mode=${run%%:*}
    kib=${run##*:}
    rm -f "$TMP"/bench.db*
    env DATABASE_URL="sqlite://$TMP/bench.db" HEROBOT_LISTEN="$HEROBOT_ADDR" \
        SLACK_SIGNING_SECRET="$SECRET" SLACK_BOT_TOKEN=xoxb-bench \
        SLACK_API_URL="http://$CEILING_ADDR" HEROBOT_HEROES_CHANNEL=C0HEROES \
        HEROBOT_DIGEST_SCHEDULE=off RUST_LOG=warn \
        "$BIN/herobot" serve >"$OUT/hostile-herobot-$mode.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 300); do
        curl -fsS -o /dev/null "http://$HEROBOT_ADDR/healthz" 2>/dev/null && break
        kill -0 "$SERVER_PID" 2>/dev/null || die "herobot exited (see $OUT/hostile-herobot-$mode.log)"
        sleep 0.1
    done
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
