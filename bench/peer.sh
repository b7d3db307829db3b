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

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

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
OUT=$ROOT/bench/out
VENV=$OUT/peer-venv

die() { echo "peer: $*" >&2; exit 1; }

for cmd in cargo curl sqlite3 python3; do
    command -v "$cmd" >/dev/null || die "'$cmd' is required"
done
port_in_use() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }
for addr in "$CEILING_ADDR" "$PEER_ADDR" "$HEROBOT_ADDR"; do
    if port_in_use "$addr"; then die "$addr is already in use; stop whatever listens there"; fi
done

mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/herobot-peer.XXXXXX")
PIDS=()
stop() { # pid
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do stop "$pid"; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== the peer's packages in $VENV"
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r bench/peer/requirements.txt

echo "== building (release)"
cargo build --release --bin herobot -p herobot
cargo build --release -p herobot-bench --bin ceiling --bin loadgen
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps \
    | grep -o '"target_directory":"[^"]*"' | head -n1 | cut -d'"' -f4)
BIN=${TARGET_DIR:-$ROOT/target}/release

"$BIN/ceiling" --listen "$CEILING_ADDR" >"$OUT/peer-ceiling.log" 2>&1 &
PIDS+=($!)

wait_up() { # url pid log
    for _ in $(seq 300); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    tail -n 20 "$3" >&2
    die "$1 did not come up"
}
wait_up "http://$CEILING_ADDR/" "${PIDS[0]}" "$OUT/peer-ceiling.log"

json_field() { grep -o "\"$1\":[^,}]*" | head -n1 | cut -d: -f2 | tr -d '"'; }

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
PIDS+=("$PEER_PID")
wait_up "http://$PEER_ADDR/healthz" "$PEER_PID" "$OUT/peer-gunicorn.log"
measure peer "http://$PEER_ADDR/slack/commands"
stop "$PEER_PID"

echo "== herobot on $HEROBOT_ADDR"
env DATABASE_URL="sqlite://$TMP/herobot.db" HEROBOT_LISTEN="$HEROBOT_ADDR" \
    SLACK_SIGNING_SECRET="$SECRET" SLACK_BOT_TOKEN=xoxb-bench \
    SLACK_API_URL="http://$CEILING_ADDR" HEROBOT_HEROES_CHANNEL=C0HEROES \
    HEROBOT_HOURLY_LIMIT=0 RUST_LOG=warn \
    "$BIN/herobot" serve >"$OUT/peer-herobot.log" 2>&1 &
HEROBOT_PID=$!
PIDS+=("$HEROBOT_PID")
wait_up "http://$HEROBOT_ADDR/healthz" "$HEROBOT_PID" "$OUT/peer-herobot.log"
measure herobot "http://$HEROBOT_ADDR/slack/commands"
stop "$HEROBOT_PID"

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
