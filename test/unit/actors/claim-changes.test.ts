import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { claimsResizing, growsClaim, holdClaimChanges } from '../../../src/actors/cluster/claim-changes.ts';

function claim(
  size: string,
  spec: Partial<NonNullable<V1PersistentVolumeClaim['spec']>> = {},
  status?: V1PersistentVolumeClaim['status'],
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data-0-my-cluster-pool-0' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...spec },
    ...(status && { status }),
  };
}

test('a new claim is applied as asked', () => {
  const held = holdClaimChanges([claim('10Gi')], []);
  assert.deepEqual(held, { claims: [claim('10Gi')], warnings: [] });
});

test('a claim may grow, in any unit; whether Kubernetes lets it is asked of Kubernetes', () => {
  const existing = [claim('10Gi', { storageClassName: 'fast' })];
  const held = holdClaimChanges([claim('20000M', { storageClassName: 'fast' })], existing);
  assert.equal(held.claims[0]?.spec?.resources?.requests?.storage, '20000M');
  assert.deepEqual(held.warnings, []);
  assert.equal(growsClaim(claim('11Gi'), existing), true);
  assert.equal(growsClaim(claim('10Gi'), existing), false);
  assert.equal(growsClaim(claim('11Gi'), []), false, 'a claim not made yet does not grow');
});

test('a claim never shrinks: it keeps its size, with a Warning naming both sizes', () => {
  const held = holdClaimChanges([claim('5Gi')], [claim('10Gi')]);
  assert.equal(held.claims[0]?.spec?.resources?.requests?.storage, '10Gi');
  assert.equal(held.warnings[0]?.reason, 'StorageShrinkRefused');
  assert.match(held.warnings[0]?.message ?? '', /data-0-my-cluster-pool-0 keeps 10Gi.*asks for 5Gi/);
});

test('the class and selector of a claim stay as it was made; a claim that names no class keeps the default it got', () => {
  const existing = [claim('10Gi', { storageClassName: 'standard' })];
  const changed = holdClaimChanges([claim('10Gi', { storageClassName: 'fast' })], existing);
  assert.equal(changed.claims[0]?.spec?.storageClassName, 'standard');
  assert.equal(changed.warnings[0]?.reason, 'StorageClassChangeRefused');
  const unnamed = holdClaimChanges([claim('10Gi')], existing);
  assert.deepEqual(unnamed.warnings, []);
  assert.equal(unnamed.claims[0]?.spec?.storageClassName, undefined, 'the default class is not claimed');
  const selected = holdClaimChanges(
    [claim('10Gi', { selector: { matchLabels: { disk: 'ssd' } } })],
    [claim('10Gi', { storageClassName: 'standard' })],
  );
  assert.equal(selected.claims[0]?.spec?.selector, undefined);
  assert.equal(selected.warnings[0]?.reason, 'StorageClassChangeRefused');
});

test('a claim asked to grow beyond its capacity is reported with what Kubernetes says of it', () => {
  const growing = claim(
    '20Gi',
    {},
    {
      capacity: { storage: '10Gi' },
      conditions: [{ type: 'FileSystemResizePending', status: 'True', message: 'waiting for the pod' }],
    },
  );
  const [resizing] = claimsResizing([growing, claim('10Gi', {}, { capacity: { storage: '10Gi' } })]);
  assert.equal(resizing?.reason, 'StorageResizing');
  assert.equal(
    resizing?.message,
    'PersistentVolumeClaim data-0-my-cluster-pool-0 grows from 10Gi to 20Gi (FileSystemResizePending: waiting for the pod)',
  );
  assert.deepEqual(claimsResizing([claim('20Gi')]), [], 'a claim not bound yet has no capacity to compare');
});
