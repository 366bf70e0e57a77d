// What a candidate does with the Lease it has just read, decided as client-go's tryAcquireOrRenew
// decides it: pure, so the election rules are tested without an apiserver or a clock.

// The fields of a coordination.k8s.io/v1 Lease that leader election reads and writes.
export interface LeaseRecord {
  // Empty when the lease was released: anyone may take it at once.
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: Date | undefined;
  renewTime: Date | undefined;
  leaseTransitions: number;
}

export type LeaseAction =
  | { kind: 'create' }
  | { kind: 'renew' }
  | { kind: 'takeOver'; reason: 'released' | 'expired' }
  | { kind: 'wait'; holder: string; expiresInMs: number };

export function sameLeaseRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime?.getTime() === b.acquireTime?.getTime() &&
    a.renewTime?.getTime() === b.renewTime?.getTime() &&
    a.leaseTransitions === b.leaseTransitions
  );
}

// Expiry is judged from `observedAt`, the local time this record was first seen unchanged, never from
// the remote renewTime: a skewed clock elsewhere then cannot shorten or stretch the lease.
export function decideLeaseAction(
  record: LeaseRecord | undefined,
  observedAt: number,
  now: number,
  identity: string,
): LeaseAction {
  if (record === undefined) return { kind: 'create' };
  if (record.holderIdentity === identity) return { kind: 'renew' };
  if (record.holderIdentity === '') return { kind: 'takeOver', reason: 'released' };
  const expiresInMs = observedAt + record.leaseDurationSeconds * 1000 - now;
  if (expiresInMs <= 0) return { kind: 'takeOver', reason: 'expired' };
  return { kind: 'wait', holder: record.holderIdentity, expiresInMs };
}

// The record to write for an action that makes `identity` the holder: a renewal keeps the acquire time
// and the transition count; a change of holder starts a new acquire time and counts one transition.
export function heldLeaseRecord(
  action: 'create' | 'renew' | 'takeOver',
  previous: LeaseRecord | undefined,
  identity: string,
  leaseDurationSeconds: number,
  now: Date,
): LeaseRecord {
  const renewing = action === 'renew' && previous !== undefined;
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: renewing ? (previous.acquireTime ?? now) : now,
    renewTime: now,
    leaseTransitions: (previous?.leaseTransitions ?? 0) + (action === 'takeOver' ? 1 : 0),
  };
}

// As client-go's ReleaseOnCancel: an empty holder lets a follower take over on its next try instead
// of waiting for the lease to expire.
export function releasedLeaseRecord(previous: LeaseRecord, now: Date): LeaseRecord {
  return {
    holderIdentity: '',
    leaseDurationSeconds: 1,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: previous.leaseTransitions,
  };
}
