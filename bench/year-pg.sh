#!/usr/bin/env bash
# A year of a large company's data on PostgreSQL: fills the year on SQLite with `year fill` (once:
# bench/out/year.db, kept for the SQLite measures), copies it into a fresh PostgreSQL database with
# `herobot copy-to`, then measures there `/hero top year` (`year top`: five rankings, and
# `top8`: eight at once while a probe writes) and the export of all 50,000 stories as CSV and
# JSON (time to the first and last byte, and the peak RSS of the process, as on SQLite). The
# PostgreSQL database is dropped at the end. See bench/README.md.
#
# Env overrides: PG_URL (the server), BIN (built release binaries; default: build them),
# YEAR_DB (bench/out/year.db), MEASURES ("top top8 export-csv export-json").
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
pg_create year
echo "== herobot copy-to $PG_DB"
DATABASE_URL="sqlite://$YEAR_DB" SLACK_SIGNING_SECRET=x SLACK_BOT_TOKEN=xoxb-bench \
    /usr/bin/time -f "copy-to: %e s wall, %U s user, %S s system, peak RSS %M KB" \
    "$BIN/herobot" copy-to "$PG_DB_URL" 2>&1 | tail -n 3 | tee "$OUT/year-pg.txt"
pg_q "$PG_URL" "select 'database size: ' || pg_size_pretty(pg_database_size('$PG_DB'))" \
    | tee -a "$OUT/year-pg.txt"
for measure in $MEASURES; do
    echo "== year $measure on PostgreSQL (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    /usr/bin/time -f "  process: %e s wall, %U s user, %S s system, peak RSS %M KB" \
        "$BIN/year" --url "$PG_DB_URL" "$measure" 2>&1 | tee -a "$OUT/year-pg.txt"
done
