// Which spec.kafka.config keys users may set: Strimzi's forbidden prefixes and their exceptions
// (KafkaClusterSpec.FORBIDDEN_PREFIXES / FORBIDDEN_PREFIX_EXCEPTIONS / ALLOWED_PER_LISTENER_CONFIGS in
// Strimzi 1.x), and the ZooKeeper-era keys KRaft 4.x has no use for.
import type { KafkaConfigValue } from '../../api/common.ts';
import type { KafkaListener } from '../../api/kafka.ts';

const forbiddenPrefixes = [
  'listeners',
  'advertised.',
  'broker.',
  'listener.',
  'host.name',
  'port',
  'inter.broker.listener.name',
  'sasl.',
  'ssl.',
  'security.',
  'password.',
  'log.dir',
  'zookeeper.connect',
  'zookeeper.set.acl',
  'zookeeper.ssl',
  'zookeeper.clientCnxnSocket',
  'authorizer.',
  'super.user',
  'cruise.control.metrics.topic',
  'cruise.control.metrics.reporter.bootstrap.servers',
  'node.id',
  'process.roles',
  'controller.',
  'metadata.log.dir',
  'zookeeper.metadata.migration.enable',
  'client.quota.callback.static.kafka.admin.',
  'client.quota.callback.static.produce',
  'client.quota.callback.static.fetch',
  'client.quota.callback.static.storage.per.volume.limit.min.available.',
  'client.quota.callback.static.excluded.principal.name.list',
  'prometheus.metrics.reporter.',
  'cordoned.log.dirs',
];

const forbiddenPrefixExceptions = new Set([
  'zookeeper.connection.timeout.ms',
  'sasl.server.max.receive.size',
  'ssl.cipher.suites',
  'ssl.protocol',
  'ssl.enabled.protocols',
  'ssl.secure.random.implementation',
  'cruise.control.metrics.topic.num.partitions',
  'cruise.control.metrics.topic.replication.factor',
  'cruise.control.metrics.topic.retention.ms',
  'cruise.control.metrics.topic.auto.create.retries',
  'cruise.control.metrics.topic.auto.create.timeout.ms',
  'cruise.control.metrics.topic.min.insync.replicas',
  'broker.session.timeout.ms',
  'broker.heartbeat.interval.ms',
  'controller.socket.timeout.ms',
  'controller.quorum.election.backoff.max.ms',
  'controller.quorum.election.timeout.ms',
  'controller.quorum.fetch.timeout.ms',
]);

// Settings users may give one listener: listener.name.<name>-<port>.<setting>.
const allowedPerListenerConfigs = [
  'connections.max.reauth.ms',
  'max.connections',
  'max.connection.creation.rate',
];

/** ZooKeeper-era keys that Kafka 4.x removed, dropped with a Warning (Strimzi's reason) since old manifests carry them. */
export const obsoleteConfigKeys: Record<string, string> = {
  'inter.broker.protocol.version': 'KafkaInterBrokerProtocolVersionInKRaft',
  'log.message.format.version': 'KafkaLogMessageFormatVersionInKRaft',
};

/** The keys of `config` that users may not set, sorted. */
export function forbiddenConfigKeys(
  config: Record<string, KafkaConfigValue>,
  listeners: readonly KafkaListener[],
): string[] {
  const perListener = new Set(
    listeners.flatMap((listener) =>
      allowedPerListenerConfigs.map(
        (setting) => `listener.name.${listener.name}-${listener.port}.${setting}`,
      ),
    ),
  );
  return Object.keys(config)
    .filter((key) => {
      const lower = key.toLowerCase();
      return (
        forbiddenPrefixes.some((prefix) => lower.startsWith(prefix.toLowerCase())) &&
        !forbiddenPrefixExceptions.has(key) &&
        !perListener.has(key)
      );
    })
    .sort();
}
