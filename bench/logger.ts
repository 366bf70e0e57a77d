// Benchmark: the cost of one log line of the operator's logger (secret-bearing keys censored by a
// walk that copies nothing unless it finds one) against pino with no redaction and pino's own path
// redaction over the same keys, in the same process. Usage: npm run bench:logger
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createLogger } from '../src/supervisor/logger.ts';

const lines = 200_000;
const discard = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
// The paths the logger redacted with before (its keys, at four depths).
const paths = [
  'password',
  '["sasl.jaas.config"]',
  'saslJaasConfig',
  'privateKey',
  '["user.key"]',
  'token',
].flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`].map((path) => path.replace('.[', '[')));
const loggers: Record<string, pino.Logger> = {
  'no redaction (baseline)': pino({ base: { component: 'bench' } }, discard()),
  "pino's path redaction": pino(
    { base: { component: 'bench' }, redact: { paths, censor: '[redacted]' } },
    discard(),
  ),
  "the operator's logger": createLogger('info', discard()),
};

function microsecondsPerLine(logger: pino.Logger): number {
  const child = logger.child({ kind: 'KafkaUser', resource: 'namespace/name' });
  const start = performance.now();
  for (let i = 0; i < lines; i++) child.info({ from: 'reconciling', to: 'ready' }, 'state changed');
  return ((performance.now() - start) * 1000) / lines;
}

for (const logger of Object.values(loggers)) microsecondsPerLine(logger); // warm-up
const baseline = microsecondsPerLine(loggers['no redaction (baseline)'] as pino.Logger);
for (const [name, logger] of Object.entries(loggers)) {
  const cost = microsecondsPerLine(logger);
  console.log(`${name}: ${cost.toFixed(1)} µs per line, ${(cost / baseline).toFixed(1)}x the baseline`);
}
