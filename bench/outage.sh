#!/usr/bin/env bash
# Recovering from a Slack outage, measured: the fake Slack answers 503 to everything for
# OUTAGE seconds (default 600) while signed nominations arrive at its start and half-way; then
# it recovers, and this reports how long herobot took to deliver everything after that, and
# whether anything was given up. Loopback only (ports 39120, 39121); stops by itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init outage
OUTAGE=${OUTAGE:-600}
SLACK_ADDR=127.0.0.1:39120
HEROBOT_ADDR=127.0.0.1:39121
SECRET=outage-secret

cargo build --release --quiet --bin herobot -p herobot
cargo build --release --quiet -p herobot-bench
BIN=$(release_dir)

start_ceiling "$SLACK_ADDR" /dev/null --fail-for "$OUTAGE"
down_until=$(( $(date +%s) + OUTAGE ))
start_herobot "$BIN/herobot" "$HEROBOT_ADDR" "$SLACK_ADDR" "$TMP/herobot.db" "$TMP/herobot.log" \
    HEROBOT_HOURLY_LIMIT=0
wait_up "http://$HEROBOT_ADDR/healthz" "$SERVER_PID" "$TMP/herobot.log" 100 0.05

burst() {
    "$BIN/loadgen" --url "http://$HEROBOT_ADDR/slack/commands" --secret "$SECRET" \
        --connections 1 --duration 1s >/dev/null 2>&1 || true
}
burst
sleep $((OUTAGE / 2))
burst
while [ "$(date +%s)" -lt "$down_until" ]; do sleep 1; done
pending() { sqlite3 "$TMP/herobot.db" "select count(*) from outbox where status = 'pending'"; }
for _ in $(seq 12000); do [ "$(pending)" = 0 ] && break; sleep 0.1; done
drained=$(date +%s.%N)
nominations=$(sqlite3 "$TMP/herobot.db" "select count(*) from nominations")
sent=$(sqlite3 "$TMP/herobot.db" "select count(*) from outbox where status = 'sent'")
failed=$(sqlite3 "$TMP/herobot.db" "select count(*) from outbox where status = 'failed'")
{
    echo "outage test: Slack down for ${OUTAGE}s, nominations at its start and half-way"
    echo "  nominations stored      $nominations"
    echo "  messages sent / failed  $sent / $failed"
    echo "  outage end to all sent  $(awk "BEGIN {printf \"%.1f\", $drained - $down_until}") s"
} | tee "$OUT/outage.txt"
