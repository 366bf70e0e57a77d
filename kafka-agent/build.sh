#!/usr/bin/env bash
# Builds the broker readiness agent (BrokerStateAgent.java) into dist/kafka-agent/broker-state-agent.jar
# with the machine's JDK (Java 17 or later), unless the jar is newer than its source.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=../dist/kafka-agent
jar_file=$out/broker-state-agent.jar
if [ -f "$jar_file" ] && [ "$jar_file" -nt BrokerStateAgent.java ] && [ "$jar_file" -nt build.sh ]; then
  exit 0
fi
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
javac --release 17 -d "$classes" BrokerStateAgent.java
printf 'Premain-Class: io.kafkaactoroperator.agent.BrokerStateAgent\n' >"$classes/manifest.txt"
mkdir -p "$out"
# A fixed timestamp for every entry, so the same source gives the same jar.
jar --create --file "$jar_file" --manifest "$classes/manifest.txt" --date=2000-01-01T00:00:00Z \
  -C "$classes" io
echo "[kafka-agent] built $jar_file" >&2
