// Real services: kube-apiserver, Kafka (SASL/SCRAM), and two Redis of this file's own that require a
// password, one of them over TLS with a CA of its own (openssl); the operator as a separate process.
// With the password (and the CA) the operator reconciles; with a wrong one it refuses to start and says
// why, without printing the password.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runDirectory, startRedisServer } from '../support/environment.ts';
import { freePort } from '../support/free-port.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';

const fixture = await operatorFixture('redis-password');
const topics = fixture.kafkaTopics;
const password = randomBytes(18).toString('base64url');
const redises: ChildProcess[] = [];
let redisUrl: string;
let tlsUrl: string;
let tls: { ca: string; certificate: string; key: string };
const operators: OperatorProcess[] = [];

// A CA and a server certificate for 127.0.0.1, made with openssl for this file's TLS Redis.
function tlsFiles(directory: string): { ca: string; certificate: string; key: string } {
  const path = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=redis-test-ca',
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.crt'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    path('tls.key'),
    '-out',
    path('tls.csr'),
  );
  writeFileSync(path('tls.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    path('tls.csr'),
    '-CA',
    path('ca.crt'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    path('tls.ext'),
    '-out',
    path('tls.crt'),
  );
  return { ca: path('ca.crt'), certificate: path('tls.crt'), key: path('tls.key') };
}

before(async () => {
  const protectedArguments = ['--requirepass', password, '--protected-mode', 'yes'];
  const port = await freePort();
  redises.push(
    await startRedisServer(port, join(runDirectory, 'logs', `redis-${fixture.namespace}.log`), {
      server: protectedArguments,
    }),
  );
  redisUrl = `redis://127.0.0.1:${port}`;
  tls = tlsFiles(mkdtempSync(join(runDirectory, 'redis-tls-')));
  const tlsPort = await freePort();
  redises.push(
    await startRedisServer(tlsPort, join(runDirectory, 'logs', `redis-tls-${fixture.namespace}.log`), {
      server: [
        ...protectedArguments,
        '--port',
        '0',
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        tls.certificate,
        '--tls-key-file',
        tls.key,
        '--tls-ca-cert-file',
        tls.ca,
        '--tls-auth-clients',
        'no',
      ],
      cli: ['--tls', '--cacert', tls.ca],
    }),
  );
  tlsUrl = `rediss://127.0.0.1:${tlsPort}`;
});
after(async () => {
  await Promise.all(operators.map((operator) => operator.stop()));
  for (const redis of redises) redis.kill();
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

test('through rediss:// with REDIS_TLS_CA_FILE naming the CA of its certificate, the operator reconciles', async () => {
  const operator = startOperatorProcess('redis-tls', {
    ...fixture.env,
    REDIS_URL: tlsUrl,
    REDIS_PASSWORD: password,
    REDIS_TLS_CA_FILE: tls.ca,
    QUEUE_PREFIX: `${fixture.env.QUEUE_PREFIX}-tls`,
  });
  operators.push(operator);
  await operator.httpPort();
  await topics.create('through-tls-redis');
  await topics.waitReady('through-tls-redis');
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
