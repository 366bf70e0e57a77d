import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsReconcile } from '../../../src/supervisor/contract.ts';

const base = {
  metadata: { name: 't', namespace: 'n', generation: 1, resourceVersion: '1', labels: { a: '1' } },
  status: { observedGeneration: 0 },
};

test("status-only and finalizer-only updates, such as the operator's own writes, need no reconcile", () => {
  const statusWritten = {
    ...base,
    metadata: { ...base.metadata, resourceVersion: '2' },
    status: { observedGeneration: 1 },
  };
  assert.equal(needsReconcile(statusWritten, base), false);
  const finalizerAdded = {
    ...base,
    metadata: { ...base.metadata, finalizers: ['strimzi.io/topic-operator'] },
  };
  assert.equal(needsReconcile(finalizerAdded, base), false);
});

test('spec, label, annotation and deletion changes need a reconcile', () => {
  const changes = [
    { generation: 2 },
    { labels: { a: '2' } },
    { annotations: { 'strimzi.io/pause-reconciliation': 'true' } },
    { deletionTimestamp: new Date() },
  ];
  for (const change of changes) {
    assert.equal(
      needsReconcile({ ...base, metadata: { ...base.metadata, ...change } }, base),
      true,
      JSON.stringify(change),
    );
  }
});
