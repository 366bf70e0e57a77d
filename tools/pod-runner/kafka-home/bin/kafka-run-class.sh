#!/bin/sh
# The pod runner's stand-in for the apache/kafka image's kafka-run-class.sh: runs a Kafka main class
# with every jar in libs/ and the image's environment variables (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_GC_LOG_OPTS, KAFKA_JMX_OPTS, KAFKA_LOG4J_OPTS, KAFKA_OPTS, LOG_DIR, JAVA_HOME).
set -eu
base_dir=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "USAGE: $0 [-daemon] [-name servicename] [-loggc] classname [opts]" >&2; exit 1; }
LOG_DIR=${LOG_DIR:-$base_dir/logs}
daemon_name=""
gc_log_enabled=""
while [ $# -gt 0 ]; do
  case "$1" in
    -name) daemon_name=$2; shift 2 ;;
    -loggc) gc_log_enabled=true; shift ;;
    -daemon) shift ;;
    *) break ;;
  esac
done
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx256M}
KAFKA_JVM_PERFORMANCE_OPTS=${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}
KAFKA_JMX_OPTS=${KAFKA_JMX_OPTS:--Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false}
KAFKA_LOG4J_OPTS=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.yaml}
KAFKA_GC_LOG_OPTS=${KAFKA_GC_LOG_OPTS:-}
if [ -n "$gc_log_enabled" ] && [ -z "$KAFKA_GC_LOG_OPTS" ]; then
  mkdir -p "$LOG_DIR"
  KAFKA_GC_LOG_OPTS="-Xlog:gc*:file=$LOG_DIR/${daemon_name:-kafka}-gc.log:time,tags:filecount=10,filesize=100M"
fi
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
# Word splitting of the option variables is intended: they hold several options, as in the image.
# shellcheck disable=SC2086
exec "$java" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_GC_LOG_OPTS $KAFKA_JMX_OPTS \
  "-Dkafka.logs.dir=$LOG_DIR" $KAFKA_LOG4J_OPTS -cp "$base_dir/libs/*" ${KAFKA_OPTS:-} "$@"
