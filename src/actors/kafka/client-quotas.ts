// KafkaUser quotas (spec.quotas) as Kafka's client quotas of the entity user=<name>.
import {
  type alterClientQuotasV1,
  ClientQuotaEntityTypes,
  ClientQuotaMatchTypes,
  type describeClientQuotasV1,
} from '@platformatic/kafka';
import type { UserQuotaChanges, UserQuotas } from './kafka-admin.ts';

type QuotaKey = alterClientQuotasV1.ClientQuotaKey;
type QuotaOperation = alterClientQuotasV1.AlterClientQuotasRequestOp;
type QuotaFilter = describeClientQuotasV1.DescribeClientQuotasRequestComponent;
type QuotaEntity = describeClientQuotasV1.DescribeClientQuotasResponseEntity;
type QuotaValue = describeClientQuotasV1.DescribeClientQuotasResponseValue;

export const quotaKeys: Record<keyof UserQuotas, QuotaKey> = {
  producerByteRate: 'producer_byte_rate',
  consumerByteRate: 'consumer_byte_rate',
  requestPercentage: 'request_percentage',
  controllerMutationRate: 'controller_mutation_rate',
};

const quotaFields = new Map(
  Object.entries(quotaKeys).map(([field, key]) => [key, field as keyof UserQuotas]),
);

export function userQuotaEntity(user: string): Array<{ entityType: 'user'; entityName: string }> {
  return [{ entityType: ClientQuotaEntityTypes.USER, entityName: user }];
}

// The entity's user name when it is exactly user=<name> (not the default user, not user+client-id).
export function quotaUserOf(entity: QuotaEntity[]): string | undefined {
  const [only] = entity;
  if (entity.length !== 1 || only?.entityType !== ClientQuotaEntityTypes.USER) return undefined;
  return only.entityName ?? undefined;
}

// Every user's own quotas; strict, so user+client-id entities stay out.
export const everyUserQuotaFilter: QuotaFilter[] = [
  { entityType: ClientQuotaEntityTypes.USER, matchType: ClientQuotaMatchTypes.ANY },
];

export function userQuotasFromValues(values: QuotaValue[]): UserQuotas {
  const quotas: UserQuotas = {};
  for (const { key, value } of values) {
    const field = quotaFields.get(key);
    if (field) quotas[field] = value;
  }
  return quotas;
}

export function quotaOperations(changes: UserQuotaChanges): QuotaOperation[] {
  const operations: QuotaOperation[] = [];
  for (const [field, value] of Object.entries(changes.set) as Array<[keyof UserQuotas, number | undefined]>) {
    if (value !== undefined) operations.push({ key: quotaKeys[field], value, remove: false });
  }
  for (const field of changes.remove) operations.push({ key: quotaKeys[field], remove: true });
  return operations;
}

// A user's quotas once Kafka has applied these changes (built anew: a deleted field would turn each
// snapshot entry into a hash table).
export function quotasAfter(quotas: UserQuotas | undefined, changes: UserQuotaChanges): UserQuotas {
  const kept = Object.entries(quotas ?? {}).filter(
    ([field]) => !changes.remove.includes(field as keyof UserQuotas),
  );
  const set = Object.entries(changes.set).filter(([, value]) => value !== undefined);
  return Object.fromEntries([...kept, ...set]);
}
