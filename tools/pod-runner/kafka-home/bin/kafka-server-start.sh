#!/bin/sh
# As the image's kafka-server-start.sh: a 1 GiB heap and config/log4j2.yaml unless the environment says otherwise.
set -eu
[ $# -ge 1 ] || { echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2; exit 1; }
base_dir=$(cd "$(dirname "$0")/.." && pwd)
export KAFKA_LOG4J_OPTS=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/log4j2.yaml}
export KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}
exec "$base_dir/bin/kafka-run-class.sh" -name kafkaServer -loggc kafka.Kafka "$@"
