#!/usr/bin/env bash
# The first command (npm start): sets up what is missing, starts the local environment (Kubernetes
# with fake nodes, Kafka, Redis) and tells how to reach it.
set -euo pipefail
. "$(dirname "$0")/setup.sh"
bash test/env/up.sh kubernetes kafka redis
. test/env/lib.sh
. "$TESTENV_RUN/env.sh"
cat <<MSG

The local environment is running.
  kubectl:        export KUBECONFIG=$KUBECONFIG; $KUBECTL get nodes
  Kafka:          $KAFKA_BOOTSTRAP (PLAINTEXT), $KAFKA_BOOTSTRAP_SASL (SCRAM-SHA-512, $KAFKA_ADMIN_USER)
  Redis:          $REDIS_URL
  all settings:   . $TESTENV_RUN/env.sh
  logs:           $TESTENV_RUN/logs/
Stop it with: npm run env:down
MSG
