#!/usr/bin/env bash
# The conformance run (npm run conformance -- DIR...): Strimzi's own CRDs and example resources, found
# at any depth under the directories given, against this operator and its CRDs on the real services.
# Without a directory it does not run, says why and fails: it never counts as a pass.
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "conformance: not run: no directory of Strimzi's files given (npm run conformance -- DIR...)" >&2
  exit 2
fi
directories=()
for directory in "$@"; do
  if [ ! -d "$directory" ]; then
    echo "conformance: not run: $directory is not a directory" >&2
    exit 2
  fi
  directories+=("$(cd "$directory" && pwd)")
done
export STRIMZI_FILES
STRIMZI_FILES=$(IFS=:; echo "${directories[*]}")

. "$(dirname "$0")/setup.sh"
. test/env/lib.sh
if ! ls "$TESTENV_RUN"/env.d/*.env >/dev/null 2>&1; then
  trap 'bash test/env/down.sh' EXIT
fi
echo "conformance: Strimzi's files from $STRIMZI_FILES" >&2
node --test --test-reporter=spec --test-timeout=600000 'test/conformance/*.conformance.ts'
