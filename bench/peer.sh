#!/usr/bin/env bash
# herobot against its peer, Bolt for Python (slack-bolt + Flask under gunicorn, bench/peer/):
# the same signed /hero nominations from the same load generator as bench/run.sh, first to the
# peer, then to herobot, each on a fresh database of herobot's schema with `ceiling` as the fake
# Slack; then both throughputs and their ratio, and a check that every nomination either one
# acknowledged is stored. See bench/README.md.
#
# Env overrides: CONNECTIONS (64), DURATION (10s), WARMUP (2s), PEER_WORKERS (cores + 1),
# PEER_WORKER_CLASS (gthread: threads, and keep-alive, which sync workers lack), PEER_THREADS (8).
# The ports are below Linux's ephemeral range, so the load's own connections never hold one.
set -euo pipefail
shopt -s inherit_errexit

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init peer

CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
PEER_WORKERS=${PEER_WORKERS:-$(($(nproc) + 1))}
PEER_WORKER_CLASS=${PEER_WORKER_CLASS:-gthread}
PEER_THREADS=${PEER_THREADS:-8}
CEILING_ADDR=127.0.0.1:29140
PEER_ADDR=127.0.0.1:29141
HEROBOT_ADDR=127.0.0.1:29142
SECRET=bench-secret
VENV=$OUT/peer-venv

require cargo curl sqlite3 python3
ports_free "$CEILING_ADDR" "$PEER_ADDR" "$HEROBOT_ADDR"

echo "== the peer's packages in $VENV"
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r bench/peer/requirements.txt

echo "== building (release)"
cargo build --release --bin herobot -p herobot
cargo build --release -p herobot-bench --bin ceiling --bin loadgen
BIN=$(release_dir)

start_ceiling "$CEILING_ADDR" "$OUT/peer-ceiling.log"

# missing DB ACKED: acknowledged trigger ids without their request key in the database.
missing() {
    sqlite3 -bail "$1" <<SQL
create temp table acked(id text);
.import '$2' acked
create temp table stored as
  select substr(key, length('command:') + instr(substr(key, length('command:') + 1), ':') + 1) as id
  from slack_requests where key like 'command:%';
create index temp.stored_id on stored(id);
select count(*) from acked a where not exists (select 1 from stored s where s.id = a.id);
SQL
}

# measure NAME URL: the load, its report and the load average after it.
measure() {
    local name=$1 url=$2
    "$BIN/loadgen" --url "$url" --secret "$SECRET" --connections "$CONNECTIONS" \
        --duration "$DURATION" --warmup "$WARMUP" --acked-file "$TMP/$name-acked.txt" \
        >"$OUT/peer-$name-loadgen.txt"
    grep -v '^RESULT ' "$OUT/peer-$name-loadgen.txt" >&2
    grep '^RESULT ' "$OUT/peer-$name-loadgen.txt" | tail -n1 | cut -d' ' -f2- >"$TMP/$name.json"
    cut -d' ' -f1-3 /proc/loadavg >"$TMP/$name.load"
}

echo "== the peer: gunicorn, $PEER_WORKERS $PEER_WORKER_CLASS workers x $PEER_THREADS threads, on $PEER_ADDR"
DATABASE_URL="sqlite://$TMP/peer.db" "$BIN/herobot" migrate >/dev/null
(
    cd bench/peer
    exec env SLACK_SIGNING_SECRET="$SECRET" SLACK_BOT_TOKEN=xoxb-bench \
        SLACK_API_URL="http://$CEILING_ADDR" PEER_DB="$TMP/peer.db" HEROBOT_HEROES_CHANNEL=C0HEROES \
        "$VENV/bin/gunicorn" --workers "$PEER_WORKERS" --worker-class "$PEER_WORKER_CLASS" \
        --threads "$PEER_THREADS" --bind "$PEER_ADDR" --log-level warning app:flask_app
) >"$OUT/peer-gunicorn.log" 2>&1 &
PEER_PID=$!
BENCH_PIDS+=("$PEER_PID")
wait_up "http://$PEER_ADDR/healthz" "$PEER_PID" "$OUT/peer-gunicorn.log"
measure peer "http://$PEER_ADDR/slack/commands"
stop "$PEER_PID"

echo "== herobot on $HEROBOT_ADDR"
start_herobot "$BIN/herobot" "$HEROBOT_ADDR" "$CEILING_ADDR" "$TMP/herobot.db" \
    "$OUT/peer-herobot.log" HEROBOT_HOURLY_LIMIT=0
wait_up "http://$HEROBOT_ADDR/healthz" "$SERVER_PID" "$OUT/peer-herobot.log"
measure herobot "http://$HEROBOT_ADDR/slack/commands"
stop "$SERVER_PID"

status=0
declare -A ACKED LOST
for name in peer herobot; do
    ACKED[$name]=$(grep -c . "$TMP/$name-acked.txt" || true)
    LOST[$name]=$(missing "$TMP/$name.db" "$TMP/$name-acked.txt")
    if [[ "${ACKED[$name]}" -eq 0 || "${LOST[$name]}" -ne 0 ]]; then
        echo "peer: FAIL: $name acknowledged ${ACKED[$name]}, ${LOST[$name]} of them not stored" >&2
        status=1
    fi
done
row() { printf '%-30s %14s %14s\n' "$@"; }
SUMMARY=$(
    echo "herobot vs Bolt for Python  $(date -u +%Y-%m-%dT%H:%M:%SZ)  rev $(git rev-parse --short HEAD 2>/dev/null || echo none)"
    echo "connections=$CONNECTIONS warmup=$WARMUP duration=$DURATION cores=$(nproc)  peer: gunicorn $PEER_WORKERS $PEER_WORKER_CLASS workers x $PEER_THREADS threads"
    echo
    row "" "Bolt (peer)" herobot
    for f in ok_rps p50_ms p99_ms max_ms non_2xx errors; do
        row "$f" "$(json_field "$f" <"$TMP/peer.json")" "$(json_field "$f" <"$TMP/herobot.json")"
    done
    for name in peer herobot; do
        printf '%s: acknowledged %s (warm-up included), missing %s, load average %s\n' \
            "$name" "${ACKED[$name]}" "${LOST[$name]}" "$(cat "$TMP/$name.load")"
    done
    awk -v h="$(json_field ok_rps <"$TMP/herobot.json")" -v p="$(json_field ok_rps <"$TMP/peer.json")" \
        'BEGIN { if (p > 0) printf "herobot / peer: %.1fx\n", h / p }'
)
echo
echo "$SUMMARY" | tee "$OUT/peer.txt"
exit "$status"
