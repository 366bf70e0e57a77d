import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import {
  claimsResizing,
  growsClaim,
  holdClaimChanges,
  podsToRestartForResize,
} from '../../../src/actors/cluster/claim-changes.ts';

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

test('a pod restarts for a filesystem to grow only when it started before Kubernetes asked for that', () => {
  const pending = (name: string, pod: string, since: string): V1PersistentVolumeClaim => ({
    kind: 'PersistentVolumeClaim',
    metadata: { name, labels: { 'strimzi.io/pod-name': pod } },
    status: {
      conditions: [{ type: 'FileSystemResizePending', status: 'True', lastTransitionTime: new Date(since) }],
    },
  });
  const pod = (name: string, created: string) => ({
    kind: 'Pod',
    metadata: { name, creationTimestamp: new Date(created) },
  });
  const current = [
    pending('data-c-0', 'c-0', '2026-12-07T10:00:00Z'),
    pod('c-0', '2026-12-07T09:00:00Z'),
    pending('data-c-1', 'c-1', '2026-12-07T10:00:00Z'),
    pod('c-1', '2026-12-07T10:05:00Z'),
    pending('data-c-2', 'c-2', '2026-12-07T10:00:00Z'),
    { ...claim('1Gi'), metadata: { name: 'data-c-3', labels: { 'strimzi.io/pod-name': 'c-3' } } },
    pod('c-3', '2026-12-07T09:00:00Z'),
  ];
  assert.deepEqual([...podsToRestartForResize(current)], ['c-0']);
});
