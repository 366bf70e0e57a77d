#!/bin/sh
# As the image's kafka-storage.sh: formats (or inspects) a KRaft node's log directories. Unless told
# otherwise, the short-lived tool JVM skips the optimising compiler: twice as fast to start on a busy machine.
export KAFKA_JVM_PERFORMANCE_OPTS=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
