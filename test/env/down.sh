#!/usr/bin/env bash
# Stops what up.sh started, by recorded pid only. With no argument: every component.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

components=("$@")
[ ${#components[@]} -gt 0 ] || components=(kafka-cluster kafka-nodelete kafka redis kubernetes)

stop_component() {
  local c=$1
  rm -f "$TESTENV_RUN/env.d/$c.env"
  case "$c" in
    kubernetes) for p in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_process "$p"; done ;;
    kafka) stop_process kafka-1 ;;
    kafka-cluster) for i in 1 2 3; do stop_process "kafka-cluster-$i"; done ;;
    kafka-nodelete) stop_process kafka-nodelete-1 ;;
    redis) stop_process redis ;;
    *) die "unknown component '$c'" ;;
  esac
}
for c in "${components[@]}"; do stop_component "$c"; done
if [ -d "$TESTENV_RUN/env.d" ]; then
  { for f in "$TESTENV_RUN"/env.d/*.env; do [ -f "$f" ] && sed 's/^/export /' "$f"; done; } > "$TESTENV_RUN/env.sh" || true
fi
