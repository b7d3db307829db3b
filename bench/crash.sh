#!/usr/bin/env bash
# At-least-once, measured: sends a burst of signed /hero nominations, SIGKILLs herobot in the
# middle of it, restarts it, and counts the messages the fake Slack received twice. The fake
# gives every request its own message ts, and herobot records the ts of each delivery it
# completed (several combined messages share one), so requests the fake got beyond the ts herobot
# recorded are deliveries sent again. Also reports
# how long the restarted herobot took to deliver everything left over (claimed rows wait out
# their 60 s lease). Loopback only (ports 39110, 39111); stops by itself.
#
# Env overrides: CONNECTIONS (4), BURST (2s), KILL_AFTER (1).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init crash
CONNECTIONS=${CONNECTIONS:-4}
BURST=${BURST:-2s}
KILL_AFTER=${KILL_AFTER:-1}
SLACK_ADDR=127.0.0.1:39110
HEROBOT_ADDR=127.0.0.1:39111
SECRET=crash-secret

cargo build --release --quiet --bin herobot -p herobot
cargo build --release --quiet -p herobot-bench
BIN=$(release_dir)

start_ceiling "$SLACK_ADDR" /dev/null --log "$TMP/slack.log"

serve() { # on the same database each time
    start_herobot "$BIN/herobot" "$HEROBOT_ADDR" "$SLACK_ADDR" "$TMP/herobot.db" \
        "$TMP/herobot-$1.log" HEROBOT_HOURLY_LIMIT=0
    SERVER=$SERVER_PID
    wait_up "http://$HEROBOT_ADDR/healthz" "$SERVER" "$TMP/herobot-$1.log" 100 0.05
}

serve first
"$BIN/loadgen" --url "http://$HEROBOT_ADDR/slack/commands" --secret "$SECRET" \
    --connections "$CONNECTIONS" --duration "$BURST" --timeout 2s >"$TMP/loadgen.txt" 2>&1 &
LOADGEN=$!
sleep "$KILL_AFTER"
kill -KILL "$SERVER"
wait "$LOADGEN" || true
killed_at=$(date +%s.%N)
serve restarted
started=$(date +%s.%N)
pending() { sqlite3 "$TMP/herobot.db" "select count(*) from outbox where status = 'pending'"; }
for _ in $(seq 6000); do [ "$(pending)" = 0 ] && break; sleep 0.1; done
drained=$(date +%s.%N)
kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true

nominations=$(sqlite3 "$TMP/herobot.db" "select count(*) from nominations")
sent=$(sqlite3 "$TMP/herobot.db" "select count(*) from outbox where status = 'sent' and method = 'chat.postMessage'")
deliveries=$(sqlite3 "$TMP/herobot.db" "select count(distinct response->>'ts') from outbox where status = 'sent' and method = 'chat.postMessage'")
left=$(sqlite3 "$TMP/herobot.db" "select count(*) from outbox where status != 'sent'")
received=$(grep -c '^/chat.postMessage$' "$TMP/slack.log" || true)
duplicates=$((received - deliveries))
{
    echo "crash test: $CONNECTIONS connections for $BURST, SIGKILL after ${KILL_AFTER}s, then a restart"
    echo "  nominations stored      $nominations"
    echo "  messages sent (rows)    $sent, in $deliveries deliveries (roll-ups and combined DMs)"
    echo "  requests Slack received $received"
    echo "  sent twice              $duplicates ($(awk "BEGIN {printf \"%.3f\", 100 * $duplicates / ($deliveries > 0 ? $deliveries : 1)}") % of deliveries)"
    echo "  not sent                $left"
    echo "  restart to all sent     $(awk "BEGIN {printf \"%.1f\", $drained - $started}") s (start took $(awk "BEGIN {printf \"%.2f\", $started - $killed_at}") s)"
} | tee "$OUT/crash.txt"
