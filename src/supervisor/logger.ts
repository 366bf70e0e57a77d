// One JSON line per event. Secrets never reach a line: the values of known secret-bearing keys are
// replaced wherever they appear in the logged object, down to four levels.
import { type Logger, pino } from 'pino';

const secretKeys = new Set([
  'password',
  'sentinelPassword',
  'sasl.jaas.config',
  'saslJaasConfig',
  'privateKey',
  'user.key',
  'token',
]);
// Redis commands whose arguments carry credentials; a Redis client's error names the command it failed.
const credentialCommands = new Set(['auth', 'hello', 'migrate']);
const censor = '[redacted]';
const deepestSecretKey = 3;

// The value with every secret-bearing key's value censored. Only the objects on the way to a secret
// are copied, so the usual line (no secret in it) costs a walk and no garbage; pino's own path
// redaction over the same keys made each line several times dearer (npm run bench:logger).
export function withoutSecrets(value: unknown, depth = 0): unknown {
  if (depth > deepestSecretKey || typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) {
    return value;
  }
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(source)) {
    const inner = source[key];
    const secret =
      secretKeys.has(key) ||
      (key === 'args' &&
        typeof source.name === 'string' &&
        credentialCommands.has(source.name.toLowerCase()));
    const kept = secret ? censor : withoutSecrets(inner, depth + 1);
    if (kept !== inner) {
      copy ??= shallowCopy(source);
      copy[key] = kept;
    }
  }
  return copy ?? value;
}

// A copy that logs as the original did: an error keeps its class, message and stack.
function shallowCopy(source: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(source)) return [...source] as unknown as Record<string, unknown>;
  if (source instanceof Error) {
    const error = Object.assign(Object.create(Object.getPrototypeOf(source)) as Error, source);
    error.message = source.message;
    error.stack = source.stack;
    if ('cause' in source) error.cause = source.cause;
    return error as unknown as Record<string, unknown>;
  }
  return { ...source };
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { component: 'kafka-actor-operator' },
      formatters: {
        bindings: (bindings) => withoutSecrets(bindings) as Record<string, unknown>,
        log: (object) => withoutSecrets(object) as Record<string, unknown>,
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
