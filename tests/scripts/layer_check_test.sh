#!/usr/bin/env bash
# scripts/check-layers passes on the tree, and fails, naming file, line and layers, on a temporary
# copy with planted includes against the layer order (upward, and between the siblings).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
check="$root/scripts/check-layers"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$check" "$root/src" >/dev/null || { echo "FAIL: the tree itself breaks the layer order"; "$check" "$root/src"; exit 1; }

expect_failure() {  # name, file to plant in, include line, expected message fragment
  local name="$1" file="$2" include="$3" expect="$4"
  rm -rf "$tmp/src" && cp -r "$root/src" "$tmp/src"
  printf '%s\n' "$include" >> "$tmp/src/$file"
  local out status=0
  out="$("$check" "$tmp/src" 2>&1)" || status=$?
  if [[ $status -ne 1 ]]; then echo "FAIL $name: exit $status, expected 1"; echo "$out"; exit 1; fi
  if ! grep -qF "$expect" <<<"$out"; then echo "FAIL $name: no '$expect' in:"; echo "$out"; exit 1; fi
  echo "ok $name"
}

line=$(($(wc -l < "$root/src/strategy/genome.hpp") + 1))
expect_failure upward strategy/genome.hpp '#include "evolve/engine.hpp"' \
  "strategy/genome.hpp:$line: layer 'strategy' may not include 'evolve/engine.hpp' (layer 'evolve')"
expect_failure siblings strategy/genome.cpp '#include "backtest/models.hpp"' \
  "layer 'strategy' may not include 'backtest/models.hpp' (layer 'backtest')"
expect_failure core-up core/time.cpp '  #  include "data/series.hpp"' \
  "layer 'core' may not include 'data/series.hpp'"
expect_failure cli-into-monitor monitor/report_page.cpp '#include "cli/app.hpp"' \
  "layer 'monitor' may not include 'cli/app.hpp'"
expect_failure exchange-inner exchange/sim/sim_engine.cpp '#include "exchange/sim_api/sim_api.hpp"' \
  "layer 'exchange/sim' may not include 'exchange/sim_api/sim_api.hpp' (layer 'exchange/sim_api')"

# A folder that is not a layer is refused rather than silently unchecked.
rm -rf "$tmp/src" && cp -r "$root/src" "$tmp/src" && mkdir "$tmp/src/misc" && echo '#include "cli/app.hpp"' > "$tmp/src/misc/x.cpp"
if "$check" "$tmp/src" >/dev/null 2>&1; then echo "FAIL unknown folder accepted"; exit 1; fi
echo "ok unknown-folder"
# Includes of the same layer and of lower layers pass.
rm -rf "$tmp/src" && cp -r "$root/src" "$tmp/src" && echo '#include "indicators/cache.hpp"' >> "$tmp/src/evolve/engine.cpp"
"$check" "$tmp/src" >/dev/null || { echo "FAIL a downward include was refused"; exit 1; }
echo "ok downward"
# The Python module (python/src, beside src/) may include the layers up to runs, nothing above.
rm -rf "$tmp/src" "$tmp/python" && cp -r "$root/src" "$tmp/src" && mkdir -p "$tmp/python" && cp -r "$root/python/src" "$tmp/python/src"
"$check" "$tmp/src" >/dev/null || { echo "FAIL the Python module's own includes were refused"; exit 1; }
echo '#include "exec/order.hpp"' >> "$tmp/python/src/module.cpp"
out="$("$check" "$tmp/src" 2>&1)" && { echo "FAIL python including exec accepted"; exit 1; }
grep -qF "the Python module may not include 'exec/order.hpp' (layer 'exec')" <<<"$out" || { echo "FAIL python message: $out"; exit 1; }
echo "ok python-module"
