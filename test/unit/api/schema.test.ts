import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KafkaSpec } from '../../../src/api/kafka.ts';
import type { KafkaNodePoolSpec } from '../../../src/api/kafka-node-pool.ts';
import type { KafkaTopicSpec } from '../../../src/api/kafka-topic.ts';
import {
  array,
  boolean,
  enumOf,
  type Infer,
  integer,
  intOrString,
  number,
  object,
  preserveUnknown,
  record,
  string,
} from '../../../src/api/schema.ts';

// Compile-time equality: `tsc --noEmit` (part of npm test) fails when an inferred type is not the expected one.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<A, B>(equal: Equal<A, B>): boolean {
  return equal;
}

test('scalar builders emit only the keys that were given', () => {
  assert.deepEqual(string(), { type: 'string' });
  assert.deepEqual(string({ pattern: '^[a-z]+$', maxLength: 5, description: 'A name.' }), {
    type: 'string',
    pattern: '^[a-z]+$',
    maxLength: 5,
    description: 'A name.',
  });
  assert.deepEqual(integer({ minimum: 1, maximum: 3, default: 2 }), {
    type: 'integer',
    minimum: 1,
    maximum: 3,
    default: 2,
  });
  assert.deepEqual(number({ minimum: 0 }), { type: 'number', minimum: 0 });
  assert.deepEqual(boolean(), { type: 'boolean' });
  assert.deepEqual(enumOf(['allow', 'deny']), { type: 'string', enum: ['allow', 'deny'] });
});

test('int-or-string, arrays, records and open objects are spelled as Kubernetes structural schemas', () => {
  assert.deepEqual(intOrString({ pattern: '^[0-9]+m?$' }), {
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern: '^[0-9]+m?$',
  });
  assert.deepEqual(array(string(), { minItems: 1, listType: 'set' }), {
    type: 'array',
    items: { type: 'string' },
    minItems: 1,
    'x-kubernetes-list-type': 'set',
  });
  assert.deepEqual(record(integer()), { type: 'object', additionalProperties: { type: 'integer' } });
  assert.deepEqual(preserveUnknown({ description: 'Anything.' }), {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    description: 'Anything.',
  });
});

test('an object lists its properties, its required ones and its CEL rules', () => {
  const rule = { rule: 'self.min <= self.max', message: 'min must not exceed max' };
  const range = object({ min: integer(), max: integer() }, { required: ['min'], validations: [rule] });
  assert.deepEqual(range, {
    type: 'object',
    properties: { min: { type: 'integer' }, max: { type: 'integer' } },
    required: ['min'],
    'x-kubernetes-validations': [rule],
  });
  assert.deepEqual(object({}), { type: 'object' });
  assert.deepEqual(object({ a: string() }, { preserveUnknownFields: true }), {
    type: 'object',
    properties: { a: { type: 'string' } },
    'x-kubernetes-preserve-unknown-fields': true,
  });
});

test('types are inferred from schemas: required and optional fields, unions, arrays, maps', () => {
  const listener = object(
    {
      name: string(),
      port: integer(),
      type: enumOf(['internal', 'nodeport']),
      tls: boolean(),
      labels: record(string()),
      hosts: array(string()),
      quantity: intOrString(),
      extra: preserveUnknown<{ mode?: string }>(),
    },
    { required: ['name', 'port', 'type'] },
  );
  const open = object({ known: string() }, { preserveUnknownFields: true });
  assert.ok(
    expectType<
      Infer<typeof listener>,
      {
        name: string;
        port: number;
        type: 'internal' | 'nodeport';
        tls?: boolean;
        labels?: Record<string, string>;
        hosts?: string[];
        quantity?: number | string;
        extra?: { mode?: string };
      }
    >(true),
  );
  assert.ok(expectType<Infer<typeof open>, { known?: string } & { [field: string]: unknown }>(true));
  // @ts-expect-error a required field may not be left out
  const missingPort: Infer<typeof listener> = { name: 'plain', type: 'internal' };
  // @ts-expect-error a value outside the enum is not of the type
  const wrongType: Infer<typeof listener> = { name: 'plain', port: 9092, type: 'route' };
  assert.ok(missingPort && wrongType);
});

test('the kinds expose types that match Strimzi manifests', () => {
  const topic: KafkaTopicSpec = { partitions: 3, replicas: 1, config: { 'retention.ms': 7200000 } };
  const pool: KafkaNodePoolSpec = {
    replicas: 3,
    roles: ['controller', 'broker'],
    storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '100Gi' }] },
  };
  const kafka: KafkaSpec = {
    kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }], replicas: 2 },
    zookeeper: { replicas: 1 },
  };
  // @ts-expect-error roles are controller or broker
  const badPool: KafkaNodePoolSpec = { replicas: 1, roles: ['zookeeper'], storage: { type: 'ephemeral' } };
  assert.ok(topic && pool && kafka && badPool);
});
