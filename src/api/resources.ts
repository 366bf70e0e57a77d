// Where each kind lives in the Kubernetes API, for API calls, informers and watches.
import type { CustomResourceKind } from './common.ts';
import { kafkaDefinition } from './kafka.ts';
import { kafkaNodePoolDefinition } from './kafka-node-pool.ts';
import { kafkaTopicDefinition } from './kafka-topic.ts';
import { kafkaUserDefinition } from './kafka-user.ts';

export const apiGroup = 'kafka.strimzi.io';
/** The version the apiserver stores and the operator reads and writes. */
export const storageVersion = 'v1';
/** Versions served with the same schema; v1beta2 keeps older manifests working. */
export const servedVersions = ['v1', 'v1beta2'] as const;

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

function resourceTypeOf(definition: CustomResourceKind): ResourceType {
  return { group: apiGroup, version: storageVersion, kind: definition.kind, plural: definition.plural };
}

export const kafkaType = resourceTypeOf(kafkaDefinition);
export const kafkaNodePoolType = resourceTypeOf(kafkaNodePoolDefinition);
export const kafkaTopicType = resourceTypeOf(kafkaTopicDefinition);
export const kafkaUserType = resourceTypeOf(kafkaUserDefinition);

export const customResourceKinds: readonly CustomResourceKind[] = [
  kafkaDefinition,
  kafkaNodePoolDefinition,
  kafkaTopicDefinition,
  kafkaUserDefinition,
];

/** The resource type of a kind, e.g. to create a manifest read from a file. */
export function resourceTypeForKind(kind: string): ResourceType {
  const definition = customResourceKinds.find((candidate) => candidate.kind === kind);
  if (definition === undefined) {
    const known = customResourceKinds.map((candidate) => candidate.kind).join(', ');
    throw new Error(`${kind} is not a kind of ${apiGroup}; the kinds are ${known}`);
  }
  return resourceTypeOf(definition);
}
