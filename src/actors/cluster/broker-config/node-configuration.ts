// The server.properties of one node, by concern: roles and quorum, listeners and their security,
// authorization, log directories, config providers, then the user's configuration.
import type { ClusterModel, NodeModel } from '../../../machines/cluster-model.ts';
import type { AssignedAddresses } from './advertised-addresses.ts';
import { authorizationSection } from './authorization-config.ts';
import { configProviderSection } from './config-providers.ts';
import { listenerSections } from './listener-config.ts';
import { renderProperties } from './properties.ts';
import { quorumSection } from './quorum-config.ts';
import { storageSection } from './storage-config.ts';
import { userConfigSection } from './user-config.ts';

/**
 * The server.properties text of a node. `assigned` holds the node ports and load balancer addresses of the
 * per-broker Services (nodeport and loadbalancer listeners need them; ListenerAddressNotAssigned otherwise).
 */
export function buildNodeConfiguration(
  model: ClusterModel,
  node: NodeModel,
  assigned: AssignedAddresses = {},
): string {
  const pool = model.pools.find((candidate) => candidate.name === node.pool);
  if (!pool) throw new Error(`node ${node.id} names pool ${node.pool}, which the model does not have`);
  return renderProperties(
    `Kafka node ${node.id} (${node.podName}) of cluster ${model.namespace}/${model.name}`,
    [
      quorumSection(model, node),
      ...listenerSections(model, node, assigned),
      authorizationSection(model),
      storageSection(pool, node),
      configProviderSection(model),
      userConfigSection(model),
    ],
  );
}
