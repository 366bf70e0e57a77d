import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import type { LogDirCheckResult, NodeLogDir } from '../../../src/actors/cluster/partition-replica-check.ts';
import { refuseVolumeRemoval } from '../../../src/actors/cluster/volume-removal-check.ts';
import type { Kafka } from '../../../src/api/kafka.ts';

function pod(
  name: string,
  volumes: string[],
  roles: { broker?: boolean; controller?: boolean } = { broker: true },
): V1Pod {
  return {
    metadata: {
      name,
      labels: {
        'strimzi.io/broker-role': String(roles.broker ?? false),
        'strimzi.io/controller-role': String(roles.controller ?? false),
      },
    },
    spec: { containers: [], volumes: [...volumes, 'kafka-config'].map((volume) => ({ name: volume })) },
  };
}

function kafka(annotations: Record<string, string> = {}): Kafka {
  return { metadata: { name: 'c', namespace: 'ns', annotations }, spec: { kafka: {} } } as unknown as Kafka;
}

// A check that answers `result` and records what it was asked.
function answering(result: LogDirCheckResult) {
  const asked: NodeLogDir[][] = [];
  return {
    asked,
    check: {
      nodesHoldingReplicas: async () => ({ holding: [] }),
      logDirsHoldingReplicas: async (_access: unknown, logDirs: readonly NodeLogDir[]) => {
        asked.push([...logDirs]);
        return result;
      },
    },
  };
}

const access = { bootstrap: ['c-kafka-bootstrap.ns.svc:9091'] };
const running = [pod('c-pool-0', ['data-0', 'data-1']), pod('c-pool-1', ['data-0', 'data-1'])];
const removingOne = [pod('c-pool-0', ['data-0']), pod('c-pool-1', ['data-0', 'data-1', 'data-2'])];

test("a broker's volume goes only when Kafka reports its log directory empty; the directory asked is the volume's", async () => {
  const empty = answering({ holding: [] });
  await refuseVolumeRemoval({
    kafka: kafka(),
    desired: removingOne,
    pods: running,
    check: empty.check,
    access,
  });
  assert.deepEqual(empty.asked, [[{ node: 0, logDir: '/var/lib/kafka/data-1/kafka-log0' }]]);

  const holding = answering({
    holding: [{ node: 0, logDir: '/var/lib/kafka/data-1/kafka-log0', topics: ['orders'] }],
  });
  await assert.rejects(
    refuseVolumeRemoval({
      kafka: kafka(),
      desired: removingOne,
      pods: running,
      check: holding.check,
      access,
    }),
    (error: Error & { reason?: string }) =>
      error.reason === 'VolumeRemovalRefused' &&
      /node 0 \/var\/lib\/kafka\/data-1\/kafka-log0 \(topics orders\)/.test(error.message),
  );
});

test('no answer refuses; a controller loses no volume; the skip annotation lets either go; nothing asked without a removal', async () => {
  const unanswered = answering({ unchecked: 'c-kafka-bootstrap.ns.svc:9091 did not answer' });
  await assert.rejects(
    refuseVolumeRemoval({
      kafka: kafka(),
      desired: removingOne,
      pods: running,
      check: unanswered.check,
      access,
    }),
    (error: Error & { reason?: string }) =>
      error.reason === 'VolumeRemovalCheckFailed' && /did not answer/.test(error.message),
  );
  const controller = [pod('c-dual-0', ['data-0', 'data-1'], { broker: true, controller: true })];
  const never = answering({ holding: [] });
  await assert.rejects(
    refuseVolumeRemoval({
      kafka: kafka(),
      desired: [pod('c-dual-0', ['data-0'])],
      pods: controller,
      check: never.check,
      access,
    }),
    /running controllers: c-dual-0 \(data-1\)/,
  );
  assert.deepEqual(never.asked, []);
  const skip = kafka({ 'strimzi.io/skip-broker-scaledown-check': 'true' });
  await refuseVolumeRemoval({
    kafka: skip,
    desired: [pod('c-dual-0', ['data'])],
    pods: controller,
    check: never.check,
    access,
  });
  // Added volumes, a removed node and a pod being deleted remove no volume of a running node.
  await refuseVolumeRemoval({
    kafka: kafka(),
    desired: [pod('c-pool-0', ['data-0', 'data-1', 'data-2'])],
    pods: [
      ...running,
      { ...pod('c-pool-2', ['data-0']), metadata: { name: 'c-pool-2', deletionTimestamp: new Date() } },
    ],
    check: never.check,
    access,
  });
  assert.deepEqual(never.asked, []);
});
