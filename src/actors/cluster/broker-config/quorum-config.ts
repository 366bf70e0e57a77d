// KRaft roles and quorum: what the node does and how it finds the controllers. The quorum is static
// (controller.quorum.voters lists every controller), as Strimzi configures it.
import type { ClusterModel, NodeModel } from '../cluster-model.ts';
import { controlPlaneListener, nodeHostName } from '../cluster-names.ts';
import type { Section } from './properties.ts';

export function quorumSection(model: ClusterModel, node: NodeModel): Section {
  return {
    title: 'KRaft roles and controller quorum',
    entries: [
      ['node.id', String(node.id)],
      // Strimzi's order: broker before controller.
      ['process.roles', node.roles.toReversed().join(',')],
      ['controller.listener.names', controlPlaneListener.name],
      ['controller.quorum.voters', controllerQuorumVoters(model)],
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
