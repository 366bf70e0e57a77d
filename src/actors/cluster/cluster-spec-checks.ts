// Warnings about specs that run but risk data or availability, with the reasons Strimzi's KafkaSpecChecker
// gives them, so that tools watching for those conditions keep working.
import type { ClusterModel, ClusterWarning, NodeModel, StorageModel } from '../../machines/cluster-model.ts';

export function specWarnings(model: ClusterModel): ClusterWarning[] {
  const brokers = model.nodes.filter((node) => node.roles.includes('broker'));
  const controllers = model.nodes.filter((node) => node.roles.includes('controller'));
  return [
    ...replicationWarnings(model, brokers.length),
    ...singleEphemeralNodeWarnings(model, brokers, 'broker node', 'topic messages'),
    ...singleEphemeralNodeWarnings(model, controllers, 'controller node', 'data'),
    ...controllerCountWarnings(controllers.length),
    ...metadataVersionWarnings(model),
    ...(model.listeners.some((listener) => listener.type === 'ingress')
      ? [{ reason: 'DeprecatedObjects', message: 'ingress type listeners are deprecated.' }]
      : []),
    ...routeWarnings(model),
  ];
}

// OpenShift Routes and Gateway API TLSRoutes are not made: say so, rather than leave the listener unreachable
// without a word.
function routeWarnings(model: ClusterModel): ClusterWarning[] {
  return model.listeners
    .filter((listener) => listener.type === 'route' || listener.type === 'tlsroute')
    .map((listener) => ({
      reason: 'RoutesNotCreated',
      message:
        `listener ${listener.name} is of type ${listener.type}: this operator makes no ` +
        `${listener.type === 'route' ? 'OpenShift Route' : 'Gateway API TLSRoute'}s. The listener's ClusterIP ` +
        'services exist for routes made by other means; each broker advertises the host its ' +
        'configuration.brokers entry names, on port 443.',
    }));
}

function replicationWarnings(model: ClusterModel, brokers: number): ClusterWarning[] {
  if (brokers <= 1) return [];
  const unset = (key: string, reason: string): ClusterWarning[] =>
    key in model.brokerConfig
      ? []
      : [
          {
            reason,
            message:
              `${key} option is not configured. It defaults to 1 which does not guarantee reliability and ` +
              'availability. You should configure this option in .spec.kafka.config.',
          },
        ];
  return [
    ...unset('default.replication.factor', 'KafkaDefaultReplicationFactor'),
    ...unset('min.insync.replicas', 'KafkaMinInsyncReplicas'),
  ];
}

function singleEphemeralNodeWarnings(
  model: ClusterModel,
  nodes: readonly NodeModel[],
  what: string,
  lost: string,
): ClusterWarning[] {
  const [only] = nodes;
  const storage = model.pools.find((pool) => pool.name === only?.pool)?.storage;
  if (nodes.length !== 1 || !storage || !usesEphemeral(storage)) return [];
  return [
    {
      reason: 'KafkaStorage',
      message: `A Kafka cluster with a single ${what} and ephemeral storage will lose ${lost} after any restart or rolling update.`,
    },
  ];
}

function usesEphemeral(storage: StorageModel): boolean {
  if (storage.type !== 'jbod') return storage.type === 'ephemeral';
  return storage.volumes.length > 0 && storage.volumes.every((volume) => volume.type === 'ephemeral');
}

function controllerCountWarnings(controllers: number): ClusterWarning[] {
  if (controllers === 2) {
    return [
      {
        reason: 'KafkaKRaftControllerNodeCount',
        message:
          'Running KRaft controller quorum with two nodes is not advisable as both nodes will be needed to avoid ' +
          'downtime. It is recommended that a minimum of three nodes are used.',
      },
    ];
  }
  return controllers % 2 === 0
    ? [
        {
          reason: 'KafkaKRaftControllerNodeCount',
          message: 'Running KRaft controller quorum with an odd number of nodes is recommended.',
        },
      ]
    : [];
}

// The last step of an upgrade raises the metadata version; one behind the Kafka version suggests it was forgotten.
function metadataVersionWarnings(model: ClusterModel): ClusterWarning[] {
  const release = /^(\d+\.\d+)/.exec(model.metadataVersion)?.[1];
  if (!release || model.kafkaVersion.startsWith(`${release}.`)) return [];
  return [
    {
      reason: 'KafkaMetadataVersion',
      message:
        'Metadata version is older than the Kafka version used by the cluster, which suggests that an upgrade ' +
        'is incomplete.',
    },
  ];
}
