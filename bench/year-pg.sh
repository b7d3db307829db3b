#!/usr/bin/env bash
# A year of a large company's data on PostgreSQL: fills the year on SQLite with `year fill` (once:
# bench/out/year.db, kept for the SQLite measures), copies it into a fresh PostgreSQL database with
# `herobot copy-to`, then measures there `/hero top year` (`year top`: five rankings, and
# `top8`: eight at once while a probe writes) and the export of all 50,000 stories as CSV and
# JSON (time to the first and last byte, and the peak RSS of the process, as on SQLite). The
# PostgreSQL database is dropped at the end. See bench/README.md.
#
# Env overrides: PG_URL (the server), BIN (built release binaries; default: build them),
# YEAR_DB (bench/out/year.db), MEASURES ("top top8 export-csv export-json"), YEAR_URL (measure on
# this copy made before instead: no copy, nothing dropped), KEEP=1 (keep the copy, and print its
# URL for YEAR_URL).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init year-pg
YEAR_DB=${YEAR_DB:-$ROOT/bench/out/year.db}
MEASURES=${MEASURES:-top top8 export-csv export-json}
require psql /usr/bin/time
if [[ -z "${BIN:-}" ]]; then
    cargo build --release --quiet -p herobot -p herobot-bench
    BIN=$(release_dir)
fi
if [[ ! -f "$YEAR_DB" ]]; then
    echo "== year fill -> $YEAR_DB"
    "$BIN/year" --db "$YEAR_DB" fill
fi
if [[ -n "${YEAR_URL:-}" ]]; then
    PG_DB_URL=$YEAR_URL
    : >"$OUT/year-pg.txt"
else
    pg_create year
    if [[ -n "${KEEP:-}" ]]; then BENCH_DBS=(); fi
    echo "== herobot copy-to $PG_DB (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    DATABASE_URL="sqlite://$YEAR_DB" SLACK_SIGNING_SECRET=x SLACK_BOT_TOKEN=xoxb-bench \
        /usr/bin/time -f "copy-to: %e s wall, %U s user, %S s system, peak RSS %M KB" \
        "$BIN/herobot" copy-to "$PG_DB_URL" 2>&1 | tail -n 3 | tee "$OUT/year-pg.txt"
    pg_q "$PG_URL" "select 'database size: ' || pg_size_pretty(pg_database_size('$PG_DB'))" \
        | tee -a "$OUT/year-pg.txt"
    if [[ -n "${KEEP:-}" ]]; then echo "kept: YEAR_URL=$PG_DB_URL (drop it when done)"; fi
fi
for measure in $MEASURES; do
    echo "== year $measure on PostgreSQL (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    RUST_BACKTRACE=0 /usr/bin/time -f "  process: %e s wall, %U s user, %S s system, peak RSS %M KB" \
        "$BIN/year" --url "$PG_DB_URL" "$measure" 2>&1 | tee -a "$OUT/year-pg.txt" \
        || echo "  year $measure FAILED" | tee -a "$OUT/year-pg.txt"
done
