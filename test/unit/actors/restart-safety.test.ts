// The roller's rules on what Kafka reports: which partitions would fall below min.insync.replicas,
// whether the quorum keeps a caught-up majority, when a restarted node is back, and the order of a roll.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ClusterHealth,
  notBackReason,
  type PartitionState,
  partitionsBelowMinIsrWithout,
  quorumRefusal,
  type RestartStep,
  restartOrder,
  restartRefusal,
} from '../../../src/actors/cluster/restart-safety.ts';
import type { QuorumState } from '../../../src/actors/kafka/kafka-admin.ts';

function partition(
  topic: string,
  replicas: number[],
  isr: number[],
  minInsyncReplicas: number,
): PartitionState {
  return { topic, partition: 0, replicas, isr, minInsyncReplicas };
}

// Voters caught up `lag` ms behind the leader (node 0) at its last fetch.
function quorum(lags: Record<number, number | undefined>, leaderId = 0): QuorumState {
  const now = 1_000_000;
  return {
    leaderId,
    voters: Object.entries(lags).map(([id, lag]) => ({
      id: Number(id),
      ...(lag === undefined ? {} : { lastCaughtUpTimestamp: now - lag }),
    })),
  };
}

test('a broker may not restart when a partition it hosts would fall below min.insync.replicas without it', () => {
  const atMinimum = partition('at-minimum', [0, 1, 2], [0, 1], 2);
  const aboveMinimum = partition('above-minimum', [0, 1, 2], [0, 1, 2], 2);
  const alreadyBelow = partition('already-below', [0, 1, 2], [1], 2);
  const elsewhere = partition('elsewhere', [1, 2, 3], [1, 2], 2);
  // Two replicas with min.insync.replicas 2: no restart keeps it writable, so it does not hold the roll.
  const neverSafe = partition('never-safe', [0, 1], [0, 1], 2);
  const partitions = [atMinimum, aboveMinimum, alreadyBelow, elsewhere, neverSafe];
  assert.deepEqual(partitionsBelowMinIsrWithout(0, partitions), [atMinimum, alreadyBelow]);
  // Out of the ISR of at-minimum already: its restart takes nothing from it; already-below waits for it.
  assert.deepEqual(partitionsBelowMinIsrWithout(2, partitions), [alreadyBelow, elsewhere]);
  assert.deepEqual(partitionsBelowMinIsrWithout(3, partitions), []);
});

test('a controller may restart only while the other caught-up voters are a majority of the quorum', () => {
  const timeout = 2_000;
  assert.equal(quorumRefusal(1, quorum({ 0: 0, 1: 100, 2: 100 }), timeout), undefined);
  // Voter 2 fell behind: restarting 1 would leave only the leader caught up.
  assert.match(
    quorumRefusal(1, quorum({ 0: 0, 1: 100, 2: 5_000 }), timeout) ?? '',
    /without controller 1 only 1 of 3 voters would be caught up with leader 0 \(2 needed\); voters behind or unknown: \[2\]/,
  );
  // The voter that is behind may go: the other two are a majority.
  assert.equal(quorumRefusal(2, quorum({ 0: 0, 1: 100, 2: 5_000 }), timeout), undefined);
  // A voter the leader never saw catch up counts as behind.
  assert.match(quorumRefusal(0, quorum({ 0: 0, 1: 100, 2: undefined }), timeout) ?? '', /\[2\]$/);
  assert.equal(
    quorumRefusal(0, quorum({ 0: 0, 1: 0, 2: 0 }, -1), timeout),
    'the controller quorum has no leader',
  );
  assert.equal(quorumRefusal(0, quorum({ 0: 0 }), timeout), undefined, 'a single voter cannot be otherwise');
  assert.equal(quorumRefusal(0, quorum({ 0: 0, 1: 100 }), timeout), undefined);
  assert.ok(
    quorumRefusal(0, quorum({ 0: 0, 1: 5_000 }), timeout),
    'of two voters the other must be caught up',
  );
  // Five voters: three others must be caught up.
  assert.ok(quorumRefusal(1, quorum({ 0: 0, 1: 0, 2: 0, 3: 9_000, 4: 9_000 }), timeout));
  assert.equal(quorumRefusal(1, quorum({ 0: 0, 1: 0, 2: 0, 3: 0, 4: 9_000 }), timeout), undefined);
});

function health(partitions: PartitionState[], lags: Record<number, number | undefined>): ClusterHealth {
  return { brokers: [0, 1, 2], partitions, quorum: quorum(lags), quorumFetchTimeoutMs: 2_000 };
}

test('a combined node is checked as a controller and as a broker; a broker-only node only as a broker', () => {
  const state = health([partition('orders', [0, 1, 2], [0, 1], 2)], { 0: 0, 1: 0, 2: 9_000 });
  const combined = restartRefusal({ id: 1, roles: ['controller', 'broker'] }, state) ?? '';
  assert.match(combined, /without controller 1 only 1 of 3 voters/);
  assert.match(
    combined,
    /partitions would fall below min\.insync\.replicas without broker 1: orders-0 \(replicas \[0, 1, 2\], ISR \[0, 1\], min\.insync\.replicas 2\)/,
  );
  const brokerOnly = restartRefusal({ id: 1, roles: ['broker'] }, state) ?? '';
  assert.doesNotMatch(brokerOnly, /controller/);
  assert.equal(restartRefusal({ id: 2, roles: ['controller', 'broker'] }, state), undefined);
});

test('a restarted node is back once it is registered, unfenced and in sync, and caught up as a controller', () => {
  const lagging = partition('orders', [0, 1, 2], [0, 1], 2);
  const unregistered = { ...health([lagging], { 0: 0, 1: 0, 2: 0 }), brokers: [0, 1] };
  assert.equal(
    notBackReason({ id: 2, roles: ['broker'] }, unregistered),
    'broker 2 is not registered and unfenced; broker 2 is not in sync on partitions orders-0 (replicas [0, 1, 2], ISR [0, 1], min.insync.replicas 2)',
  );
  assert.match(
    notBackReason({ id: 2, roles: ['broker'] }, health([lagging], { 0: 0, 1: 0, 2: 0 })) ?? '',
    /^broker 2 is not in sync on partitions orders-0/,
  );
  assert.equal(
    notBackReason({ id: 2, roles: ['controller'] }, health([lagging], { 0: 0, 1: 0, 2: 9_000 })),
    'controller 2 has not caught up with quorum leader 0',
  );
  const synced = health([partition('orders', [0, 1, 2], [0, 1, 2], 2)], { 0: 0, 1: 0, 2: 0 });
  assert.equal(notBackReason({ id: 2, roles: ['controller', 'broker'] }, synced), undefined);
});

test('a roll goes: nodes not serving, then controller-only nodes, then brokers, the active controller last in each', () => {
  const step = (
    id: number,
    roles: RestartStep<string>['node']['roles'],
    serving = true,
  ): RestartStep<string> => ({
    node: { id, roles },
    serving,
    item: `node-${id}`,
  });
  const steps = [
    step(0, ['controller']),
    step(1, ['controller']),
    step(2, ['controller']),
    step(3, ['broker']),
    step(4, ['broker'], false),
    step(5, ['controller', 'broker']),
    step(6, ['controller', 'broker']),
  ];
  assert.deepEqual(
    restartOrder(steps, 1).map((entry) => entry.item),
    ['node-4', 'node-0', 'node-2', 'node-1', 'node-3', 'node-5', 'node-6'],
  );
  assert.deepEqual(
    restartOrder(steps, 5).map((entry) => entry.item),
    ['node-4', 'node-0', 'node-1', 'node-2', 'node-3', 'node-6', 'node-5'],
  );
});
