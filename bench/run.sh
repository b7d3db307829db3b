#!/usr/bin/env bash
# Benchmarks herobot's /slack/commands against a bare axum "ceiling" server on loopback,
# then checks that every acknowledged slash command was stored. See bench/README.md.
#
# Env overrides: CONNECTIONS (64), DURATION (10s), WARMUP (2s).
set -euo pipefail
shopt -s inherit_errexit

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init bench

CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CEILING_ADDR=127.0.0.1:39100
HEROBOT_ADDR=127.0.0.1:39101
SECRET=bench-secret

require cargo curl sqlite3
ports_free "$CEILING_ADDR" "$HEROBOT_ADDR"

echo "== building (release)"
cargo build --release --bin herobot -p herobot
cargo build --release -p herobot-bench
BIN=$(release_dir)
for b in herobot ceiling loadgen; do [[ -x "$BIN/$b" ]] || die "missing $BIN/$b"; done

# run_loadgen NAME URL [extra args...]: runs loadgen, keeps its report, prints the RESULT json.
run_loadgen() {
    local name=$1 url=$2
    shift 2
    "$BIN/loadgen" --url "$url" --secret "$SECRET" --connections "$CONNECTIONS" \
        --duration "$DURATION" --warmup "$WARMUP" "$@" >"$OUT/$name-loadgen.txt"
    grep -v '^RESULT ' "$OUT/$name-loadgen.txt" >&2
    grep '^RESULT ' "$OUT/$name-loadgen.txt" | tail -n1 | cut -d' ' -f2-
}

echo "== ceiling: bare axum on $CEILING_ADDR (also the fake Slack Web API)"
start_ceiling "$CEILING_ADDR" "$OUT/ceiling.log"
curl -fsS -o /dev/null -X POST "http://$CEILING_ADDR/api/auth.test" || die "ceiling did not come up"

echo "== loadgen -> ceiling: $CONNECTIONS connections, $WARMUP warmup + $DURATION"
CEILING_RESULT=$(run_loadgen ceiling "http://$CEILING_ADDR/slack/commands")

echo "== herobot serve on $HEROBOT_ADDR"
DB=$TMP/bench.db
ACKED=$TMP/acked.txt
start_herobot "$BIN/herobot" "$HEROBOT_ADDR" "$CEILING_ADDR" "$DB" "$OUT/herobot.log" \
    HEROBOT_HOURLY_LIMIT=0
wait_up "http://$HEROBOT_ADDR/healthz" "$SERVER_PID" "$OUT/herobot.log"

echo "== loadgen -> herobot: $CONNECTIONS connections, $WARMUP warmup + $DURATION"
HEROBOT_RESULT=$(run_loadgen herobot "http://$HEROBOT_ADDR/slack/commands" --acked-file "$ACKED")

RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || true)
RSS_MIB=$(awk -v kb="${RSS_KB:-0}" 'BEGIN { printf "%.1f", kb / 1024 }')

echo "== stopping herobot (SIGTERM)"
kill -TERM "$SERVER_PID"
stopped=
for _ in $(seq 300); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then stopped=1; break; fi
    sleep 0.1
done
if [[ -n "$stopped" ]]; then
    SERVER_EXIT=0
    wait "$SERVER_PID" || SERVER_EXIT=$?
else
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_EXIT="killed (no exit 30 s after SIGTERM)"
fi
SERVER_PID=

echo "== checking the database"
NOMINATIONS=$(sqlite3 -bail "$DB" "select count(*) from nominations") \
    || die "cannot count nominations in $DB"
ACKED_COUNT=$(grep -c . "$ACKED" || true)
MISSING=$(sqlite3 -bail "$DB" <<SQL
create temp table acked(id text);
.import '$ACKED' acked
-- Keys are 'command:<signed timestamp>:<trigger_id>'.
create temp table stored as
  select substr(key, length('command:') + instr(substr(key, length('command:') + 1), ':') + 1) as id
  from slack_requests where key like 'command:%';
create index temp.stored_id on stored(id);
select count(*) from acked a where not exists (select 1 from stored s where s.id = a.id);
SQL
) || die "cannot check acked trigger ids against slack_requests in $DB"
STORED=$((ACKED_COUNT - MISSING))

c_rps=$(json_field ok_rps <<<"$CEILING_RESULT")
h_rps=$(json_field ok_rps <<<"$HEROBOT_RESULT")
ratio=$(awk -v h="$h_rps" -v c="$c_rps" 'BEGIN { if (c > 0) printf "%.1f%%", 100 * h / c; else print "n/a" }')

row() { printf '%-26s %14s %14s\n' "$@"; }
SUMMARY=$(
    echo "herobot bench  $(date -u +%Y-%m-%dT%H:%M:%SZ)  rev $(git rev-parse --short HEAD 2>/dev/null || echo none)"
    echo "connections=$CONNECTIONS warmup=$WARMUP duration=$DURATION  cores=$(nproc)  (loadgen, ceiling and herobot share the machine)"
    echo
    row "" ceiling herobot
    row "req/s (2xx)" "$c_rps" "$h_rps"
    row "herobot / ceiling" "" "$ratio"
    for f in p50_ms p90_ms p99_ms max_ms non_2xx errors; do
        row "$f" "$(json_field "$f" <<<"$CEILING_RESULT")" "$(json_field "$f" <<<"$HEROBOT_RESULT")"
    done
    row "peak RSS MiB (VmHWM)" "" "$RSS_MIB"
    row "server exit after SIGTERM" "" "$SERVER_EXIT"
    row "nominations rows" "" "$NOMINATIONS"
    row "acked (2xx, incl. warmup)" "" "$ACKED_COUNT"
    row "stored" "" "$STORED"
    row "missing" "" "$MISSING"
)
echo
echo "$SUMMARY" | tee "$OUT/last-run.txt"

status=0
if [[ "$ACKED_COUNT" -eq 0 ]]; then echo "bench: FAIL: herobot acknowledged no request" >&2; status=1; fi
if [[ "$MISSING" -ne 0 ]]; then echo "bench: FAIL: $MISSING acknowledged commands are not stored" >&2; status=1; fi
exit "$status"
