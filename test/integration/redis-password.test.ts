// Real services: kube-apiserver, Kafka (SASL/SCRAM), and a Redis of this file's own that requires a
// password; the operator as a separate process. With the password the operator reconciles; with a wrong
// one it refuses to start and says why, without printing the password.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runDirectory, startRedisServer } from '../support/environment.ts';
import { freePort } from '../support/free-port.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';

const fixture = await operatorFixture('redis-password');
const topics = fixture.kafkaTopics;
const password = randomBytes(18).toString('base64url');
let redis: ChildProcess;
let redisUrl: string;
const operators: OperatorProcess[] = [];

before(async () => {
  const port = await freePort();
  redis = await startRedisServer(port, join(runDirectory, 'logs', `redis-${fixture.namespace}.log`), [
    '--requirepass',
    password,
    '--protected-mode',
    'yes',
  ]);
  redisUrl = `redis://127.0.0.1:${port}`;
});
after(async () => {
  await Promise.all(operators.map((operator) => operator.stop()));
  redis.kill();
  await fixture.cleanup();
});

test('with REDIS_PASSWORD the operator reconciles through a password-protected Redis', async () => {
  const operator = startOperatorProcess('redis-password', {
    ...fixture.env,
    REDIS_URL: redisUrl,
    REDIS_PASSWORD: password,
  });
  operators.push(operator);
  await operator.httpPort();
  await topics.create('through-protected-redis');
  await topics.waitReady('through-protected-redis');
  assert.ok(!readFileSync(operator.logFile, 'utf8').includes(password), 'the password is not in the log');
});

test('with a wrong password the operator refuses to start and says that Redis refused its credentials', async () => {
  const operator = startOperatorProcess('redis-wrong-password', {
    ...fixture.env,
    REDIS_URL: redisUrl,
    REDIS_PASSWORD: `not-${password}`,
  });
  operators.push(operator);
  const code = await operator.exited;
  assert.equal(code, 1);
  const log = readFileSync(operator.logFile, 'utf8');
  assert.match(log, /Redis at 127\.0\.0\.1:\d+ refused the operator's credentials .*WRONGPASS/);
  assert.match(log, /operator failed to start/);
  assert.ok(!log.includes(password), 'no password is in the log');
});
