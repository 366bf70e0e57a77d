// One JSON line per event. Secrets never reach a line: known secret-bearing keys are redacted
// wherever they appear in the logged object.
import { type Logger, pino } from 'pino';

const secretKeys = ['password', 'sasl.jaas.config', 'saslJaasConfig', 'privateKey', 'user.key', 'token'];

export const redactedPaths = secretKeys.flatMap((key) => {
  const path = key.includes('.') ? `["${key}"]` : key;
  return [path, `*.${path}`, `*.*.${path}`, `*.*.*.${path}`].map((p) => p.replace('.[', '['));
});

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { component: 'kafka-actor-operator' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
