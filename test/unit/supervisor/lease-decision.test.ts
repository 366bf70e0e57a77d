import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decideLeaseAction,
  heldLeaseRecord,
  type LeaseRecord,
  releasedLeaseRecord,
  sameLeaseRecord,
} from '../../../src/supervisor/lease-decision.ts';

const acquired = new Date('2026-01-01T00:00:00.000Z');
const renewed = new Date('2026-01-01T00:05:00.000Z');
const heldByOther: LeaseRecord = {
  holderIdentity: 'operator-1',
  leaseDurationSeconds: 15,
  acquireTime: acquired,
  renewTime: renewed,
  leaseTransitions: 4,
};

test('creates the Lease when there is none', () => {
  assert.deepEqual(decideLeaseAction(undefined, 0, 0, 'operator-0'), { kind: 'create' });
});

test('renews a Lease it holds, however long ago it was observed', () => {
  const own = { ...heldByOther, holderIdentity: 'operator-0' };
  assert.deepEqual(decideLeaseAction(own, 0, 3_600_000, 'operator-0'), { kind: 'renew' });
});

test('waits while another holder has been seen within the lease duration, and says for how long', () => {
  assert.deepEqual(decideLeaseAction(heldByOther, 1_000, 10_000, 'operator-0'), {
    kind: 'wait',
    holder: 'operator-1',
    expiresInMs: 6_000,
  });
});

test('takes over once the record has not changed for the whole lease duration, as observed locally', () => {
  assert.deepEqual(decideLeaseAction(heldByOther, 1_000, 16_000, 'operator-0'), {
    kind: 'takeOver',
    reason: 'expired',
  });
});

test('ignores the remote renewTime: a renewTime far in the past does not expire a freshly observed Lease', () => {
  const staleClock = { ...heldByOther, renewTime: new Date('2000-01-01T00:00:00.000Z') };
  assert.equal(decideLeaseAction(staleClock, 50_000, 50_001, 'operator-0').kind, 'wait');
});

test('judges expiry by the duration the Lease itself records', () => {
  const short = { ...heldByOther, leaseDurationSeconds: 3 };
  assert.equal(decideLeaseAction(short, 0, 2_999, 'operator-0').kind, 'wait');
  assert.equal(decideLeaseAction(short, 0, 3_000, 'operator-0').kind, 'takeOver');
});

test('takes over a released Lease at once', () => {
  const released = releasedLeaseRecord(heldByOther, renewed);
  assert.deepEqual(decideLeaseAction(released, 0, 1, 'operator-0'), { kind: 'takeOver', reason: 'released' });
});

test('a renewal keeps the acquire time and transition count and moves the renew time', () => {
  const own = { ...heldByOther, holderIdentity: 'operator-0' };
  const now = new Date('2026-01-01T00:05:02.000Z');
  assert.deepEqual(heldLeaseRecord('renew', own, 'operator-0', 15, now), {
    holderIdentity: 'operator-0',
    leaseDurationSeconds: 15,
    acquireTime: acquired,
    renewTime: now,
    leaseTransitions: 4,
  });
});

test('a takeover counts one transition and starts a new acquire time', () => {
  const now = new Date('2026-01-01T00:06:00.000Z');
  assert.deepEqual(heldLeaseRecord('takeOver', heldByOther, 'operator-0', 15, now), {
    holderIdentity: 'operator-0',
    leaseDurationSeconds: 15,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: 5,
  });
});

test('a created Lease starts with no transitions', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');
  assert.deepEqual(heldLeaseRecord('create', undefined, 'operator-0', 15, now), {
    holderIdentity: 'operator-0',
    leaseDurationSeconds: 15,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: 0,
  });
});

test('a release empties the holder and keeps the transition count', () => {
  const released = releasedLeaseRecord(heldByOther, renewed);
  assert.equal(released.holderIdentity, '');
  assert.equal(released.leaseTransitions, 4);
});

test('records are the same only when every field is, times compared by instant', () => {
  assert.ok(sameLeaseRecord(heldByOther, { ...heldByOther, renewTime: new Date(renewed.getTime()) }));
  assert.ok(!sameLeaseRecord(heldByOther, { ...heldByOther, renewTime: new Date(renewed.getTime() + 1) }));
  assert.ok(!sameLeaseRecord(heldByOther, { ...heldByOther, holderIdentity: 'operator-2' }));
  assert.ok(!sameLeaseRecord(heldByOther, { ...heldByOther, leaseTransitions: 5 }));
});
