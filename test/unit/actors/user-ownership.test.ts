import assert from 'node:assert/strict';
import { test } from 'node:test';
import { owningUser, principalKey, reservedConflict } from '../../../src/actors/user/user-ownership.ts';
import type { KafkaUser } from '../../../src/api/kafka-user.ts';

const kafkaUser = (
  namespace: string,
  created: string,
  type: 'tls' | 'scram-sha-512' = 'scram-sha-512',
): KafkaUser => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaUser',
  metadata: {
    name: 'alice',
    namespace,
    uid: `${namespace}-uid`,
    creationTimestamp: created as unknown as Date,
  },
  spec: { authentication: { type } },
});

test('of KafkaUsers with one principal the oldest owns it, then the first by namespace/name, whoever asks', () => {
  const older = kafkaUser('shop', '2026-01-01T10:00:00Z');
  const newer = kafkaUser('billing', '2026-01-01T10:00:01Z');
  const sameSecond = kafkaUser('accounts', '2026-01-01T10:00:00Z');
  assert.equal(owningUser(newer, [older, newer]), older);
  assert.equal(owningUser(older, [newer]), older);
  assert.equal(owningUser(older, [older, sameSecond, newer]), sameSecond);
  assert.equal(owningUser(sameSecond, [older, newer]), sameSecond);
});

test('of two created in the same second, the one that already serves the principal keeps it', () => {
  const serving = { ...kafkaUser('shop', '2026-01-01T10:00:00Z'), status: { username: 'alice' } };
  const newcomer = kafkaUser('accounts', '2026-01-01T10:00:00Z');
  assert.equal(owningUser(newcomer, [serving]), serving);
  assert.equal(owningUser(serving, [newcomer]), serving);
});

test('one being deleted keeps its principal until it is gone', () => {
  const deleting = { ...kafkaUser('shop', '2026-01-01T10:00:00Z') };
  deleting.metadata = { ...deleting.metadata, deletionTimestamp: '2026-01-02T00:00:00Z' as unknown as Date };
  assert.equal(owningUser(kafkaUser('billing', '2026-01-01T11:00:00Z'), [deleting]), deleting);
});

test('an unmanaged KafkaUser owns no principal: the next oldest managed one does', () => {
  const older = kafkaUser('shop', '2026-01-01T10:00:00Z');
  older.metadata = { ...older.metadata, annotations: { 'strimzi.io/managed': 'false' } };
  const newer = kafkaUser('billing', '2026-01-01T10:00:01Z');
  assert.equal(owningUser(newer, [older, newer]), newer);
  const managedAgain = {
    ...older,
    metadata: { ...older.metadata, annotations: { 'strimzi.io/managed': 'true' } },
  };
  assert.equal(owningUser(newer, [managedAgain, newer]), managedAgain);
});

test("the principal key is the cluster's key and the name; without a cluster there is none", () => {
  assert.equal(principalKey('external:test-cluster', kafkaUser('shop', '')), 'external:test-cluster/alice');
  assert.equal(principalKey(undefined, kafkaUser('shop', '')), undefined);
});

test("a KafkaUser whose name in either spelling is the operator's principal or a super user is refused", () => {
  const none = { operator: undefined, superUsers: new Set<string>() };
  assert.equal(reservedConflict(kafkaUser('shop', ''), none), undefined);
  const asOperator = reservedConflict(kafkaUser('shop', ''), { ...none, operator: 'User:alice' });
  assert.equal(asOperator?.reason, 'ResourceConflict');
  assert.match(
    asOperator?.message ?? '',
    /User:alice is the principal this operator logs in to the cluster with/,
  );
  // A SCRAM user also acts on CN=<name> (what a change to tls leaves behind).
  const superUser = reservedConflict(kafkaUser('shop', ''), {
    ...none,
    superUsers: new Set(['User:CN=alice']),
  });
  assert.match(superUser?.message ?? '', /User:CN=alice is a super user of the cluster \(super\.users\)/);
});
