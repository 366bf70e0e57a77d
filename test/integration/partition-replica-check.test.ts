// Real services: the three-node KRaft Kafka cluster. The scale-down check asks it which nodes hold
// partition replicas; an address nobody answers on means the check cannot be made.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import type { ClusterModel } from '../../src/actors/cluster/cluster-model.ts';
import { AdminPartitionReplicaCheck } from '../../src/actors/cluster/partition-replica-check.ts';
import { kafkaClusterEnvironment } from '../support/environment.ts';
import { waitFor } from '../support/wait.ts';

const cluster = kafkaClusterEnvironment();
const bootstrap = cluster.bootstrap.split(',');
const admin = new Admin({ clientId: 'replica-check-test', bootstrapBrokers: bootstrap });
const topic = `replica-check-${randomUUID().slice(0, 8)}`;
const model = { name: 'my-cluster', namespace: 'kafka' } as ClusterModel;

after(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.close();
});

test('the nodes that hold replicas of a topic are reported; a node that holds none is not', async () => {
  const brokers = [...(await admin.metadata({ topics: [] })).brokers.keys()].sort((a, b) => a - b);
  assert.equal(brokers.length, 3);
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 3 });
  const check = new AdminPartitionReplicaCheck({ bootstrapOf: () => bootstrap, timeoutMs: 5_000 });
  const absent = Math.max(...brokers) + 100;
  // A topic just created reaches every broker's metadata a moment later.
  const result = await waitFor('the check to see the new topic', async () => {
    const answer = await check.nodesHoldingReplicas(model, [...brokers, absent]);
    return 'holding' in answer && answer.holding.length > 0 ? answer : undefined;
  });
  assert.deepEqual(result, { holding: brokers });
});

test('a cluster the operator cannot reach, or has no listener for, cannot be checked, and the result says why', async () => {
  const unreachable = new AdminPartitionReplicaCheck({
    bootstrapOf: () => ['127.0.0.1:1'],
    timeoutMs: 2_000,
  });
  const result = await unreachable.nodesHoldingReplicas(model, [0]);
  assert.ok('unchecked' in result);
  assert.match(result.unchecked, /127\.0\.0\.1:1 did not answer/);
  const noListener = new AdminPartitionReplicaCheck({ bootstrapOf: () => undefined, timeoutMs: 2_000 });
  assert.deepEqual(await noListener.nodesHoldingReplicas(model, [0]), {
    unchecked: 'the cluster has no listener on which the operator sees every topic without credentials',
  });
});
