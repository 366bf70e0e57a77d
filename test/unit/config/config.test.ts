import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config.ts';

test('with no settings the operator watches its own namespace with the documented defaults', () => {
  const config = loadConfig({ OPERATOR_NAMESPACE: 'kafka', POD_NAME: 'operator-0' });
  assert.deepEqual(config.watchNamespaces, ['kafka']);
  assert.equal(config.identity, 'operator-0');
  assert.equal(config.resyncIntervalMs, 120_000);
  assert.deepEqual(config.retry, { initialMs: 1_000, maxMs: 300_000 });
  assert.deepEqual(config.lease, {
    name: 'kafka-actor-operator',
    durationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
  });
  assert.deepEqual(config.redis, { url: 'redis://127.0.0.1:6379', password: undefined, tlsCa: undefined });
  assert.equal(config.useFinalizers, true);
  assert.deepEqual(config.kafkaClusters, {});
  assert.equal(config.maxTopicPartitions, 10_000);
});

test('WATCH_NAMESPACES takes a list or * for all namespaces', () => {
  assert.deepEqual(loadConfig({ WATCH_NAMESPACES: 'a, b,a' }).watchNamespaces, ['a', 'b']);
  assert.equal(loadConfig({ WATCH_NAMESPACES: '*' }).watchNamespaces, 'all');
});

test('KAFKA_CLUSTERS names external clusters with their bootstrap, credentials Secret and super users', () => {
  const config = loadConfig({
    KAFKA_CLUSTERS:
      '{"prod": {"bootstrap": "k1:9092,k2:9092", "credentialsSecret": "ops/prod-admin", "tls": true, ' +
      '"superUsers": ["User:ops"]}}',
  });
  assert.deepEqual(config.kafkaClusters, {
    prod: {
      bootstrap: 'k1:9092,k2:9092',
      credentialsSecret: 'ops/prod-admin',
      tls: true,
      superUsers: ['User:ops'],
    },
  });
});

test('every bad setting is refused with an error that names it', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ RESYNC_INTERVAL_MS: '10' }, /RESYNC_INTERVAL_MS/],
    [{ HTTP_PORT: 'eighty' }, /HTTP_PORT/],
    [{ LOG_LEVEL: 'chatty' }, /LOG_LEVEL.*one of/],
    [{ USE_FINALIZERS: 'yes' }, /USE_FINALIZERS/],
    [{ KAFKA_CLUSTERS: '[' }, /KAFKA_CLUSTERS is not valid JSON/],
    [
      { KAFKA_CLUSTERS: '{"x": {"bootstrap": "h:1", "credentialsSecret": "nons"}}' },
      /KAFKA_CLUSTERS\.x\.credentialsSecret/,
    ],
    [
      { KAFKA_CLUSTERS: '{"x": {"bootstrap": "h:1", "superUsers": ["ops"]}}' },
      /KAFKA_CLUSTERS\.x\.superUsers/,
    ],
    [{ LEASE_DURATION_MS: '5000', LEASE_RENEW_DEADLINE_MS: '5000' }, /LEASE_RENEW_DEADLINE_MS/],
    [{ REDIS_URL: 'http://redis' }, /REDIS_URL/],
    [{ RECONCILE_RETRY_INITIAL_MS: '10' }, /RECONCILE_RETRY_INITIAL_MS/],
    [{ TOPIC_MAX_PARTITIONS: '0' }, /TOPIC_MAX_PARTITIONS.*from 1 to 2147483647/],
    [{ TOPIC_MAX_PARTITIONS: '2147483648' }, /TOPIC_MAX_PARTITIONS.*from 1 to 2147483647/],
    [{ RECONCILE_RETRY_INITIAL_MS: '5000', RECONCILE_RETRY_MAX_MS: '1000' }, /RECONCILE_RETRY_MAX_MS/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (error: Error) => error instanceof ConfigError && message.test(error.message),
    );
  }
});

test('REDIS_PASSWORD and a REDIS_TLS_CA_FILE for a rediss:// URL are taken; a CA for plain redis:// or one that cannot be read is refused', () => {
  const directory = mkdtempSync(join(tmpdir(), 'redis-ca-'));
  const caFile = join(directory, 'ca.crt');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');
  assert.deepEqual(
    loadConfig({ REDIS_URL: 'rediss://redis:6380', REDIS_PASSWORD: 'pw', REDIS_TLS_CA_FILE: caFile }).redis,
    { url: 'rediss://redis:6380', password: 'pw', tlsCa: '-----BEGIN CERTIFICATE-----\n' },
  );
  assert.throws(
    () => loadConfig({ REDIS_URL: 'redis://redis:6379', REDIS_TLS_CA_FILE: caFile }),
    /REDIS_TLS_CA_FILE is set but REDIS_URL is not a rediss:\/\/ \(TLS\) URL/,
  );
  assert.throws(
    () => loadConfig({ REDIS_URL: 'rediss://redis:6380', REDIS_TLS_CA_FILE: join(directory, 'missing.crt') }),
    /REDIS_TLS_CA_FILE=.*missing\.crt cannot be read/,
  );
  rmSync(directory, { recursive: true });
});

test('REDIS_SENTINELS with REDIS_SENTINEL_MASTER name the Redis by its sentinels, with the passwords of the master and of the sentinels', () => {
  assert.deepEqual(
    loadConfig({
      REDIS_SENTINELS: 'sentinel-0.redis:26379, 10.0.0.7:26380,[fd00::1]:26381',
      REDIS_SENTINEL_MASTER: 'queue',
      REDIS_PASSWORD: 'master-pw',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
    }).redis,
    {
      sentinels: [
        { host: 'sentinel-0.redis', port: 26379 },
        { host: '10.0.0.7', port: 26380 },
        { host: 'fd00::1', port: 26381 },
      ],
      masterName: 'queue',
      password: 'master-pw',
      sentinelPassword: 'sentinel-pw',
    },
  );
  assert.deepEqual(loadConfig({ REDIS_SENTINELS: 'sentinel:26379', REDIS_SENTINEL_MASTER: 'queue' }).redis, {
    sentinels: [{ host: 'sentinel', port: 26379 }],
    masterName: 'queue',
    password: undefined,
    sentinelPassword: undefined,
  });
});

test('Sentinel settings that cannot work are refused with the variable to fix', () => {
  const sentinels = { REDIS_SENTINELS: 'sentinel:26379', REDIS_SENTINEL_MASTER: 'queue' };
  const cases: [Record<string, string>, RegExp][] = [
    [{ REDIS_SENTINELS: 'sentinel:26379' }, /REDIS_SENTINELS is set but REDIS_SENTINEL_MASTER is not/],
    [{ ...sentinels, REDIS_URL: 'redis://redis:6379' }, /REDIS_URL and REDIS_SENTINELS are both set/],
    [{ ...sentinels, REDIS_TLS_CA_FILE: '/ca.crt' }, /TLS through Sentinel is not supported/],
    [
      { ...sentinels, REDIS_SENTINELS: 'sentinel' },
      /REDIS_SENTINELS="sentinel" is not valid: expected host:port/,
    ],
    [{ ...sentinels, REDIS_SENTINELS: 'a:26379,,b:26379' }, /REDIS_SENTINELS=.* is not valid/],
    [{ ...sentinels, REDIS_SENTINELS: 'sentinel:0' }, /REDIS_SENTINELS=.* is not valid/],
    [{ ...sentinels, REDIS_SENTINELS: 'sentinel:65536' }, /REDIS_SENTINELS=.* is not valid/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (error: Error) => error instanceof ConfigError && message.test(error.message),
      JSON.stringify(env),
    );
  }
});
