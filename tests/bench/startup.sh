#!/usr/bin/env bash
# Whole-process start-up: `tweed --version` against `bart version`, median of N runs (hyperfine).
# Usage: tests/bench/startup.sh [path/to/tweed] [runs]
set -euo pipefail
tweed="${1:-build/apps/tweed}"
runs="${2:-10}"
hyperfine -N --warmup 3 --runs "$runs" --export-json /tmp/tweed-startup.json \
  "$tweed --version" "bart version" >/dev/null
/usr/bin/python3 - <<'PY'
import json, statistics
r = json.load(open("/tmp/tweed-startup.json"))["results"]
med = {x["command"]: statistics.median(x["times"]) * 1e3 for x in r}
for cmd, ms in med.items():
    print(f"{cmd:40s} median {ms:7.2f} ms")
t, b = list(med.values())
print(f"ratio tweed/bart: {t / b:.1f}")
PY
