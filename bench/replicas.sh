#!/usr/bin/env bash
# Three `herobot serve` replicas on one fresh PostgreSQL database behave as one herobot: sends
# REQUESTS signed /hero nominations round-robin across them, SIGKILLs the second replica once
# KILL_AT nominations are stored (requests to it then fail, unacknowledged), and checks that every
# acknowledged nomination is stored exactly once and each stored nomination's celebration was
# posted at least once (duplicates counted), from what a recording fake Slack received. All three
# schedulers are due at once: the digest (HEROBOT_DIGEST_SCHEDULE set to the minute after start)
# must be posted once, and a report card's round (the card made in SQL before the start) opened
# once, with one DM per rater. Loopback only (ports 39140-39143). See bench/README.md.
#
# Env overrides: REQUESTS (3000), CONNECTIONS (12), KILL_AT (1000), PG_URL (the server), BIN
# (built release binaries; default: build them), DRAIN (240: seconds to wait for celebrations).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init replicas
REQUESTS=${REQUESTS:-3000}
CONNECTIONS=${CONNECTIONS:-12}
KILL_AT=${KILL_AT:-1000}
DRAIN=${DRAIN:-240}
SLACK_ADDR=127.0.0.1:39140
PORTS=(39141 39142 39143)
SECRET=replicas-secret
RATERS=(U0RATER1 U0RATER2 U0RATER3)
require curl psql python3
ports_free "$SLACK_ADDR" "${PORTS[@]/#/127.0.0.1:}"
if [[ -z "${BIN:-}" ]]; then
    cargo build --release --quiet -p herobot -p herobot-bench
    BIN=$(release_dir)
fi

pg_create replicas
echo "== database $PG_DB"
SLACK_ENV=(SLACK_SIGNING_SECRET="$SECRET" SLACK_BOT_TOKEN=xoxb-bench)
env DATABASE_URL="$PG_DB_URL" "${SLACK_ENV[@]}" "$BIN/herobot" migrate >"$TMP/migrate.log" 2>&1 \
    || { cat "$TMP/migrate.log" >&2; die "herobot migrate failed"; }

# A report card made 40 days ago: last month's round is due (it opens on the month's first
# working day at the digest's time of day), so every replica's scheduler opens it on start.
now=$(date +%s)
made=$((now - 40 * 86400))
pg_q "$PG_DB_URL" "
insert into report_cards (supplier, review_channel, anonymous, created_by, created_at, updated_at)
  values ('Bench supplier', 'C0REVIEW', true, 'U0LEAD', $made, $made);
insert into report_card_deliverables (card_id, position, name, created_at)
  select id, 1, 'On-time delivery', $made from report_cards union all
  select id, 2, 'Quality', $made from report_cards;
insert into report_card_raters (card_id, rater_id)
  select id, r from report_cards, unnest(array['${RATERS[0]}', '${RATERS[1]}', '${RATERS[2]}']) r;" >/dev/null
MONTH=$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%Y-%m)

# The digest is due at the first whole minute at least 20 s from now (UTC): all three replicas'
# schedulers wake for it at once.
due=$(((now + 20 + 59) / 60 * 60))
SCHEDULE=$(date -u -d "@$due" '+%a %H:%M' | tr '[:lower:]' '[:upper:]')
echo "== digest scheduled at $SCHEDULE UTC; report card round for $MONTH due"

start_ceiling "$SLACK_ADDR" /dev/null --record "$TMP/slack.jsonl"
REPLICA_PIDS=()
URLS=()
for i in 0 1 2; do
    start_herobot "$BIN/herobot" "127.0.0.1:${PORTS[i]}" "$SLACK_ADDR" unused "$OUT/replicas-$i.log" \
        DATABASE_URL="$PG_DB_URL" HEROBOT_HOURLY_LIMIT=0 HEROBOT_DIGEST_CHANNEL=C0DIGEST \
        HEROBOT_DIGEST_SCHEDULE="$SCHEDULE"
    REPLICA_PIDS+=("$SERVER_PID")
    URLS+=(--url "http://127.0.0.1:${PORTS[i]}/slack/commands")
done
for i in 0 1 2; do
    wait_up "http://127.0.0.1:${PORTS[i]}/healthz" "${REPLICA_PIDS[i]}" "$OUT/replicas-$i.log"
done

echo "== $REQUESTS nominations round-robin over 3 replicas, $CONNECTIONS connections"
"$BIN/loadgen" "${URLS[@]}" --secret "$SECRET" --connections "$CONNECTIONS" \
    --requests "$REQUESTS" --duration 600s --timeout 5s --mark-reasons \
    --acked-file "$TMP/acked.txt" >"$TMP/loadgen.txt" 2>&1 &
LOADGEN=$!
stored() { pg_q "$PG_DB_URL" "select count(*) from nominations"; }
killed=
while kill -0 "$LOADGEN" 2>/dev/null; do
    if [[ -z "$killed" && $(stored) -ge $KILL_AT ]]; then
        kill -KILL "${REPLICA_PIDS[1]}"
        killed=$(stored)
        echo "== SIGKILL replica 2 (pid ${REPLICA_PIDS[1]}) with $killed nominations stored"
    fi
    sleep 0.05
done
wait "$LOADGEN" || die "loadgen failed: $(tail -n 5 "$TMP/loadgen.txt")"
grep -v '^RESULT' "$TMP/loadgen.txt"
[[ -n "$killed" ]] || echo "replicas: WARNING: the burst ended before $KILL_AT were stored; nothing was killed"

# Celebrations go out paced (rolled up 25 to a post); what the killed replica had claimed waits
# out its 60 s lease. Wait until none is pending, and until the digest's minute has passed.
echo "== waiting for the celebrations (at most ${DRAIN}s) and the digest's minute"
pending() {
    pg_q "$PG_DB_URL" "select count(*) from outbox where status = 'pending' and lane = 'C0HEROES'"
}
waited=0
while [[ $(pending) != 0 || $(date +%s) -lt $((due + 10)) ]] && ((waited < DRAIN * 10)); do
    sleep 0.1
    waited=$((waited + 1))
done
echo "   drained after $((waited / 10)) s; pending celebrations: $(pending)"
sleep 2 # the raters' DMs and the digest post (other lanes) finish
for i in 0 2; do stop "${REPLICA_PIDS[i]}"; done

echo "== checking"
pg_q "$PG_DB_URL" "select id, reason from nominations" >"$TMP/nominations.txt"
pg_q "$PG_DB_URL" "select key from slack_requests where key like 'command:%'" >"$TMP/keys.txt"
ROUNDS=$(pg_q "$PG_DB_URL" "select count(*) from report_card_rounds where month = '$MONTH'")
INVITED=$(pg_q "$PG_DB_URL" "select count(*) from report_card_invitations")
DIGESTS=$(pg_q "$PG_DB_URL" "select count(*) from digests" 2>/dev/null || echo "?")
FAILED=$(pg_q "$PG_DB_URL" "select coalesce(string_agg(method || ' ' || n, ', '), 'none')
  from (select method, count(*) n from outbox where status = 'failed' group by method) f")
errors() { log_errors "$OUT"/replicas-?.log; }
ERRORS=$(errors | grep -c . || true)
status=0
python3 - "$TMP" "$ROUNDS" "$INVITED" "$DIGESTS" "$FAILED" "$ERRORS" "${RATERS[@]}" \
    <<'PY' | tee "$OUT/replicas.txt" || status=1
import collections, json, re, sys
tmp, rounds, invited, digests, failed, errors = sys.argv[1:7]
raters = sys.argv[7:]
acked = [l.strip() for l in open(f"{tmp}/acked.txt") if l.strip()]
keys = [l.strip() for l in open(f"{tmp}/keys.txt") if l.strip()]
# 'command:<signed timestamp>:<trigger_id>'
key_ids = collections.Counter(k.split(":", 2)[2] for k in keys)
token = re.compile(r"ref:([0-9]+\.[0-9]+\.[0-9]+)")
rows = collections.Counter()
for line in open(f"{tmp}/nominations.txt"):
    m = token.search(line)
    if m:
        rows[m.group(1)] += 1
posts = collections.Counter()  # nomination -> posts to the heroes channel naming it
digest_posts = 0
rater_dms = collections.Counter()
messages = 0
for line in open(f"{tmp}/slack.jsonl"):
    req = json.loads(line)
    if not req["path"].endswith("/chat.postMessage"):
        continue
    messages += 1
    body = req["body"]
    try:
        channel = json.loads(body).get("channel")
    except ValueError:
        channel = None
    if channel == "C0HEROES":
        for t in set(token.findall(body)):
            posts[t] += 1
    elif channel == "C0DIGEST":
        digest_posts += 1
    elif channel in raters:
        rater_dms[channel] += 1
acked_set = set(acked)
stored = set(rows)
checks = []
def check(name, value, ok):
    checks.append(ok)
    print(f"  {'ok  ' if ok else 'FAIL'} {name:<52} {value}")
print(f"replica test: 3 replicas on one PostgreSQL, {len(acked)} of the nominations acknowledged")
check("acknowledged (2xx)", len(acked), len(acked) > 0)
check("acknowledged without a slack_requests key", len(acked_set - set(key_ids)), not acked_set - set(key_ids))
check("acknowledged without a nomination row", len(acked_set - stored), not acked_set - stored)
check("slack_requests keys held twice", sum(1 for c in key_ids.values() if c > 1), all(c == 1 for c in key_ids.values()))
check("nominations stored twice (same trigger_id)", sum(1 for c in rows.values() if c > 1), all(c == 1 for c in rows.values()))
extra = stored - acked_set
print(f"       stored but not acknowledged (in flight at the kill): {len(extra)}")
print(f"       slack_requests keys {len(keys)}, nomination rows {sum(rows.values())}")
missing = [t for t in stored if posts[t] == 0]
dups = sum(max(posts[t] - 1, 0) for t in stored)
twice = sum(1 for t in stored if posts[t] > 1)
check("stored nominations never celebrated", len(missing), not missing)
print(f"       celebrated more than once: {twice} nominations, {dups} extra appearances "
      f"({100 * twice / max(len(stored), 1):.2f} %)")
print(f"       chat.postMessage received: {messages}")
check("digest posts to C0DIGEST (expect 1)", digest_posts, digest_posts == 1)
check("digests rows (expect 1)", digests, digests == "1")
check("report_card_rounds for last month (expect 1)", rounds, rounds == "1")
check(f"raters invited (expect {len(raters)})", invited, invited == str(len(raters)))
check("DMs per rater (expect 1 each)", dict(sorted(rater_dms.items())), all(rater_dms[r] == 1 for r in raters))
print(f"       outbox rows given up (failed): {failed}")
check("ERROR lines in the replicas' logs", errors, errors == "0")
sys.exit(0 if all(checks) else 1)
PY
if [[ "$ERRORS" != 0 ]]; then
    echo "== first errors in the replicas' logs"
    errors | sort | uniq -c | sort -rn | head -n 10
fi
exit "$status"
