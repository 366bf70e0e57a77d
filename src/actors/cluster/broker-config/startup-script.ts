// The start-up script of a node for the official apache/kafka image (run with /bin/sh): the JVM options of
// the pool, storage formatting with the cluster id on first start, then the server in the foreground.
// The quorum is static (controller.quorum.voters), so formatting needs no --initial-controllers/--standalone;
// --ignore-formatted keeps a restart from touching formatted directories and formats new JBOD volumes.
import type { JvmOptions } from '../../../api/common.ts';
import type { ClusterModel, NodeModel } from '../cluster-model.ts';
import { configDir, kafkaHome, serverConfigKey } from './broker-paths.ts';

export function buildStartupScript(model: ClusterModel, node: NodeModel): string {
  const pool = model.pools.find((candidate) => candidate.name === node.pool);
  const config = `${configDir}/${serverConfigKey}`;
  return [
    '#!/bin/sh',
    `# Kafka node ${node.id} (${node.podName}) of cluster ${model.namespace}/${model.name}`,
    'set -eu',
    ...jvmEnvironment(pool?.jvmOptions).map(([name, value]) => `export ${name}=${quote(value)}`),
    // `--option=value`: a cluster id may start with '-', which would read as an option.
    `${kafkaHome}/bin/kafka-storage.sh format --cluster-id=${quote(model.clusterId)} ` +
      `--release-version=${quote(model.metadataVersion)} --config=${config} --ignore-formatted`,
    `exec ${kafkaHome}/bin/kafka-server-start.sh ${config}`,
    '',
  ].join('\n');
}

// kafka-run-class.sh reads heap, -XX and -D options from these variables.
function jvmEnvironment(options: JvmOptions | undefined): [string, string][] {
  if (!options) return [];
  const heap = [
    ...(options['-Xms'] ? [`-Xms${options['-Xms']}`] : []),
    ...(options['-Xmx'] ? [`-Xmx${options['-Xmx']}`] : []),
  ];
  const performance = Object.entries(options['-XX'] ?? {}).map(([name, value]) =>
    value === 'true' ? `-XX:+${name}` : value === 'false' ? `-XX:-${name}` : `-XX:${name}=${value}`,
  );
  const properties = (options.javaSystemProperties ?? []).map(({ name, value }) => `-D${name}=${value}`);
  return [
    ...(heap.length > 0 ? [['KAFKA_HEAP_OPTS', heap.join(' ')] as [string, string]] : []),
    ...(performance.length > 0
      ? [['KAFKA_JVM_PERFORMANCE_OPTS', performance.join(' ')] as [string, string]]
      : []),
    ...(properties.length > 0 ? [['KAFKA_OPTS', properties.join(' ')] as [string, string]] : []),
  ];
}

// POSIX single quotes: nothing inside is expanded.
function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
