// Strimzi's status conditions and the pure helpers the runtime uses to write status only when something
// other than a timestamp changed.
import { enumOf, type Infer, object, string } from './schema.ts';

export const conditionSchema = object(
  {
    type: string({
      description: 'The unique identifier of a condition, used to distinguish between other conditions.',
    }),
    status: enumOf(['True', 'False', 'Unknown'], { description: 'The status of the condition.' }),
    reason: string({ description: "The reason for the condition's last transition, one word in CamelCase." }),
    message: string({ description: "Human-readable details about the condition's last transition." }),
    lastTransitionTime: string({
      description: "When the condition last changed status, as 'yyyy-MM-ddTHH:mm:ssZ' in UTC.",
    }),
  },
  { required: ['type', 'status', 'lastTransitionTime'] },
);

export type Condition = Infer<typeof conditionSchema>;

/** A condition as the runtime decides it; the transition time is this module's business. */
export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

/** Strimzi's timestamp format: seconds precision, UTC. */
export function formatTransitionTime(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Returns the conditions with `next` in place of the condition of its type (appended when new). The transition
 * time moves to `now` only when the status changes, as Kubernetes conventions require.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: ConditionUpdate,
  now: Date,
): Condition[] {
  const current = conditions ?? [];
  const previous = current.find((condition) => condition.type === next.type);
  const lastTransitionTime =
    previous !== undefined && previous.status === next.status
      ? previous.lastTransitionTime
      : formatTransitionTime(now);
  const updated: Condition = { ...next, lastTransitionTime };
  return previous === undefined
    ? [...current, updated]
    : current.map((condition) => (condition === previous ? updated : condition));
}

/**
 * True when two statuses differ at most in `lastTransitionTime` fields (at any depth) and in fields that are
 * absent on one side and undefined on the other: such a difference is not worth a status write.
 */
export function statusEquivalent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => statusEquivalent(item, b[index]))
    );
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete('lastTransitionTime');
  return [...keys].every((key) => statusEquivalent(a[key], b[key]));
}

/** Whether two statuses say the same of the resource: the same conditions, by type, status and reason. */
export function sameConditions(a: unknown, b: unknown): boolean {
  const summary = (status: unknown) =>
    ((status as { conditions?: Condition[] } | undefined)?.conditions ?? [])
      .map((condition) => `${condition.type}=${condition.status}/${condition.reason ?? ''}`)
      .sort()
      .join(',');
  return summary(a) === summary(b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
