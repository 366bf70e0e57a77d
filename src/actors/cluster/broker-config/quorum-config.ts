// KRaft roles and quorum: what the node does, how it finds the controllers, and its rack. The quorum is static
// (controller.quorum.voters lists every controller), as Strimzi configures it.
import type { ClusterModel, NodeModel } from '../../../machines/cluster-model.ts';
import { controlPlaneListener, nodeHostName } from '../cluster-names.ts';
import { rackDir, rackFile } from './broker-paths.ts';
import { environmentReference, fileReference } from './config-providers.ts';
import type { Entry, Section } from './properties.ts';

export function quorumSection(model: ClusterModel, node: NodeModel): Section {
  return {
    title: 'KRaft roles, controller quorum and rack',
    entries: [
      ['node.id', String(node.id)],
      // Strimzi's order: broker before controller.
      ['process.roles', node.roles.toReversed().join(',')],
      ['controller.listener.names', controlPlaneListener.name],
      ['controller.quorum.voters', controllerQuorumVoters(model)],
      ...rackEntries(model, node),
    ],
  };
}

/** `id@host:9090` of every controller, by id. */
export function controllerQuorumVoters(model: ClusterModel): string {
  return model.nodes
    .filter((node) => node.roles.includes('controller'))
    .map(
      (node) =>
        `${node.id}@${nodeHostName(model.name, model.namespace, node.podName)}:${controlPlaneListener.port}`,
    )
    .join(',');
}

// Brokers only: replica placement is what the rack is for.
function rackEntries(model: ClusterModel, node: NodeModel): Entry[] {
  if (!model.rack || !node.roles.includes('broker')) return [];
  return [
    [
      'broker.rack',
      model.rack.type === 'environment-variable'
        ? environmentReference(model.rack.envVarName)
        : fileReference(rackDir, rackFile),
    ],
  ];
}
