#!/usr/bin/env bash
# Runs the already-built test binaries at another moment under libfaketime, e.g.
#   scripts/suite-at.sh '2026-11-29 23:40:00'
# so that no test can come to depend on the day or hour it runs. Cargo itself hangs under
# faketime, so cargo only lists the test binaries (built by the normal run, nothing rebuilds)
# and each runs directly. Monotonic time stays real, so timers and timeouts behave.
set -euo pipefail
cd "$(dirname "$0")/.."
moment="${1:?usage: scripts/suite-at.sh 'YYYY-MM-DD HH:MM:SS'}"
command -v faketime >/dev/null || { echo "faketime is required (Debian package faketime)"; exit 1; }
mapfile -t binaries < <(cargo test --workspace --locked --no-run --message-format=json 2>/dev/null |
    python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(m["executable"])
')
[ "${#binaries[@]}" -gt 0 ] || { echo "no test binaries found"; exit 1; }
echo "running ${#binaries[@]} test binaries at $moment UTC"
for binary in "${binaries[@]}"; do
    TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime "$moment" "$binary" --quiet
done
