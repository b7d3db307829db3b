#!/usr/bin/env bash
# Mixed traffic against herobot: quick nominations, nomination and story modals, App Home
# events and /hero find, signed as Slack signs them, at 64 and then 256 connections, each on a
# fresh server with `ceiling` as the fake Slack Web API. Then checks that every request
# acknowledged with something to store is stored. See bench/README.md.
#
# Env overrides: CONNECTION_SETS ("64 256"), DURATION (10s), WARMUP (2s), PEOPLE (20000).
set -euo pipefail
shopt -s inherit_errexit

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init mixed

CONNECTION_SETS=${CONNECTION_SETS:-64 256}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
PEOPLE=${PEOPLE:-20000}
CEILING_ADDR=127.0.0.1:39130
HEROBOT_ADDR=127.0.0.1:39131
SECRET=bench-secret

require cargo curl sqlite3
ports_free "$CEILING_ADDR" "$HEROBOT_ADDR"

echo "== building (release)"
cargo build --release --bin herobot -p herobot
cargo build --release -p herobot-bench --bin ceiling --bin loadgen
BIN=$(release_dir)
HEROBOT=${HEROBOT:-$BIN/herobot}
for b in "$HEROBOT" "$BIN/ceiling" "$BIN/loadgen"; do [[ -x "$b" ]] || die "missing $b"; done

start_ceiling "$CEILING_ADDR" "$OUT/mixed-ceiling.log"

# kind_p99 KIND < RESULT-json: the p99 of one kind of request.
kind_field() { grep -o "\"$1\":{[^}]*}" | json_field "$2"; }

status=0
SUMMARY=$(
    echo "herobot mixed traffic  $(date -u +%Y-%m-%dT%H:%M:%SZ)  rev $(git rev-parse --short HEAD 2>/dev/null || echo none)"
    echo "warmup=$WARMUP duration=$DURATION people=$PEOPLE cores=$(nproc)  (loadgen, ceiling and herobot share the machine)"
    echo "mix of 20: 8 /hero nominations, 3 nomination modals, 2 story modals, 5 app_home_opened, 2 /hero find"
)
for connections in $CONNECTION_SETS; do
    name=mixed-$connections
    db=$TMP/$name.db
    acked=$TMP/$name-acked.txt
    echo "== herobot serve on $HEROBOT_ADDR, fresh database; $connections connections"
    # The hourly limit stays at its default: the load comes from PEOPLE people.
    start_herobot "$HEROBOT" "$HEROBOT_ADDR" "$CEILING_ADDR" "$db" "$OUT/$name-herobot.log"
    wait_up "http://$HEROBOT_ADDR/healthz" "$SERVER_PID" "$OUT/$name-herobot.log"
    "$BIN/loadgen" --mix mixed --url "http://$HEROBOT_ADDR" --secret "$SECRET" \
        --connections "$connections" --duration "$DURATION" --warmup "$WARMUP" \
        --people "$PEOPLE" --slack-url "http://$CEILING_ADDR" --acked-file "$acked" \
        >"$OUT/$name-loadgen.txt"
    grep -v '^RESULT ' "$OUT/$name-loadgen.txt" >&2
    result=$(grep '^RESULT ' "$OUT/$name-loadgen.txt" | tail -n1 | cut -d' ' -f2-)
    avg=$(cut -d' ' -f1-3 /proc/loadavg)
    peak=$(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$SERVER_PID/status")
    stop "$SERVER_PID"
    SERVER_PID=

    acked_count=$(grep -c . "$acked" || true)
    missing=$(sqlite3 -bail "$db" <<SQL
create temp table acked(key text primary key);
.import '$acked' acked
select count(*) from acked a where not exists (select 1 from slack_requests s where s.key = a.key);
SQL
) || die "cannot check acknowledged keys against slack_requests in $db"
    nominations=$(sqlite3 "$db" "select count(*) from nominations")
    stories=$(sqlite3 "$db" "select count(*) from stories")
    errors=$(json_field errors <<<"$result")
    non_2xx=$(json_field non_2xx <<<"$result")
    p99=$(json_field p99_ms <<<"$result")
    SUMMARY+=$'\n\n'$(
        printf '%s connections: %s req/s answered 2xx, p50 %s ms, p90 %s ms, p99 %s ms, max %s ms\n' \
            "$connections" "$(json_field ok_rps <<<"$result")" "$(json_field p50_ms <<<"$result")" \
            "$(json_field p90_ms <<<"$result")" "$p99" "$(json_field max_ms <<<"$result")"
        for kind in command modal_nomination story home_opened find; do
            printf '  %-17s %8s answered  p50 %8s  p99 %8s  max %8s ms\n' "$kind" \
                "$(kind_field "$kind" requests <<<"$result")" "$(kind_field "$kind" p50_ms <<<"$result")" \
                "$(kind_field "$kind" p99_ms <<<"$result")" "$(kind_field "$kind" max_ms <<<"$result")"
        done
        printf '  non-2xx %s, errors %s; peak RSS %s MiB; load average %s\n' "$non_2xx" "$errors" "$peak" "$avg"
        printf '  acknowledged with something to store %s (warm-up included), missing %s; nominations %s, stories %s\n' \
            "$acked_count" "$missing" "$nominations" "$stories"
    )
    if [[ "$acked_count" -eq 0 ]]; then echo "mixed: FAIL at $connections: nothing acknowledged" >&2; status=1; fi
    if [[ "$missing" -ne 0 ]]; then echo "mixed: FAIL at $connections: $missing acknowledged requests not stored" >&2; status=1; fi
    if [[ "$errors" -ne 0 || "$non_2xx" -ne 0 ]]; then echo "mixed: FAIL at $connections: $non_2xx non-2xx, $errors errors" >&2; status=1; fi
done
echo
echo "$SUMMARY" | tee "$OUT/mixed.txt"
exit "$status"
