import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, withoutSecrets } from '../../../src/supervisor/logger.ts';

// The lines a logger writes, as written.
function captured(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, sink };
}

test('passwords, keys and sasl.jaas.config never reach a log line, at any depth', () => {
  const { lines, sink } = captured();
  const logger = createLogger('info', sink);
  logger.info(
    {
      password: 'p1',
      secret: { data: { password: 'p2', 'sasl.jaas.config': 'org.apache... password="p3";' } },
      user: { credentials: { nested: { privateKey: 'p4' } } },
    },
    'reconciled user',
  );
  const output = lines.join('');
  for (const secret of ['p1', 'p2', 'p3', 'p4'])
    assert.ok(!output.includes(secret), `${secret} leaked: ${output}`);
  assert.ok(output.includes('[redacted]'));
});

test('a line with no secret logs its object as it is: nothing copied, arrays walked, buffers not', () => {
  const plain = {
    from: 'reconciling',
    to: 'ready',
    nested: { list: [1, { name: 'a' }] },
    data: Buffer.from('x'),
  };
  assert.equal(withoutSecrets(plain), plain);
  const withSecretInArray = { users: [{ name: 'a', password: 'p5' }] };
  const censored = withoutSecrets(withSecretInArray) as { users: { name: string; password: string }[] };
  assert.deepEqual(censored, { users: [{ name: 'a', password: '[redacted]' }] });
  assert.ok(Array.isArray(censored.users));
  assert.equal(withSecretInArray.users[0]?.password, 'p5', 'the logged object itself is left alone');
});

test("a Redis client's error never shows the password its AUTH command carried; other commands keep their arguments", () => {
  const { lines, sink } = captured();
  const refused = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
    command: { name: 'auth', args: ['redis-password-1'] },
  });
  const failed = Object.assign(new Error('Connection is closed.'), {
    command: { name: 'get', args: ['bull:key'] },
  });
  const logger = createLogger('info', sink);
  logger.error({ err: refused }, 'reconcile queue error');
  logger.error({ err: failed }, 'reconcile queue error');
  const [auth, get] = lines;
  assert.ok(!auth?.includes('redis-password-1'), `the password leaked: ${auth}`);
  assert.match(auth ?? '', /WRONGPASS/);
  assert.match(get ?? '', /bull:key/);
});

test('an error with a censored property still logs with its class, message and cause', () => {
  const { lines, sink } = captured();
  class AdminError extends Error {}
  const error = Object.assign(new AdminError('cannot connect', { cause: new Error('login failed') }), {
    password: 'error-secret',
  });
  createLogger('info', sink).error({ err: error }, 'failed');
  const [line] = lines;
  assert.ok(!line?.includes('error-secret'), `the password leaked: ${line}`);
  assert.match(line ?? '', /"type":"AdminError","message":"cannot connect/);
  assert.match(line ?? '', /login failed/);
});
