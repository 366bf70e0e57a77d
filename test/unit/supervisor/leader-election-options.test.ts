import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import {
  type LeaderElectionOptions,
  resolveLeaderElectionOptions,
} from '../../../src/supervisor/leader-election.ts';

const base: LeaderElectionOptions = {
  kubeConfig: new KubeConfig(),
  namespace: 'kafka',
  leaseName: 'kafka-actor-operator',
  identity: 'operator-0',
  logger: pino({ level: 'silent' }),
};

test('fills in client-go defaults: 15 s lease, 10 s renew deadline, 2 s retry, release on stop', () => {
  const settings = resolveLeaderElectionOptions(base);
  assert.equal(settings.leaseDurationMs, 15_000);
  assert.equal(settings.renewDeadlineMs, 10_000);
  assert.equal(settings.retryPeriodMs, 2_000);
  assert.equal(settings.releaseOnStop, true);
});

test('keeps timings that are given and consistent', () => {
  const settings = resolveLeaderElectionOptions({
    ...base,
    leaseDurationMs: 3_000,
    renewDeadlineMs: 2_000,
    retryPeriodMs: 500,
    releaseOnStop: false,
  });
  assert.deepEqual(
    [settings.leaseDurationMs, settings.renewDeadlineMs, settings.retryPeriodMs, settings.releaseOnStop],
    [3_000, 2_000, 500, false],
  );
});

test('refuses a renew deadline that is not shorter than the lease duration, naming both settings', () => {
  assert.throws(
    () => resolveLeaderElectionOptions({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }),
    /kafka\/kafka-actor-operator: renewDeadlineMs \(10000\) must be less than leaseDurationMs \(10000\)/,
  );
});

test('refuses a retry period that is not shorter than the renew deadline, naming both settings', () => {
  assert.throws(
    () => resolveLeaderElectionOptions({ ...base, retryPeriodMs: 12_000 }),
    /retryPeriodMs \(12000\) must be less than renewDeadlineMs \(10000\)/,
  );
});

test('refuses a lease shorter than the one-second unit a Lease records', () => {
  assert.throws(
    () =>
      resolveLeaderElectionOptions({
        ...base,
        leaseDurationMs: 900,
        renewDeadlineMs: 600,
        retryPeriodMs: 100,
      }),
    /leaseDurationMs \(900\) must be at least 1000/,
  );
});

test('refuses timings that are not positive numbers', () => {
  for (const [name, value] of [
    ['leaseDurationMs', -1],
    ['renewDeadlineMs', 0],
    ['retryPeriodMs', Number.NaN],
  ] as const) {
    assert.throws(
      () => resolveLeaderElectionOptions({ ...base, [name]: value }),
      new RegExp(`${name} must be a positive number of milliseconds`),
    );
  }
});

test('refuses an empty identity, namespace or lease name', () => {
  for (const name of ['identity', 'namespace', 'leaseName'] as const) {
    assert.throws(
      () => resolveLeaderElectionOptions({ ...base, [name]: '' }),
      new RegExp(`${name} must be a non-empty string`),
    );
  }
});
