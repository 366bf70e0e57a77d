#!/bin/sh
# As the image's kafka-storage.sh: formats (or inspects) a KRaft node's log directories.
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
