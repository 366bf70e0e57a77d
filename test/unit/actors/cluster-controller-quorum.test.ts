import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildClusterModel } from '../../../src/actors/cluster/cluster-model.ts';
import type { KafkaNodePool } from '../../../src/api/kafka-node-pool.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';
import { kafkaResource, nodePoolResource } from '../../support/cluster-resources.ts';

// A pool as the operator left it: its status names the nodes and roles it runs with.
function runningPool(name: string, spec: Partial<KafkaNodePool['spec']>, nodeIds: number[]): KafkaNodePool {
  const pool = nodePoolResource(name, spec);
  return { ...pool, status: { nodeIds, roles: pool.spec.roles } };
}

const controllers = (replicas: number) =>
  runningPool('controllers', { roles: ['controller'], replicas }, [3, 4, 5]);
const brokers = (replicas: number) => runningPool('brokers', { roles: ['broker'], replicas }, [0, 1, 2]);
const existing = { podNodeIds: { brokers: [0, 1, 2], controllers: [3, 4, 5] } };

function refusal(build: () => unknown): ReconcileFailure {
  try {
    build();
  } catch (error) {
    assert.ok(error instanceof ReconcileFailure);
    return error;
  }
  assert.fail('expected the change to be refused');
}

describe('the static controller quorum of a running cluster', () => {
  test('lets broker pools scale', () => {
    const model = buildClusterModel(kafkaResource(), [controllers(3), brokers(4)], existing);
    assert.deepEqual(
      model.nodes.map((node) => node.id),
      [0, 1, 2, 3, 4, 5, 6],
    );
  });

  test('refuses to add or remove controllers, naming both sets and what to do', () => {
    const added = refusal(() => buildClusterModel(kafkaResource(), [controllers(4), brokers(3)], existing));
    assert.equal(added.reason, 'ControllerQuorumChangeNotSupported');
    assert.equal(added.retryable, false);
    assert.match(added.message, /from nodes \[3, 4, 5\] to \[3, 4, 5, 6\]/);
    assert.match(added.message, /Restore the replicas and roles of the pools with the controller role/);
    assert.match(
      refusal(() => buildClusterModel(kafkaResource(), [controllers(1), brokers(3)], existing)).message,
      /to \[3\]/,
    );
  });

  test('refuses to give a running broker pool the controller role', () => {
    const reRoled = nodePoolResource('brokers', { roles: ['controller', 'broker'], replicas: 3 });
    reRoled.status = { nodeIds: [0, 1, 2], roles: ['broker'] };
    const failure = refusal(() => buildClusterModel(kafkaResource(), [controllers(3), reRoled], existing));
    assert.match(failure.message, /to \[0, 1, 2, 3, 4, 5\]/);
  });

  test('refuses to scale the implicit dual-role pool of a running v1beta2 cluster', () => {
    const legacy = kafkaResource(
      { replicas: 4, storage: { type: 'ephemeral' } },
      { apiVersion: 'kafka.strimzi.io/v1beta2' },
    );
    const failure = refusal(() => buildClusterModel(legacy, [], { podNodeIds: { kafka: [0, 1, 2] } }));
    assert.match(failure.message, /from nodes \[0, 1, 2\] to \[0, 1, 2, 3\]/);
  });

  test('places no limit on a new cluster', () => {
    const fresh = buildClusterModel(kafkaResource(), [nodePoolResource('dual', { replicas: 5 })], {
      podNodeIds: {},
    });
    assert.equal(fresh.nodes.length, 5);
  });
});
