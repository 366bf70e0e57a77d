// The client quotas a KafkaUser's spec asks for, and what to change so that Kafka holds exactly
// those: set what differs, remove what the spec no longer names.
import type { KafkaUser } from '../../api/kafka-user.ts';
import type { UserQuotaChanges, UserQuotas } from '../kafka/kafka-admin.ts';

export const quotaKeys = [
  'producerByteRate',
  'consumerByteRate',
  'requestPercentage',
  'controllerMutationRate',
] as const satisfies readonly (keyof UserQuotas)[];

export function desiredQuotas(user: KafkaUser): UserQuotas {
  const quotas: UserQuotas = {};
  for (const key of quotaKeys) {
    const value = user.spec?.quotas?.[key];
    if (value !== undefined) quotas[key] = value;
  }
  return quotas;
}

export function quotaChanges(desired: UserQuotas, current: UserQuotas): UserQuotaChanges {
  const set: UserQuotas = {};
  for (const key of quotaKeys) {
    const value = desired[key];
    if (value !== undefined && current[key] !== value) set[key] = value;
  }
  const remove = quotaKeys.filter((key) => desired[key] === undefined && current[key] !== undefined);
  return { set, remove };
}

export function hasQuotaChanges(changes: UserQuotaChanges): boolean {
  return Object.keys(changes.set).length > 0 || changes.remove.length > 0;
}
