#!/usr/bin/env bash
# scripts/bench-scale at a tiny size (seconds): its last line is the JSON object of the issue with
# sane values, and bad arguments exit non-zero with a message naming the option.
#   tests/scripts/bench_scale_test.sh ORGANISM_BINARY
set -euo pipefail
script="$(dirname "$0")/../../scripts/bench-scale"
export BIN=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$script" --coins 2 --bars 6000 --interval 1h --population 20 --generations 1 --threads 1 --cache-mb 16 >"$out"
tail -n 1 "$out" | python3 -c '
import json, sys
j = json.loads(sys.stdin.read())
keys = {"coins", "bars", "interval", "population", "threads", "generations", "in_sample_bars",
        "seconds_per_generation", "bar_backtests_per_second", "peak_rss_bytes", "generation0_seconds",
        "synth_seconds", "cache_high_water_bytes"}
assert set(j) == keys, sorted(set(j) ^ keys)
assert (j["coins"], j["bars"], j["interval"], j["population"], j["threads"], j["generations"]) == (2, 6000, "1h", 20, 1, 1), j
assert 3000 < j["in_sample_bars"] <= 3600, j  # 60% of 6000 bars, less the embargo if any
assert 0 < j["seconds_per_generation"] < 60, j
# at most population x coins x in-sample bars per generation, and at least a thousandth of that
most = 20 * 2 * j["in_sample_bars"] / j["seconds_per_generation"]
assert most / 1000 < j["bar_backtests_per_second"] <= most * 1.0001, (j, most)
assert 10 << 20 < j["peak_rss_bytes"] < 4 << 30, j
assert 0 < j["cache_high_water_bytes"] <= 16 << 20, j  # --cache-mb 16
assert 0 < j["generation0_seconds"] < 60 and 0 < j["synth_seconds"] < 60, j
'

expect_usage() {  # ARGS... : exits non-zero and names the bad option
  local err
  if err=$("$script" "$@" 2>&1 >/dev/null); then echo "bench-scale $* succeeded" >&2; exit 1; fi
  grep -q -- "$1" <<<"$err" || { echo "bench-scale $*: unclear message: $err" >&2; exit 1; }
}
expect_usage --coins 0
expect_usage --population x
expect_usage --interval 7x
expect_usage --bars 10
echo "bench-scale: JSON keys and values sane; bad arguments refused"
