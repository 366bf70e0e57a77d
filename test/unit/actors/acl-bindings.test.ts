import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes } from '@platformatic/kafka';
import {
  describeAclRule,
  fromKafkaAcl,
  kafkaClusterResourceName,
  principalFilter,
  toKafkaAcl,
} from '../../../src/actors/kafka/acl-bindings.ts';
import type { AclOperation, AclRule } from '../../../src/actors/kafka/kafka-admin.ts';

const readOrders: AclRule = {
  principal: 'User:alice',
  resourceType: 'topic',
  resourceName: 'orders',
  patternType: 'literal',
  host: '*',
  operation: 'Read',
  permission: 'allow',
};

test("a KafkaUser rule becomes Kafka's binding with the protocol's codes", () => {
  assert.deepEqual(toKafkaAcl(readOrders), {
    resourceType: ResourceTypes.TOPIC,
    resourceName: 'orders',
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: AclOperations.READ,
    permissionType: AclPermissionTypes.ALLOW,
  });
  assert.deepEqual(
    toKafkaAcl({
      ...readOrders,
      resourceType: 'group',
      resourceName: 'billing-',
      patternType: 'prefix',
      host: '10.0.0.7',
      operation: 'Delete',
      permission: 'deny',
    }),
    {
      resourceType: ResourceTypes.GROUP,
      resourceName: 'billing-',
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: 'User:alice',
      host: '10.0.0.7',
      operation: AclOperations.DELETE,
      permissionType: AclPermissionTypes.DENY,
    },
  );
  assert.equal(toKafkaAcl({ ...readOrders, resourceType: 'transactionalId' }).resourceType, 5);
});

test('every operation Strimzi names maps to its own Kafka code', () => {
  const expected: Record<AclOperation, number> = {
    Read: 3,
    Write: 4,
    Create: 5,
    Delete: 6,
    Alter: 7,
    Describe: 8,
    ClusterAction: 9,
    DescribeConfigs: 10,
    AlterConfigs: 11,
    IdempotentWrite: 12,
    All: 2,
  };
  for (const [operation, code] of Object.entries(expected)) {
    assert.equal(
      toKafkaAcl({ ...readOrders, operation: operation as AclOperation }).operation,
      code,
      operation,
    );
  }
});

test("cluster rules always name the literal resource 'kafka-cluster', as Kafka requires", () => {
  const acl = toKafkaAcl({
    ...readOrders,
    resourceType: 'cluster',
    resourceName: 'anything',
    patternType: 'prefix',
    operation: 'IdempotentWrite',
  });
  assert.equal(acl.resourceType, ResourceTypes.CLUSTER);
  assert.equal(acl.resourceName, kafkaClusterResourceName);
  assert.equal(acl.resourcePatternType, ResourcePatternTypes.LITERAL);
});

test('an empty host means every host', () => {
  assert.equal(toKafkaAcl({ ...readOrders, host: '' }).host, '*');
});

test('every rule KafkaUser can express comes back unchanged from its binding', () => {
  const rules: AclRule[] = [];
  for (const resourceType of ['topic', 'group', 'transactionalId'] as const)
    for (const patternType of ['literal', 'prefix'] as const)
      for (const operation of ['Read', 'Write', 'All', 'AlterConfigs'] as const)
        for (const permission of ['allow', 'deny'] as const)
          rules.push({ ...readOrders, resourceType, patternType, operation, permission });
  rules.push({
    ...readOrders,
    resourceType: 'cluster',
    resourceName: 'kafka-cluster',
    operation: 'ClusterAction',
  });
  for (const rule of rules) assert.deepEqual(fromKafkaAcl(toKafkaAcl(rule)), rule);
});

test('bindings KafkaUser cannot express (other resource types or operations) are not turned into rules', () => {
  const binding = toKafkaAcl(readOrders);
  assert.equal(fromKafkaAcl({ ...binding, resourceType: ResourceTypes.DELEGATION_TOKEN }), undefined);
  assert.equal(fromKafkaAcl({ ...binding, operation: AclOperations.CREATE_TOKENS }), undefined);
  assert.equal(fromKafkaAcl({ ...binding, resourcePatternType: ResourcePatternTypes.MATCH }), undefined);
});

test('the principal filter matches every binding of that principal, or of everyone', () => {
  assert.deepEqual(principalFilter('User:alice'), {
    resourceType: ResourceTypes.ANY,
    resourceName: null,
    resourcePatternType: ResourcePatternTypes.ANY,
    principal: 'User:alice',
    host: null,
    operation: AclOperations.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  assert.equal(principalFilter(null).principal, null);
});

test('a rule reads as a sentence in error messages', () => {
  assert.equal(describeAclRule(readOrders), 'allow User:alice Read on topic orders (literal) from *');
});
