// How a Redis connection becomes ioredis's options (bullmq builds its clients from the same) and how
// messages name it: pure mapping, no Redis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRedis, redisClientOptions } from '../../../src/supervisor/reconcile-queue.ts';

test('a Redis by URL keeps the URL apart and adds the password and the TLS CA when given', () => {
  assert.deepEqual(redisClientOptions({ url: 'redis://redis:6379' }), { url: 'redis://redis:6379' });
  assert.deepEqual(redisClientOptions({ url: 'rediss://redis:6380', password: 'pw', tlsCa: 'PEM' }), {
    url: 'rediss://redis:6380',
    password: 'pw',
    tls: { ca: 'PEM' },
  });
  assert.equal(describeRedis({ url: 'redis://:pw@redis:6379' }), 'Redis at redis:6379');
});

test("a Redis by its sentinels has no URL: ioredis asks the sentinels for the master's address", () => {
  const sentinels = [
    { host: 'sentinel-0', port: 26379 },
    { host: 'sentinel-1', port: 26379 },
  ];
  assert.deepEqual(redisClientOptions({ sentinels, masterName: 'queue' }), { sentinels, name: 'queue' });
  const withPasswords = { sentinels, masterName: 'queue', password: 'master', sentinelPassword: 'sentinel' };
  assert.deepEqual(redisClientOptions(withPasswords), {
    sentinels,
    name: 'queue',
    password: 'master',
    sentinelPassword: 'sentinel',
  });
  const described = describeRedis(withPasswords);
  assert.equal(described, 'the Redis master queue of the sentinels sentinel-0:26379,sentinel-1:26379');
});
