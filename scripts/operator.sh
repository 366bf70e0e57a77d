#!/usr/bin/env bash
# npm run operator: sets up what is missing, starts the local environment (Kubernetes with fake
# nodes, Kafka, Redis) and runs just the operator on it, with an example KafkaTopic on that Kafka.
# Ctrl-C stops the operator; the environment keeps running until `npm run env:down`.
set -euo pipefail
. "$(dirname "$0")/setup.sh"
bash test/env/up.sh kubernetes kafka redis
. test/env/lib.sh
. "$TESTENV_RUN/env.sh"
echo "Environment logs: $TESTENV_RUN/logs/ (stop it with: npm run env:down)"
exec node scripts/local-operator.ts
