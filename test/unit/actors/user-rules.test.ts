import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AclRule } from '../../../src/actors/kafka/kafka-admin.ts';
import { aclChanges, desiredAcls } from '../../../src/actors/user/user-acls.ts';
import { otherUsernameOf, principalOf, usernameOf } from '../../../src/actors/user/user-principal.ts';
import { desiredQuotas, quotaChanges } from '../../../src/actors/user/user-quotas.ts';
import { validateUser } from '../../../src/actors/user/user-validation.ts';
import type { KafkaUser, KafkaUserSpec } from '../../../src/api/kafka-user.ts';

function user(spec: KafkaUserSpec, name = 'alice'): KafkaUser {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: { name, namespace: 'shop', uid: 'uid-1', labels: { 'strimzi.io/cluster': 'my-cluster' } },
    spec,
  };
}

const rule = (overrides: Partial<AclRule>): AclRule => ({
  principal: 'User:alice',
  resourceType: 'topic',
  resourceName: 'orders',
  patternType: 'literal',
  host: '*',
  operation: 'Read',
  permission: 'allow',
  ...overrides,
});

test('SCRAM users and users without authentication are known by their name, tls and tls-external ones by CN=<name>', () => {
  assert.equal(usernameOf(user({ authentication: { type: 'scram-sha-512' } })), 'alice');
  assert.equal(usernameOf(user({})), 'alice');
  assert.equal(usernameOf(user({ authentication: { type: 'tls' } })), 'CN=alice');
  assert.equal(usernameOf(user({ authentication: { type: 'tls-external' } })), 'CN=alice');
  assert.equal(otherUsernameOf(user({ authentication: { type: 'tls' } })), 'alice');
  assert.equal(principalOf('CN=alice'), 'User:CN=alice');
});

test('each operation of a rule becomes one binding, with literal, any host and allow as defaults and the cluster named kafka-cluster', () => {
  const acls = desiredAcls(
    user({
      authorization: {
        type: 'simple',
        acls: [
          { resource: { type: 'topic', name: 'orders' }, operations: ['Read', 'Describe'] },
          {
            resource: { type: 'group', name: 'app-', patternType: 'prefix' },
            operations: ['Read'],
            host: '10.0.0.1',
            type: 'deny',
          },
          { resource: { type: 'cluster' }, operations: ['IdempotentWrite'] },
          // The same binding twice is one binding.
          {
            resource: { type: 'topic', name: 'orders', patternType: 'literal' },
            operations: ['Read'],
            host: '*',
          },
        ],
      },
    }),
    'User:alice',
  );
  assert.deepEqual(acls, [
    rule({}),
    rule({ operation: 'Describe' }),
    rule({
      resourceType: 'group',
      resourceName: 'app-',
      patternType: 'prefix',
      host: '10.0.0.1',
      permission: 'deny',
    }),
    rule({ resourceType: 'cluster', resourceName: 'kafka-cluster', operation: 'IdempotentWrite' }),
  ]);
});

test('a user without simple authorization wants no ACLs', () => {
  assert.deepEqual(desiredAcls(user({ authentication: { type: 'tls' } }), 'User:CN=alice'), []);
});

test('the ACL diff creates what is missing, deletes what is extra and leaves what matches', () => {
  const kept = rule({});
  const wanted = rule({ operation: 'Write' });
  const extra = rule({ resourceName: 'payments' });
  const changes = aclChanges([kept, wanted], [extra, { ...kept }]);
  assert.deepEqual(changes, { create: [wanted], remove: [extra] });
  assert.deepEqual(aclChanges([kept], [kept]), { create: [], remove: [] });
});

test('quotas: what differs is set, what the spec no longer names is removed, equal values are left alone', () => {
  const desired = desiredQuotas(user({ quotas: { producerByteRate: 1024, requestPercentage: 55 } }));
  assert.deepEqual(desired, { producerByteRate: 1024, requestPercentage: 55 });
  assert.deepEqual(
    quotaChanges(desired, { producerByteRate: 1024, consumerByteRate: 2048, requestPercentage: 10 }),
    {
      set: { requestPercentage: 55 },
      remove: ['consumerByteRate'],
    },
  );
  assert.deepEqual(quotaChanges({}, {}), { set: {}, remove: [] });
});

test("Strimzi's example users are valid", () => {
  assert.deepEqual(
    validateUser(
      user({
        authentication: { type: 'tls' },
        authorization: {
          type: 'simple',
          acls: [
            {
              resource: { type: 'topic', name: 'my-topic', patternType: 'literal' },
              operations: ['Describe', 'Read'],
              host: '*',
            },
            {
              resource: { type: 'group', name: 'my-group', patternType: 'literal' },
              operations: ['Read'],
              host: '*',
            },
          ],
        },
      }),
    ),
    [],
  );
});

test('validation names every problem: a rule without a resource name, an unknown operation, a negative quota, a password reference without a key', () => {
  const problems = validateUser(
    user({
      authentication: { type: 'scram-sha-512', password: { valueFrom: { secretKeyRef: { name: 'pw' } } } },
      authorization: {
        type: 'simple',
        acls: [
          { resource: { type: 'topic' }, operations: ['Read'] },
          { resource: { type: 'group', name: 'g' }, operations: ['Fly' as 'Read'] },
        ],
      },
      quotas: { consumerByteRate: -1 },
    }),
  );
  assert.deepEqual(problems, [
    'spec.authentication.password.valueFrom.secretKeyRef must name both the Secret and its key',
    'spec.authorization.acls[0].resource.name is required for a topic rule',
    'spec.authorization.acls[1].operations: "Fly" is not an ACL operation (Read, Write, Create, Delete, Alter, Describe, ClusterAction, AlterConfigs, DescribeConfigs, IdempotentWrite, All)',
    'spec.quotas.consumerByteRate must be a number ≥ 0, not -1',
  ]);
});

test("a tls user's name longer than a certificate's common name may be is refused", () => {
  const [problem] = validateUser(user({ authentication: { type: 'tls' } }, 'u'.repeat(65)));
  assert.match(problem ?? '', /at most 64 characters; u+ has 65/);
  assert.deepEqual(validateUser(user({ authentication: { type: 'scram-sha-512' } }, 'u'.repeat(65))), []);
});

test('an ACL resource name or host longer than Kafka reads is refused before it reaches a shared request', () => {
  // Bytes count, not characters: 16,384 two-byte characters are one byte too many.
  const twoByteCharacters = 'é'.repeat(16_384);
  const problems = validateUser(
    user({
      authorization: {
        type: 'simple',
        acls: [
          { resource: { type: 'topic', name: twoByteCharacters }, operations: ['Read'] },
          { resource: { type: 'topic', name: 'orders' }, host: 'h'.repeat(32_768), operations: ['Read'] },
          { resource: { type: 'topic', name: 'x'.repeat(32_767) }, operations: ['Read'] },
        ],
      },
    }),
  );
  assert.deepEqual(problems, [
    'spec.authorization.acls[0].resource.name is 32768 bytes long; Kafka takes at most 32767',
    'spec.authorization.acls[1].host is 32768 bytes long; Kafka takes at most 32767',
  ]);
});
