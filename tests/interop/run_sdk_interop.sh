#!/usr/bin/env bash
# ctest's interop_sdk: runs the @nktkas/hyperliquid SDK against `organism exchange-sim`
# (run_sdk_interop.mjs). Exits 77, which ctest reports as skipped, when node or the pinned npm
# packages are missing; scripts/setup installs them (npm ci in tests/interop).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed (Debian: apt-get install nodejs; scripts/setup does it)"
  exit 77
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "SKIP: the SDK needs node >= 20.19, this is $(node --version)"
  exit 77
fi
if [ ! -f "$here/node_modules/@nktkas/hyperliquid/package.json" ] || [ ! -f "$here/node_modules/ethers/package.json" ]; then
  echo "SKIP: $here/node_modules is missing: run scripts/setup (or: npm ci --prefix $here)"
  exit 77
fi
exec node "$here/run_sdk_interop.mjs" "$@"
