// What of an actor's context the state-chart view may show. A whitelist: a field appears only when
// it is named here, so a context field added later (credentials, a whole resource) stays hidden until
// someone decides it is safe. Text that is shown is still scrubbed of anything shaped like a secret.

export interface ShownFailure {
  reason: string;
  message: string;
  retryable?: boolean;
}

export type ShownContext = Record<string, string | number | boolean | ShownFailure>;

type FieldKind = 'text' | 'number' | 'failure';

// Fields of the machines' contexts that carry no secret, with the shape each must have.
const shownFields: Record<string, FieldKind> = {
  topicName: 'text',
  topicId: 'text',
  // KafkaUser: the principal's name and the name of its Secret, never the Secret's content.
  username: 'text',
  secretName: 'text',
  // Kafka: the cluster's id and version, and how many pods the running reconcile creates, removes, rolls.
  clusterId: 'text',
  kafkaVersion: 'text',
  podsToCreate: 'number',
  podsToRemove: 'number',
  podsToRoll: 'number',
  reconciledGeneration: 'number',
  consecutiveFailures: 'number',
  lastError: 'failure',
  // Kafka: what a waiting step waits for, shown as a failure is (its reason and message).
  waiting: 'failure',
};

const redacted = '[redacted]';

// Secret-shaped parts of a text: PEM blocks, `sasl.jaas.config=…` and JAAS options (to their `;`),
// and `name=value` or `name: value` where the name is a password, token, secret or key.
const secretPatterns: [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, redacted],
  [/(sasl\.jaas\.config["']?\s*[=:]\s*)[^;\n]*;?/gi, `$1${redacted}`],
  [/(LoginModule\s+required\s+)[^;\n]*;?/gi, `$1${redacted}`],
  [
    new RegExp(
      String.raw`((?:[\w.-]*(?:password|passwd|secret|token|credentials?|(?:private|api|access|secret|user)` +
        String.raw`[._-]?key))["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;}]+)`,
      'gi',
    ),
    `$1${redacted}`,
  ],
];

export function scrubSecrets(text: string): string {
  return secretPatterns.reduce(
    (result, [pattern, replacement]) => result.replace(pattern, replacement),
    text,
  );
}

function shownFailure(value: unknown): ShownFailure | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { reason, message, retryable } = value as Record<string, unknown>;
  if (typeof reason !== 'string' || typeof message !== 'string') return undefined;
  const failure: ShownFailure = { reason: scrubSecrets(reason), message: scrubSecrets(message) };
  if (typeof retryable === 'boolean') failure.retryable = retryable;
  return failure;
}

function shownValue(kind: FieldKind, value: unknown): ShownContext[string] | undefined {
  if (kind === 'text') return typeof value === 'string' ? scrubSecrets(value) : undefined;
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  return shownFailure(value);
}

export function sanitiseContext(context: unknown): ShownContext {
  const shown: ShownContext = {};
  if (typeof context !== 'object' || context === null) return shown;
  for (const [field, kind] of Object.entries(shownFields)) {
    const value = shownValue(kind, (context as Record<string, unknown>)[field]);
    if (value !== undefined) shown[field] = value;
  }
  return shown;
}
