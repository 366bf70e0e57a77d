// The start-up script of a node for the official apache/kafka image (run with /bin/sh): storage formatting
// with the cluster id and metadata version, then the server in the foreground. JVM options come from the
// container's environment (KAFKA_HEAP_OPTS and friends, read by kafka-run-class.sh).
// The quorum is static (controller.quorum.voters), so formatting needs no --initial-controllers/--standalone;
// --ignore-formatted keeps a restart from touching formatted directories and formats new JBOD volumes.
import type { ClusterModel, NodeModel } from '../../../machines/cluster-model.ts';
import { rackTopologyKey, rackWaitLines } from '../desired-objects/broker-rack.ts';
import {
  configDir,
  kafkaHome,
  metricsAgentJarPattern,
  metricsConfigDir,
  metricsConfigFile,
  metricsPort,
  serverConfigKey,
} from './broker-paths.ts';

export function buildStartupScript(model: ClusterModel, node: NodeModel): string {
  const config = `${configDir}/${serverConfigKey}`;
  return [
    '#!/bin/sh',
    `# Kafka node ${node.id} (${node.podName}) of cluster ${model.namespace}/${model.name}`,
    'set -eu',
    // broker.rack reads the file when Kafka starts.
    ...(rackTopologyKey(model, node) ? rackWaitLines() : []),
    // `--option=value`: a cluster id may start with '-', which would read as an option.
    `${kafkaHome}/bin/kafka-storage.sh format --cluster-id=${quote(model.clusterId)} ` +
      `--release-version=${quote(model.metadataVersion)} --config=${config} --ignore-formatted`,
    ...(model.metrics ? metricsAgent : []),
    `exec ${kafkaHome}/bin/kafka-server-start.sh ${config}`,
    '',
  ].join('\n');
}

// The exporter joins the server only (not the storage tool), from whatever jar of it the image carries.
const metricsAgent = [
  `metrics_agent=$(ls ${metricsAgentJarPattern} 2>/dev/null | head -n 1)`,
  `[ -n "$metrics_agent" ] || { echo "metricsConfig: this image has no ${metricsAgentJarPattern}" >&2; exit 1; }`,
  `export KAFKA_OPTS="\${KAFKA_OPTS:-} -javaagent:$metrics_agent=${metricsPort}:${metricsConfigDir}/${metricsConfigFile}"`,
];

// POSIX single quotes: nothing inside is expanded.
function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
