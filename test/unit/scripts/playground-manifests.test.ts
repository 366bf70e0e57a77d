// The playground's pure parts: its example manifests placed in a namespace and on a node, and the
// progress line each resource's status gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { playgroundManifests } from '../../../scripts/playground/manifests.ts';
import { progressOf } from '../../../scripts/playground/readiness.ts';

const pinnedKafka = /^KAFKA_VERSION=(\S+)$/m.exec(
  readFileSync(join(import.meta.dirname, '../../../test/env/versions.env'), 'utf8'),
)?.[1];

test('the example manifests are the metrics rules, a pool, a Kafka, a topic and a user, all in the given namespace', () => {
  const manifests = playgroundManifests('ns-a', 'node-a');
  assert.deepEqual(
    manifests.map((m) => `${m.kind}/${m.metadata.name}/${m.metadata.namespace}`),
    [
      'ConfigMap/kafka-metrics/ns-a',
      'KafkaNodePool/dual-role/ns-a',
      'Kafka/my-cluster/ns-a',
      'KafkaTopic/my-topic/ns-a',
      'KafkaUser/my-user/ns-a',
    ],
  );
});

test("the pool's pods are bound to the given node and tolerate the pod runner's taint", () => {
  const pool = playgroundManifests('ns-a', 'node-a').find((m) => m.kind === 'KafkaNodePool');
  const text = JSON.stringify(pool?.spec.template);
  assert.match(text, /"key":"kubernetes.io\/hostname","operator":"In","values":\["node-a"\]/);
  assert.doesNotMatch(text, /local-runner/);
  assert.match(
    text,
    /"key":"kafka-actor-operator\/pod-runner","operator":"Equal","value":"true","effect":"NoSchedule"/,
  );
});

test('the Kafka runs the version the test environment pins, with plain, tls and scram listeners', () => {
  const kafka = playgroundManifests('ns-a').find((m) => m.kind === 'Kafka');
  const spec = kafka?.spec.kafka as { version: string; listeners: { name: string; port: number }[] };
  assert.equal(spec.version, pinnedKafka);
  assert.deepEqual(
    spec.listeners.map((l) => `${l.name}:${l.port}`),
    ['plain:9092', 'tls:9093', 'scram:9094'],
  );
});

test('a resource is Ready by its Ready condition; a pool when every node has an id', () => {
  assert.deepEqual(progressOf('Kafka', undefined), { ready: false, text: 'not created yet' });
  assert.deepEqual(progressOf('Kafka', {}), { ready: false, text: 'waiting for the operator' });
  assert.deepEqual(
    progressOf('KafkaTopic', {
      status: {
        conditions: [{ type: 'Ready', status: 'False', reason: 'KafkaClusterNotReady', message: 'waits' }],
      },
    }),
    { ready: false, text: 'not Ready (KafkaClusterNotReady: waits)' },
  );
  assert.deepEqual(progressOf('KafkaUser', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }), {
    ready: true,
    text: 'Ready',
  });
  assert.deepEqual(progressOf('KafkaNodePool', { spec: { replicas: 3 }, status: { nodeIds: [0, 1] } }), {
    ready: false,
    text: 'nodes [0, 1] of 3',
  });
  assert.equal(
    progressOf('KafkaNodePool', { spec: { replicas: 3 }, status: { nodeIds: [0, 1, 2] } }).ready,
    true,
  );
});
