import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addAcls, removeAcls } from '../../../src/actors/kafka/acls-by-principal.ts';
import type { AclRule } from '../../../src/actors/kafka/kafka-admin.ts';

const read: AclRule = {
  principal: 'User:alice',
  resourceType: 'topic',
  resourceName: 'orders',
  patternType: 'literal',
  host: '',
  operation: 'Read',
  permission: 'allow',
};
const cluster: AclRule = { ...read, resourceType: 'cluster', resourceName: 'ignored', patternType: 'prefix' };

test('written rules enter the snapshot as Kafka describes them, once each, in a new list for their principal', () => {
  const snapshot = new Map<string, AclRule[]>();
  addAcls(snapshot, [read, cluster]);
  const given = snapshot.get('User:alice');
  addAcls(snapshot, [{ ...read, host: '*' }]);
  assert.deepEqual(snapshot.get('User:alice'), [
    { ...read, host: '*' },
    { ...cluster, resourceName: 'kafka-cluster', patternType: 'literal', host: '*' },
  ]);
  addAcls(snapshot, [{ ...read, operation: 'Write' }]);
  assert.equal(given?.length, 2, 'a list already given to a reader does not change');
  assert.equal(snapshot.get('User:alice')?.length, 3);
});

test('deleted rules leave the snapshot, and a principal without rules leaves it too', () => {
  const snapshot = new Map<string, AclRule[]>();
  addAcls(snapshot, [read, cluster, { ...read, principal: 'User:bob' }]);
  removeAcls(snapshot, [read, { ...read, operation: 'Write' }]);
  assert.equal(snapshot.get('User:alice')?.length, 1);
  removeAcls(snapshot, [cluster]);
  assert.deepEqual([...snapshot.keys()], ['User:bob']);
});
