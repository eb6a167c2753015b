#!/usr/bin/env bash
# Runs the vitest suite on other Node.js majors (default 22 and 24) besides the machine's
# own, with the Node binaries that `npx node@N` downloads (cached after the first run).
#
#   scripts/test-matrix.sh                      whole suite on Node 22 and 24
#   scripts/test-matrix.sh test/reliability     only some paths (vitest filters)
#   TEST_NODE_VERSIONS="22" scripts/test-matrix.sh
#
# Expects dist/ to be built (npm run build) for the suites that start child processes.
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a versions <<< "${TEST_NODE_VERSIONS:-22 24}"
status=0
for version in "${versions[@]}"; do
  start=$(date +%s)
  echo "== vitest on Node ${version}"
  if npx -y "node@${version}" node_modules/vitest/vitest.mjs run "$@"; then
    echo "== Node ${version}: passed in $(( $(date +%s) - start ))s"
  else
    echo "== Node ${version}: FAILED after $(( $(date +%s) - start ))s"
    status=1
  fi
done
exit "$status"
