#!/bin/sh
# As the image's kafka-server-start.sh: a 1 GiB heap, config/log4j2.yaml and GC logging
# (EXTRA_ARGS) unless the environment says otherwise.
set -eu
[ $# -ge 1 ] || { echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2; exit 1; }
base_dir=$(cd "$(dirname "$0")/.." && pwd)
export KAFKA_LOG4J_OPTS=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/log4j2.yaml}
export KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}
EXTRA_ARGS=${EXTRA_ARGS-'-name kafkaServer -loggc'}
[ "$1" = -daemon ] && shift
# EXTRA_ARGS holds several arguments, split on purpose as in the image.
# shellcheck disable=SC2086
exec "$base_dir/bin/kafka-run-class.sh" $EXTRA_ARGS kafka.Kafka "$@"
