#!/usr/bin/env bash
# The first command (npm start): sets up what is missing, then runs the playground
# (scripts/playground.ts): Kubernetes, Redis, the operator and the pod runner, a 3-node Kafka cluster
# run as real processes, a topic and a SCRAM user. Ctrl-C stops everything it started.
set -euo pipefail
. "$(dirname "$0")/setup.sh"
exec node scripts/playground.ts
