// KafkaUser's ACL spelling (Strimzi's enums) to Kafka's protocol codes and back.
import {
  type Acl,
  type AclFilter,
  AclOperations,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import type { AclOperation, AclPatternType, AclResourceType, AclRule } from './kafka-admin.ts';

// Kafka accepts cluster ACLs only on this literal name.
export const kafkaClusterResourceName = 'kafka-cluster';

const resourceTypes: Record<AclResourceType, number> = {
  topic: ResourceTypes.TOPIC,
  group: ResourceTypes.GROUP,
  cluster: ResourceTypes.CLUSTER,
  transactionalId: ResourceTypes.TRANSACTIONAL_ID,
};

const patternTypes: Record<AclPatternType, number> = {
  literal: ResourcePatternTypes.LITERAL,
  prefix: ResourcePatternTypes.PREFIXED,
};

const operations: Record<AclOperation, number> = {
  Read: AclOperations.READ,
  Write: AclOperations.WRITE,
  Create: AclOperations.CREATE,
  Delete: AclOperations.DELETE,
  Alter: AclOperations.ALTER,
  Describe: AclOperations.DESCRIBE,
  ClusterAction: AclOperations.CLUSTER_ACTION,
  AlterConfigs: AclOperations.ALTER_CONFIGS,
  DescribeConfigs: AclOperations.DESCRIBE_CONFIGS,
  IdempotentWrite: AclOperations.IDEMPOTENT_WRITE,
  All: AclOperations.ALL,
};

const permissions: Record<AclRule['permission'], number> = {
  allow: AclPermissionTypes.ALLOW,
  deny: AclPermissionTypes.DENY,
};

function reverse<K extends string>(table: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(table).map(([name, code]) => [code as number, name as K]));
}

const resourceTypeNames = reverse(resourceTypes);
const patternTypeNames = reverse(patternTypes);
const operationNames = reverse(operations);
const permissionNames = reverse(permissions);

// The binding Kafka stores for a rule; also the exact-match filter that deletes just that binding.
// Cluster ACLs always name the literal 'kafka-cluster', as Strimzi writes them.
export function toKafkaAcl(rule: AclRule): Acl {
  const cluster = rule.resourceType === 'cluster';
  return {
    resourceType: resourceTypes[rule.resourceType] as Acl['resourceType'],
    resourceName: cluster ? kafkaClusterResourceName : rule.resourceName,
    resourcePatternType: (cluster
      ? ResourcePatternTypes.LITERAL
      : patternTypes[rule.patternType]) as Acl['resourcePatternType'],
    principal: rule.principal,
    host: rule.host || '*',
    operation: operations[rule.operation] as Acl['operation'],
    permissionType: permissions[rule.permission] as Acl['permissionType'],
  };
}

// A binding as a KafkaUser rule, or undefined when KafkaUser cannot express it (a resource type,
// pattern or operation outside Strimzi's enums, set by someone else).
export function fromKafkaAcl(acl: Acl): AclRule | undefined {
  const resourceType = resourceTypeNames.get(acl.resourceType);
  const patternType = patternTypeNames.get(acl.resourcePatternType);
  const operation = operationNames.get(acl.operation);
  const permission = permissionNames.get(acl.permissionType);
  if (!resourceType || !patternType || !operation || !permission) return undefined;
  return {
    principal: acl.principal,
    resourceType,
    resourceName: acl.resourceName,
    patternType,
    host: acl.host,
    operation,
    permission,
  };
}

// Every binding of one principal (any resource, pattern, host, operation and permission), or of
// every principal when none is given.
export function principalFilter(principal: string | null): AclFilter {
  return {
    resourceType: ResourceTypes.ANY,
    resourceName: null,
    resourcePatternType: ResourcePatternTypes.ANY,
    principal,
    host: null,
    operation: AclOperations.ANY,
    permissionType: AclPermissionTypes.ANY,
  };
}

// A rule in words for error messages: "allow User:alice Read on topic orders (literal) from *".
export function describeAclRule(rule: AclRule): string {
  return (
    `${rule.permission} ${rule.principal} ${rule.operation} on ${rule.resourceType} ` +
    `${rule.resourceName} (${rule.patternType}) from ${rule.host || '*'}`
  );
}
