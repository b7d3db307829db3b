# The start, stop and clean-up lines every bench script shares. Sourced, never run:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_init NAME          # cd to the repository, ROOT, OUT (bench/out), TMP, traps, die
#
# Then `start_ceiling`, `start_herobot` and `wait_up` start the servers, `stop` stops one, and on
# exit (or Ctrl-C, or SIGTERM) every process they started is stopped and TMP removed.
# Herobot's log filter is SERVER_RUST_LOG (default warn) for every script.

# bench_init NAME: cd to the repository's root, set ROOT, OUT and a fresh TMP, install the traps.
bench_init() {
    BENCH_NAME=$1
    cd "$(dirname "${BASH_SOURCE[0]}")/.."
    ROOT=$PWD
    OUT=$ROOT/bench/out
    mkdir -p "$OUT"
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/herobot-$BENCH_NAME.XXXXXX")
    BENCH_PIDS=()
    BENCH_DBS=()
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }

# require CMD...: each must be on PATH.
require() {
    local cmd
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null || die "'$cmd' is required"
    done
}

port_in_use() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# ports_free ADDR...: dies if something listens on one of them already.
ports_free() {
    local addr
    for addr in "$@"; do
        if port_in_use "$addr"; then die "$addr is already in use; stop whatever listens there"; fi
    done
}

# release_dir: where cargo puts this workspace's release binaries.
release_dir() {
    local target
    target=$(cargo metadata --format-version 1 --no-deps \
        | grep -o '"target_directory":"[^"]*"' | head -n1 | cut -d'"' -f4)
    echo "${target:-${CARGO_TARGET_DIR:-$ROOT/target}}/release"
}

# stop PID [TENTHS]: SIGTERM, then SIGKILL if it is still running after TENTHS × 0.1 s (300).
stop() {
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq "${2:-300}"); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
}

# Stops every process started through this file (servers first), then removes TMP.
bench_cleanup() {
    local i
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do stop "${BENCH_PIDS[i]}" 50; done
    for i in "${BENCH_DBS[@]}"; do pg_drop "$i"; done
    rm -rf "$TMP"
}

# wait_up URL PID LOG [TRIES] [INTERVAL]: until URL answers 2xx (TRIES × INTERVAL, 300 × 0.1 s);
# dies with the log's tail if PID exits first or time runs out.
wait_up() {
    for _ in $(seq "${4:-300}"); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep "${5:-0.1}"
    done
    tail -n 20 "$3" >&2
    die "$1 did not come up (log: $3)"
}

# start_ceiling ADDR LOG [ARG...]: the bare axum server, also the fake Slack Web API; sets
# CEILING_PID once it answers (BIN is where it is).
start_ceiling() {
    local addr=$1 log=$2
    shift 2
    "$BIN/ceiling" --listen "$addr" "$@" >"$log" 2>&1 &
    CEILING_PID=$!
    BENCH_PIDS+=("$CEILING_PID")
    # Any answer will do: with --fail-for, every answer is a 503.
    for _ in $(seq 100); do
        curl -sS -o /dev/null "http://$addr/" 2>/dev/null && return 0
        kill -0 "$CEILING_PID" 2>/dev/null || break
        sleep 0.1
    done
    die "ceiling did not come up on $addr"
}

# start_herobot BINARY ADDR SLACK_ADDR DB LOG [VAR=VALUE...]: `herobot serve` on a database of
# its own, with the bench's secret (SECRET), `ceiling` at SLACK_ADDR as Slack and the log filter
# SERVER_RUST_LOG (warn); VAR=VALUE pairs add or override variables (HEROBOT_HOURLY_LIMIT=0 when
# the load nominates as one person). Sets SERVER_PID; does not wait (see wait_up).
start_herobot() {
    local binary=$1 addr=$2 slack=$3 db=$4 log=$5
    shift 5
    env DATABASE_URL="sqlite://$db" HEROBOT_LISTEN="$addr" \
        SLACK_SIGNING_SECRET="$SECRET" SLACK_BOT_TOKEN=xoxb-bench \
        SLACK_API_URL="http://$slack" HEROBOT_HEROES_CHANNEL=C0HEROES \
        RUST_LOG="${SERVER_RUST_LOG:-warn}" "$@" \
        "$binary" serve >"$log" 2>&1 &
    SERVER_PID=$!
    BENCH_PIDS+=("$SERVER_PID")
}

# json_field NAME < RESULT-json: a top-level scalar field of loadgen's RESULT line.
json_field() { grep -o "\"$1\":[^,}]*" | head -n1 | cut -d: -f2 | tr -d '"'; }

# cpu_ticks PID: the user and system time the process has used, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# PostgreSQL (the PostgreSQL benches): PG_URL is a database on the server whose role may create
# databases. `pg_create NAME` makes a fresh, empty database bench_NAME_<pid> on that server, sets
# PG_DB (its name) and PG_DB_URL, and drops it on exit.
PG_URL=${PG_URL:-postgres://herobot:x@127.0.0.1:55432/herobot}
pg_create() {
    PG_DB="bench_${1}_$$"
    psql "$PG_URL" -qAt -v ON_ERROR_STOP=1 -c "create database $PG_DB" >/dev/null \
        || die "cannot create database $PG_DB on $PG_URL"
    BENCH_DBS+=("$PG_DB")
    PG_DB_URL="${PG_URL%/*}/$PG_DB"
}
pg_drop() { psql "$PG_URL" -qAt -c "drop database if exists $1 with (force)" >/dev/null 2>&1 || true; }

# pg_q URL SQL: one value (or rows, |-separated) from PostgreSQL.
pg_q() { psql "$1" -qAt -v ON_ERROR_STOP=1 -c "$2"; }

# pg_backend_snapshot DB: "pid ticks" (user+system) for each server process serving DB now.
pg_backend_snapshot() {
    local pid
    for pid in $(pg_q "$PG_URL" "select pid from pg_stat_activity where datname = '$1'"); do
        [[ -r /proc/$pid/stat ]] && echo "$pid $(cpu_ticks "$pid")"
    done
}
# pg_backend_delta BEFORE AFTER: ticks used between two snapshots (a backend new since BEFORE
# counts from zero; one that exited in between is lost, which herobot's long-lived pools make rare).
pg_backend_delta() {
    awk 'NR == FNR { before[$1] = $2; next } { sum += $2 - before[$1] } END { print sum + 0 }' "$1" "$2"
}
# pg_server_ticks: user+system ticks of every PostgreSQL server process (pgrep -u postgres),
# with the postmaster's reaped children (backends that exited): the whole server, other
# databases' work included.
pg_server_ticks() {
    local pid total=0
    for pid in $(pgrep -u postgres); do
        total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# log_errors LOG...: the lines with an error, without their colours and timestamps (to count
# them by kind: `log_errors a.log | sort | uniq -c`).
log_errors() {
    sed -e 's/\x1b\[[0-9;]*m//g' "$@" | grep -E 'ERROR|error returned from database' \
        | sed -E 's/^[0-9TZ:.-]+ +//' || true
}
