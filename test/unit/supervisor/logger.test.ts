import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../../src/supervisor/logger.ts';

test('passwords, keys and sasl.jaas.config never reach a log line, at any depth', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
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
