// Which of the user's broker configuration (spec.kafka.config) Kafka can take at runtime, and what
// writing it to Kafka's cluster-wide default entity (the BROKER resource named "") changes.
import type { ConfigChanges } from '../../kafka/kafka-admin.ts';

// The broker configs Kafka updates dynamically as a cluster-wide default: those whose mode is
// "cluster-wide" in Kafka 4.2.1's kafka.server.DynamicBrokerConfig.dynamicConfigUpdateModes() (the
// "Dynamic Update Mode" column of Kafka's broker configuration docs). The "per-broker" ones (listeners,
// SASL and SSL settings) are not here: the operator generates most of them, and a change of any of
// them restarts the node. config.providers is left out too: the operator writes it with its own.
export const clusterWideDynamicConfigs: ReadonlySet<string> = new Set([
  'background.threads',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.type',
  'compression.zstd.level',
  'log.cleaner.backoff.ms',
  'log.cleaner.dedupe.buffer.size',
  'log.cleaner.delete.retention.ms',
  'log.cleaner.io.buffer.load.factor',
  'log.cleaner.io.buffer.size',
  'log.cleaner.io.max.bytes.per.second',
  'log.cleaner.max.compaction.lag.ms',
  'log.cleaner.min.cleanable.ratio',
  'log.cleaner.min.compaction.lag.ms',
  'log.cleaner.threads',
  'log.cleanup.policy',
  'log.flush.interval.messages',
  'log.flush.interval.ms',
  'log.index.interval.bytes',
  'log.index.size.max.bytes',
  'log.local.retention.bytes',
  'log.local.retention.ms',
  'log.message.timestamp.after.max.ms',
  'log.message.timestamp.before.max.ms',
  'log.message.timestamp.type',
  'log.preallocate',
  'log.retention.bytes',
  'log.retention.ms',
  'log.roll.jitter.ms',
  'log.roll.ms',
  'log.segment.bytes',
  'log.segment.delete.delay.ms',
  'max.connection.creation.rate',
  'max.connections',
  'max.connections.per.ip',
  'max.connections.per.ip.overrides',
  'message.max.bytes',
  'metric.reporters',
  'min.insync.replicas',
  'num.io.threads',
  'num.network.threads',
  'num.recovery.threads.per.data.dir',
  'num.replica.fetchers',
  'producer.id.expiration.ms',
  'remote.fetch.max.wait.ms',
  'remote.list.offsets.request.timeout.ms',
  'remote.log.index.file.cache.total.size.bytes',
  'remote.log.manager.copier.thread.pool.size',
  'remote.log.manager.copy.max.bytes.per.second',
  'remote.log.manager.expiration.thread.pool.size',
  'remote.log.manager.fetch.max.bytes.per.second',
  'remote.log.manager.follower.thread.pool.size',
  'remote.log.reader.threads',
  'transaction.partition.verification.enable',
  'unclean.leader.election.enable',
]);

export function isClusterWideDynamic(key: string): boolean {
  return clusterWideDynamicConfigs.has(key);
}

// The part of the user's configuration Kafka can take at runtime.
export function dynamicUserConfig(brokerConfig: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(brokerConfig).filter(([key]) => isClusterWideDynamic(key)));
}

// The part of the user's configuration a node must restart for.
export function staticUserConfig(brokerConfig: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(brokerConfig).filter(([key]) => !isClusterWideDynamic(key)));
}

// Kafka's controller writes a cluster-wide min.insync.replicas of its own (from its static value) for
// eligible leader replicas, which rely on it: set when the spec names it, never removed.
const keptByKafka: ReadonlySet<string> = new Set(['min.insync.replicas']);

// What makes the cluster-wide default entity hold exactly `desired`: the values that differ are set,
// and a dynamically updatable key set there that `desired` no longer names is removed. Keys outside
// the list are never touched: they are not the user's configuration for the operator to manage.
export function clusterDefaultChanges(
  desired: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
): ConfigChanges {
  const set = Object.fromEntries(Object.entries(desired).filter(([key, value]) => current[key] !== value));
  const remove = Object.keys(current)
    .filter((key) => isClusterWideDynamic(key) && !keptByKafka.has(key) && !(key in desired))
    .sort();
  return { set, remove };
}
