import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Condition,
  sameConditions,
  setCondition,
  statusEquivalent,
} from '../../../src/api/conditions.ts';

const earlier = new Date('2026-01-01T10:00:00.123Z');
const later = new Date('2026-01-01T10:05:00.987Z');

test('a new condition is appended with the time as Strimzi writes it, in whole seconds UTC', () => {
  const existing: Condition[] = [
    { type: 'Warning', status: 'True', lastTransitionTime: '2025-12-31T00:00:00Z' },
  ];
  const conditions = setCondition(existing, { type: 'Ready', status: 'True' }, earlier);
  assert.deepEqual(conditions, [
    existing[0],
    { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T10:00:00Z' },
  ]);
  assert.equal(existing.length, 1, 'the input is not changed');
});

test('a condition whose status stays keeps its transition time while reason and message change', () => {
  const first = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Pending' }, earlier);
  const second = setCondition(
    first,
    { type: 'Ready', status: 'False', reason: 'KafkaError', message: 'broker unreachable' },
    later,
  );
  assert.deepEqual(second, [
    {
      type: 'Ready',
      status: 'False',
      reason: 'KafkaError',
      message: 'broker unreachable',
      lastTransitionTime: '2026-01-01T10:00:00Z',
    },
  ]);
});

test('a condition whose status changes moves its transition time and keeps its place', () => {
  const first = [
    ...setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Pending' }, earlier),
    { type: 'Warning', status: 'True' as const, lastTransitionTime: '2025-12-31T00:00:00Z' },
  ];
  const second = setCondition(first, { type: 'Ready', status: 'True' }, later);
  assert.deepEqual(
    second.map((condition) => [
      condition.type,
      condition.status,
      condition.lastTransitionTime,
      condition.reason,
    ]),
    [
      ['Ready', 'True', '2026-01-01T10:05:00Z', undefined],
      ['Warning', 'True', '2025-12-31T00:00:00Z', undefined],
    ],
  );
});

test('statuses that differ only in transition times are equivalent', () => {
  const a = {
    observedGeneration: 2,
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T10:00:00Z' }],
    autoRebalance: { state: 'Idle', lastTransitionTime: '2026-01-01T10:00:00Z' },
  };
  const b = {
    observedGeneration: 2,
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-02T00:00:00Z' }],
    autoRebalance: { state: 'Idle', lastTransitionTime: '2026-01-03T00:00:00Z' },
    topicId: undefined,
  };
  assert.equal(statusEquivalent(a, b), true);
});

test('statuses that differ in anything but transition times are not equivalent', () => {
  const base = {
    observedGeneration: 2,
    topicName: 'orders',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T10:00:00Z' }],
  };
  const variants: unknown[] = [
    { ...base, observedGeneration: 3 },
    { ...base, topicName: 'payments' },
    { ...base, conditions: [{ ...base.conditions[0], status: 'False' }] },
    { ...base, conditions: [{ ...base.conditions[0], reason: 'Paused' }] },
    {
      ...base,
      conditions: [...base.conditions, { type: 'Warning', status: 'True', lastTransitionTime: 'x' }],
    },
    { ...base, conditions: [] },
    { ...base, topicId: 'abc' },
    undefined,
  ];
  for (const variant of variants) {
    assert.equal(statusEquivalent(base, variant), false, JSON.stringify(variant));
    assert.equal(statusEquivalent(variant, base), false, JSON.stringify(variant));
  }
  assert.equal(statusEquivalent(undefined, undefined), true);
});

test('two statuses say the same when their conditions match by type, status and reason, in any order', () => {
  const ready = {
    type: 'Ready',
    status: 'True',
    reason: 'Reconciled',
    lastTransitionTime: '2026-01-01T00:00:00Z',
  };
  const warning = { type: 'Warning', status: 'True', reason: 'ZooKeeperIgnored', lastTransitionTime: 't' };
  assert.equal(
    sameConditions(
      { conditions: [ready, warning], observedGeneration: 1 },
      { conditions: [warning, { ...ready, message: 'other words', lastTransitionTime: 'later' }] },
    ),
    true,
  );
  assert.equal(
    sameConditions({ conditions: [ready] }, { conditions: [{ ...ready, status: 'False' }] }),
    false,
  );
  assert.equal(
    sameConditions({ conditions: [ready] }, { conditions: [{ ...ready, reason: 'Other' }] }),
    false,
  );
  assert.equal(sameConditions({ conditions: [ready] }, undefined), false, 'a resource with no status yet');
});
