// Real services: kube-apiserver, Kafka (SASL/SCRAM), and this file's own Redis master behind a Redis
// Sentinel, both requiring a password of their own; the operator as a separate process. Given the
// sentinels and the master's name it reconciles through the master they name; a wrong password for
// either stops it at start, saying which one, without printing it.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runDirectory, startRedisServer } from '../support/environment.ts';
import { freePort } from '../support/free-port.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('redis-sentinel');
const topics = fixture.kafkaTopics;
const masterPassword = randomBytes(18).toString('base64url');
const sentinelPassword = randomBytes(18).toString('base64url');
const masterName = 'queue';
const redises: ChildProcess[] = [];
const operators: OperatorProcess[] = [];
let sentinelSettings: Record<string, string>;
let masterPort: number;
const sentinelDirectory = mkdtempSync(join(runDirectory, 'redis-sentinel-'));

// A sentinel monitoring the master on masterPort; it rewrites its configuration file, so it gets its own.
async function startSentinel(port: number, masterPort: number): Promise<ChildProcess> {
  const configuration = join(sentinelDirectory, 'sentinel.conf');
  writeFileSync(
    configuration,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
      `sentinel auth-pass ${masterName} ${masterPassword}`,
      `requirepass ${sentinelPassword}`,
      '',
    ].join('\n'),
  );
  const log = openSync(join(runDirectory, 'logs', `redis-sentinel-${fixture.namespace}.log`), 'a');
  const sentinel = spawn('redis-server', [configuration, '--sentinel'], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  sentinel.unref();
  const cli = ['-p', String(port), '--no-auth-warning', '-a', sentinelPassword];
  await waitFor(`the sentinel on port ${port} to name the master`, async () => {
    const answer = execFileSync('redis-cli', [...cli, 'sentinel', 'get-master-addr-by-name', masterName], {
      encoding: 'utf8',
    });
    return answer.includes(String(masterPort)) || undefined;
  });
  return sentinel;
}

before(async () => {
  masterPort = await freePort();
  redises.push(
    await startRedisServer(masterPort, join(runDirectory, 'logs', `redis-master-${fixture.namespace}.log`), {
      server: ['--requirepass', masterPassword, '--protected-mode', 'yes'],
    }),
  );
  const sentinelPort = await freePort();
  redises.push(await startSentinel(sentinelPort, masterPort));
  sentinelSettings = {
    REDIS_URL: '',
    REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`,
    REDIS_SENTINEL_MASTER: masterName,
    REDIS_PASSWORD: masterPassword,
    REDIS_SENTINEL_PASSWORD: sentinelPassword,
  };
});
after(async () => {
  await Promise.all(operators.map((operator) => operator.stop()));
  for (const redis of redises) redis.kill();
  rmSync(sentinelDirectory, { recursive: true, force: true });
  await fixture.cleanup();
});

test('given the sentinels and the master name, the operator reconciles through the master they name', async () => {
  const operator = startOperatorProcess('redis-sentinel', { ...fixture.env, ...sentinelSettings });
  operators.push(operator);
  await operator.httpPort();
  await topics.create('through-sentinel');
  await topics.waitReady('through-sentinel');
  // The queue lives in the master the sentinel named.
  const keys = execFileSync(
    'redis-cli',
    [
      '-p',
      String(masterPort),
      '--no-auth-warning',
      '-a',
      masterPassword,
      '--scan',
      '--pattern',
      `${fixture.env.QUEUE_PREFIX}:*`,
    ],
    { encoding: 'utf8' },
  );
  assert.notEqual(keys.trim(), '', `keys of the queue ${fixture.env.QUEUE_PREFIX} in the master`);
  const log = readFileSync(operator.logFile, 'utf8');
  assert.ok(!log.includes(masterPassword) && !log.includes(sentinelPassword), 'no password is in the log');
});

for (const [wrong, refuser] of [
  ['REDIS_PASSWORD', /the Redis master queue of the sentinels 127\.0\.0\.1:\d+ refused/],
  ['REDIS_SENTINEL_PASSWORD', /the sentinels 127\.0\.0\.1:\d+ refused/],
] as const) {
  test(`with a wrong ${wrong} the operator refuses to start and says who refused which password`, async () => {
    const operator = startOperatorProcess(`redis-sentinel-wrong-${wrong.toLowerCase()}`, {
      ...fixture.env,
      ...sentinelSettings,
      [wrong]: `not-${sentinelSettings[wrong]}`,
    });
    operators.push(operator);
    assert.equal(await operator.exited, 1);
    const log = readFileSync(operator.logFile, 'utf8');
    assert.match(log, new RegExp(`${refuser.source} the operator's credentials \\(${wrong}\\): WRONGPASS`));
    assert.match(log, /operator failed to start/);
    assert.ok(!log.includes(masterPassword) && !log.includes(sentinelPassword), 'no password is in the log');
  });
}
