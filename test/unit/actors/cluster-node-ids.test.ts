import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assignNodeIds,
  type NodeIdRequest,
  parseNodeIdRanges,
} from '../../../src/actors/cluster/node-ids.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';

function assign(requests: NodeIdRequest[], retained: number[] = []): Record<string, number[]> {
  return Object.fromEntries(assignNodeIds(requests, retained, 'Kafka kafka/my-cluster'));
}

describe('node ids', () => {
  test('new pools take the lowest free ids, pool after pool, unique across the cluster', () => {
    assert.deepEqual(
      assign([
        { pool: 'a', replicas: 2, current: [] },
        { pool: 'b', replicas: 3, current: [] },
      ]),
      { a: [0, 1], b: [2, 3, 4] },
    );
  });

  test('existing ids stay and a scale-up fills the lowest gaps', () => {
    assert.deepEqual(
      assign([
        { pool: 'a', replicas: 3, current: [0, 3] },
        { pool: 'b', replicas: 2, current: [1, 2] },
      ]),
      { a: [0, 3, 4], b: [1, 2] },
    );
  });

  test('strimzi.io/next-node-ids chooses the ids of a scale-up, in the order written, skipping ids in use', () => {
    assert.deepEqual(
      assign([
        { pool: 'a', replicas: 1, current: [10] },
        { pool: 'b', replicas: 4, current: [0], nextNodeIds: '[10-12, 100]' },
      ]),
      { a: [10], b: [0, 11, 12, 100] },
    );
  });

  test('when next-node-ids has no free id left the lowest free id is used', () => {
    assert.deepEqual(assign([{ pool: 'a', replicas: 3, current: [5], nextNodeIds: '[5]' }]), {
      a: [0, 1, 5],
    });
  });

  test('a scale-down removes the highest id', () => {
    assert.deepEqual(assign([{ pool: 'a', replicas: 2, current: [0, 1, 2] }]), { a: [0, 1] });
  });

  test('strimzi.io/remove-node-ids chooses the ids a scale-down removes, in the order written', () => {
    assert.deepEqual(assign([{ pool: 'a', replicas: 2, current: [0, 1, 2, 3], removeNodeIds: '[1, 0]' }]), {
      a: [2, 3],
    });
    // Ids the pool does not have are skipped; then the highest goes.
    assert.deepEqual(assign([{ pool: 'a', replicas: 1, current: [0, 1, 2], removeNodeIds: '[7, 1]' }]), {
      a: [0],
    });
  });

  test('retained ids (their removal was refused) stay, and no other node is removed in their place', () => {
    assert.deepEqual(assign([{ pool: 'a', replicas: 1, current: [0, 1, 2] }], [2]), { a: [0, 2] });
    assert.deepEqual(assign([{ pool: 'a', replicas: 1, current: [0, 1, 2] }], [1, 2]), { a: [0, 1, 2] });
  });

  test('an id being removed from one pool is not given to another pool in the same assignment', () => {
    assert.deepEqual(
      assign([
        { pool: 'a', replicas: 0, current: [0] },
        { pool: 'b', replicas: 2, current: [1] },
      ]),
      { a: [], b: [1, 2] },
    );
  });
});

describe('node id ranges', () => {
  test('read single ids and ranges, upwards and downwards, with or without brackets and spaces', () => {
    assert.deepEqual(parseNodeIdRanges('[10-12, 30]', 'a', 'p', 'o'), [10, 11, 12, 30]);
    assert.deepEqual(parseNodeIdRanges('5-3,1', 'a', 'p', 'o'), [5, 4, 3, 1]);
    assert.deepEqual(parseNodeIdRanges(undefined, 'a', 'p', 'o'), []);
    assert.deepEqual(parseNodeIdRanges(' ', 'a', 'p', 'o'), []);
  });

  test('refuse what is not a range, naming the annotation, the pool and the expected form', () => {
    assert.throws(
      () => parseNodeIdRanges('[1-x]', 'strimzi.io/next-node-ids', 'brokers', 'Kafka kafka/my-cluster'),
      (error: unknown) =>
        error instanceof ReconcileFailure &&
        error.reason === 'InvalidResource' &&
        !error.retryable &&
        /Kafka kafka\/my-cluster: annotation strimzi.io\/next-node-ids of KafkaNodePool brokers is "\[1-x\]"/.test(
          error.message,
        ) &&
        /\[10-20, 30\]/.test(error.message),
    );
  });
});
