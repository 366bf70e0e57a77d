import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  everyUserQuotaFilter,
  quotaOperations,
  quotasAfter,
  quotaUserOf,
  userQuotaEntity,
  userQuotasFromValues,
} from '../../../src/actors/kafka/client-quotas.ts';

test("KafkaUser quotas are set and removed under Kafka's quota keys", () => {
  assert.deepEqual(
    quotaOperations({
      set: { producerByteRate: 1_048_576, consumerByteRate: 2_097_152, requestPercentage: 55 },
      remove: ['controllerMutationRate'],
    }),
    [
      { key: 'producer_byte_rate', value: 1_048_576, remove: false },
      { key: 'consumer_byte_rate', value: 2_097_152, remove: false },
      { key: 'request_percentage', value: 55, remove: false },
      { key: 'controller_mutation_rate', remove: true },
    ],
  );
});

test('a quota set to undefined is no change, and no changes make no operations', () => {
  assert.deepEqual(quotaOperations({ set: { producerByteRate: undefined }, remove: [] }), []);
});

test("Kafka's quota values become KafkaUser's fields; keys KafkaUser has no field for are left out", () => {
  assert.deepEqual(
    userQuotasFromValues([
      { key: 'controller_mutation_rate', value: 10 },
      { key: 'request_percentage', value: 55.5 },
      { key: 'connection_creation_rate', value: 3 },
    ]),
    { controllerMutationRate: 10, requestPercentage: 55.5 },
  );
});

test('only the entity user=<name> is a user of its own: not the default user, not user with client-id', () => {
  assert.equal(quotaUserOf(userQuotaEntity('alice')), 'alice');
  assert.equal(quotaUserOf([{ entityType: 'user', entityName: null }]), undefined);
  assert.equal(
    quotaUserOf([
      { entityType: 'user', entityName: 'alice' },
      { entityType: 'client-id', entityName: 'app' },
    ]),
    undefined,
  );
  assert.equal(quotaUserOf([{ entityType: 'client-id', entityName: 'app' }]), undefined);
});

test("the quota filter matches every user's own quotas", () => {
  assert.deepEqual(everyUserQuotaFilter, [{ entityType: 'user', matchType: 2 }]);
});

test('the quotas after a change: set values replace, removed ones go, the others stay', () => {
  assert.deepEqual(
    quotasAfter(
      { producerByteRate: 1024, consumerByteRate: 2048, requestPercentage: 50 },
      { set: { producerByteRate: 4096, controllerMutationRate: undefined }, remove: ['requestPercentage'] },
    ),
    { producerByteRate: 4096, consumerByteRate: 2048 },
  );
  assert.deepEqual(quotasAfter(undefined, { set: { consumerByteRate: 10 }, remove: [] }), {
    consumerByteRate: 10,
  });
});
