#!/usr/bin/env bash
# herobot's footprint, one variant at a time: idle and peak resident memory, with the throughput,
# latency and CPU per nomination under the slash-command load beside them. See bench/README.md.
#
#   bench/footprint.sh                                  # builds both allocators, default variants
#   bench/footprint.sh NAME=BINARY[,VAR=VALUE...] ...   # your own variants
#
# A variant is a herobot binary and environment variables for it, e.g.
#   system=bench/out/bin/herobot-system,MALLOC_ARENA_MAX=1
#   mimalloc=bench/out/bin/herobot-mimalloc,TOKIO_WORKER_THREADS=1
# Each runs on a fresh database with `ceiling` as the fake Slack: idle RSS (VmRSS) IDLE seconds
# after /healthz answers, then the load (loadgen, CONNECTIONS connections, WARMUP + DURATION),
# then the peak (VmHWM). Env overrides: CONNECTIONS (64), DURATION (10s), WARMUP (2s), IDLE (5).
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init footprint
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
IDLE=${IDLE:-5}
CEILING_ADDR=127.0.0.1:39120
HEROBOT_ADDR=127.0.0.1:39121
SECRET=bench-secret
mkdir -p "$OUT/bin"
BIN=$(release_dir)

VARIANTS=("$@")
if [[ ${#VARIANTS[@]} -eq 0 ]]; then
    echo "== building herobot with each allocator (release)"
    cargo build --release --bin herobot -p herobot --features mimalloc
    cp "$BIN/herobot" "$OUT/bin/herobot-mimalloc"
    cargo build --release --bin herobot -p herobot
    cp "$BIN/herobot" "$OUT/bin/herobot-system"
    VARIANTS=(
        "system=$OUT/bin/herobot-system"
        "system-arenas-16=$OUT/bin/herobot-system,MALLOC_ARENA_MAX=16"
        "system-arenas-1=$OUT/bin/herobot-system,MALLOC_ARENA_MAX=1"
        "system-1-worker=$OUT/bin/herobot-system,TOKIO_WORKER_THREADS=1"
        "mimalloc=$OUT/bin/herobot-mimalloc"
    )
fi
cargo build --release -p herobot-bench --bin ceiling --bin loadgen
for b in ceiling loadgen; do [[ -x "$BIN/$b" ]] || die "missing $BIN/$b"; done

start_ceiling "$CEILING_ADDR" "$OUT/footprint-ceiling.log"

kib() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$2/status"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
TICK=$(getconf CLK_TCK)

ROWS=()
header=$(printf '%-22s %9s %9s %9s %8s %8s %9s %8s %6s  %s' \
    variant "idle MiB" "peak MiB" "req/s" "p50 ms" "p99 ms" "µs/nom" "threads" errors "load (1/5/15 min)")
for spec in "${VARIANTS[@]}"; do
    name=${spec%%=*}
    rest=${spec#*=}
    IFS=, read -r -a parts <<<"$rest"
    binary=${parts[0]}
    [[ -x "$binary" ]] || die "$name: $binary is not an executable"
    extra=("${parts[@]:1}")
    db=$TMP/$name.db
    echo "== $name: $binary ${extra[*]}"
    start_herobot "$binary" "$HEROBOT_ADDR" "$CEILING_ADDR" "$db" "$OUT/footprint-$name.log" \
        HEROBOT_HOURLY_LIMIT=0 "${extra[@]}"
    wait_up "http://$HEROBOT_ADDR/healthz" "$SERVER_PID" "$OUT/footprint-$name.log"
    sleep "$IDLE"
    idle=$(kib VmRSS "$SERVER_PID")
    cpu0=$(cpu_ticks "$SERVER_PID")
    count0=$(sqlite3 "$db" "select count(*) from nominations")
    "$BIN/loadgen" --url "http://$HEROBOT_ADDR/slack/commands" --secret "$SECRET" \
        --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" \
        >"$OUT/footprint-$name-loadgen.txt"
    sleep 1 # the outbox posts what is left
    peak=$(kib VmHWM "$SERVER_PID")
    threads=$(kib Threads "$SERVER_PID")
    cpu1=$(cpu_ticks "$SERVER_PID")
    avg=$(load)
    stop "$SERVER_PID" 100
    SERVER_PID=
    count1=$(sqlite3 "$db" "select count(*) from nominations")
    result=$(grep '^RESULT ' "$OUT/footprint-$name-loadgen.txt" | cut -d' ' -f2-)
    errors=$(( $(json_field errors <<<"$result") + $(json_field non_2xx <<<"$result") ))
    row=$(awk -v n="$name" -v i="$idle" -v p="$peak" -v r="$(json_field ok_rps <<<"$result")" \
        -v p50="$(json_field p50_ms <<<"$result")" -v p99="$(json_field p99_ms <<<"$result")" \
        -v t=$((cpu1 - cpu0)) -v hz="$TICK" -v s=$((count1 - count0)) -v th="$threads" \
        -v e="$errors" -v l="$avg" \
        'BEGIN { printf "%-22s %9.1f %9.1f %9.0f %8.2f %8.2f %9.1f %8d %6d  %s",
                 n, i / 1024, p / 1024, r, p50, p99, (s > 0 ? t / hz * 1e6 / s : 0), th, e, l }')
    echo "$row"
    ROWS+=("$row")
done

SUMMARY=$(
    echo "herobot footprint  $(date -u +%Y-%m-%dT%H:%M:%SZ)  rev $(git rev-parse --short HEAD 2>/dev/null || echo none)"
    echo "connections=$CONNECTIONS warmup=$WARMUP duration=$DURATION idle=${IDLE}s  cores=$(nproc)"
    echo "idle: VmRSS ${IDLE}s after ready; peak: VmHWM after the load; µs/nom: user+system CPU over nominations stored"
    echo
    echo "$header"
    printf '%s\n' "${ROWS[@]}"
)
echo
echo "$SUMMARY" | tee "$OUT/footprint.txt"
