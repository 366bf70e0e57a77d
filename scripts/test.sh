#!/usr/bin/env bash
# The test command (npm test): sets up what is missing, type-checks, lints, and runs every test on
# node's test runner against the real services. Services it had to start are stopped at the end.
set -euo pipefail
. "$(dirname "$0")/setup.sh"
. test/env/lib.sh

if ! ls "$TESTENV_RUN"/env.d/*.env >/dev/null 2>&1; then
  trap 'bash test/env/down.sh' EXIT
fi

tsc -p tsconfig.json --noEmit
biome check .
node --test --test-reporter=spec --test-timeout=600000 ${TEST_FILES:-'test/**/*.test.ts'}
