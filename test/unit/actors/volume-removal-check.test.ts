import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { refuseVolumeRemoval } from '../../../src/actors/cluster/volume-removal-check.ts';
import type { Kafka } from '../../../src/api/kafka.ts';

function pod(name: string, volumes: string[], extra: Partial<V1Pod['metadata']> = {}): V1Pod {
  return {
    metadata: { name, ...extra },
    spec: { containers: [], volumes: [...volumes, 'kafka-config'].map((volume) => ({ name: volume })) },
  };
}

function kafka(annotations: Record<string, string> = {}): Kafka {
  return { metadata: { name: 'c', namespace: 'ns', annotations }, spec: { kafka: {} } } as unknown as Kafka;
}

test('a data volume taken from a running node is refused, naming the pods and volumes; nothing else is', () => {
  const running = [pod('c-pool-0', ['data-0', 'data-1']), pod('c-pool-1', ['data-0', 'data-1'])];
  const desired = [pod('c-pool-0', ['data-0']), pod('c-pool-1', ['data-0', 'data-1', 'data-2'])];
  assert.throws(
    () => refuseVolumeRemoval(kafka(), desired, running),
    (error: Error & { reason?: string }) =>
      error.reason === 'VolumeRemovalRefused' &&
      /c-pool-0 \(data-1\)/.test(error.message) &&
      !/c-pool-1/.test(error.message),
  );
  // Added volumes, a removed node and a pod being deleted are not removals of a volume.
  refuseVolumeRemoval(kafka(), [pod('c-pool-0', ['data-0', 'data-1', 'data-2'])], running);
  refuseVolumeRemoval(
    kafka(),
    [pod('c-pool-0', ['data-0'])],
    [pod('c-pool-0', ['data-0', 'data-1'], { deletionTimestamp: new Date() })],
  );
});

test('a change of storage layout (jbod to a single volume) is a removal too; the skip annotation lets it go', () => {
  const running = [pod('c-pool-0', ['data-0'])];
  const desired = [pod('c-pool-0', ['data'])];
  assert.throws(() => refuseVolumeRemoval(kafka(), desired, running), /c-pool-0 \(data-0\)/);
  refuseVolumeRemoval(kafka({ 'strimzi.io/skip-broker-scaledown-check': 'true' }), desired, running);
});
