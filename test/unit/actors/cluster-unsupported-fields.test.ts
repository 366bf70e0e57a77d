import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildClusterModel } from '../../../src/actors/cluster/cluster-model.ts';
import { buildKafkaStatus, buildPoolStatus } from '../../../src/actors/cluster/cluster-status.ts';
import {
  type ActedOn,
  kafkaNodePoolSpecActedOn,
  kafkaSpecActedOn,
  unsupportedFieldPaths,
  unsupportedFieldsEvent,
  unsupportedFieldsWarnings,
} from '../../../src/actors/cluster/unsupported-fields.ts';
import type { Condition } from '../../../src/api/conditions.ts';
import { type Kafka, kafkaSpecSchema } from '../../../src/api/kafka.ts';
import { type KafkaNodePool, kafkaNodePoolSpecSchema } from '../../../src/api/kafka-node-pool.ts';
import type { StructuralSchema } from '../../../src/api/schema.ts';
import type { ClusterContext } from '../../../src/machines/cluster-machine.ts';
import { kafkaResource, nodePoolResource } from '../../support/cluster-resources.ts';

// A Kafka as Strimzi's users write it, with fields this operator does not act on among those it does.
function strimziStyleKafka(): Kafka {
  return kafkaResource(
    {
      listeners: [
        {
          name: 'external',
          port: 9094,
          type: 'loadbalancer',
          tls: true,
          configuration: {
            bootstrap: { annotations: { team: 'a' }, externalIPs: ['203.0.113.1'] },
            ipFamilyPolicy: 'SingleStack',
            maxConnections: 100,
          },
        },
      ],
      metricsConfig: {
        type: 'jmxPrometheusExporter',
        valueFrom: { configMapKeyRef: { name: 'metrics', key: 'kafka.yaml' } },
      },
      template: {
        pod: { metadata: { labels: { app: 'kafka' } }, securityContext: { runAsNonRoot: true } },
        podDisruptionBudget: { maxUnavailable: 0 },
        initContainer: { env: [] },
        jmxSecret: { metadata: { labels: { app: 'kafka' } } },
      },
    },
    { spec: { cruiseControl: {}, entityOperator: { topicOperator: { watchedNamespace: 'other' } } } },
  );
}

describe('the spec fields the operator does not act on', () => {
  test('are named by their outermost path, list items by index; the fields acted on around them are not', () => {
    assert.deepEqual(unsupportedFieldPaths(strimziStyleKafka().spec, kafkaSpecActedOn, 'spec'), [
      'spec.kafka.listeners[0].configuration.bootstrap.externalIPs',
      'spec.kafka.listeners[0].configuration.ipFamilyPolicy',
      'spec.kafka.template.initContainer',
      'spec.kafka.template.jmxSecret',
      'spec.cruiseControl',
      'spec.entityOperator.topicOperator.watchedNamespace',
    ]);
  });

  test('an empty section counts as set (cruiseControl: {} asks Strimzi for Cruise Control); an empty template does not', () => {
    assert.deepEqual(
      unsupportedFieldPaths({ cruiseControl: {}, kafka: { template: {} } }, kafkaSpecActedOn, 'spec'),
      ['spec.cruiseControl'],
    );
  });

  test("of a KafkaNodePool, in the Kafka's one Warning with the pool's name", () => {
    const pool = nodePoolResource('brokers', {
      template: { initContainer: { env: [{ name: 'A', value: 'b' }] }, pod: { tolerations: [] } },
    });
    const [warning, ...more] = unsupportedFieldsWarnings(strimziStyleKafka(), [pool]);
    assert.deepEqual(more, []);
    assert.equal(warning?.reason, 'UnsupportedFields');
    assert.match(
      warning?.message ?? '',
      /^This operator does not act on these fields, so they change nothing: /,
    );
    assert.match(
      warning?.message ?? '',
      /spec\.cruiseControl, .*KafkaNodePool brokers spec\.template\.initContainer\./,
    );
  });

  test('give no Warning for a spec the operator acts on entirely', () => {
    assert.deepEqual(unsupportedFieldsWarnings(kafkaResource(), [nodePoolResource('dual')]), []);
  });

  test("are among the model's warnings", () => {
    const model = buildClusterModel(strimziStyleKafka(), [nodePoolResource('dual')], { podNodeIds: {} });
    assert.ok(model.warnings.some((warning) => warning.reason === 'UnsupportedFields'));
  });

  // A name in the trees that the schema does not have would hide the field users really set.
  for (const [kind, actedOn, schema] of [
    ['Kafka', kafkaSpecActedOn, kafkaSpecSchema],
    ['KafkaNodePool', kafkaNodePoolSpecActedOn, kafkaNodePoolSpecSchema],
  ] as const) {
    test(`the fields said to be acted on are fields of the ${kind} schema`, () => {
      assert.deepEqual(pathsMissingFromSchema(actedOn, schema as StructuralSchema, 'spec'), []);
    });
  }
});

function pathsMissingFromSchema(actedOn: ActedOn, schema: StructuralSchema, path: string): string[] {
  if (actedOn === true) return [];
  const node = schema.items ?? schema;
  return Object.entries(actedOn).flatMap(([field, rule]) => {
    const child = node.properties?.[field];
    return child ? pathsMissingFromSchema(rule, child, `${path}.${field}`) : [`${path}.${field}`];
  });
}

describe('the UnsupportedFields Warning', () => {
  const kafka = { ...strimziStyleKafka(), metadata: { ...strimziStyleKafka().metadata, generation: 4 } };
  const warnings = unsupportedFieldsWarnings(kafka, []);
  const [warning] = warnings;
  const lastTransitionTime = '2026-01-01T00:00:00Z';
  const shown = (generation: number, message = warning?.message): Kafka => ({
    ...kafka,
    status: {
      observedGeneration: generation,
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime },
        { type: 'Warning', status: 'True', lastTransitionTime, reason: 'UnsupportedFields', message },
      ],
    },
  });

  test('is a Warning condition beside Ready', () => {
    const model = buildClusterModel(kafka, [nodePoolResource('dual')], { podNodeIds: {} });
    const plan = { model, warnings: [], clusterCaCertificate: '', create: [], remove: [], roll: [] };
    const context: ClusterContext = { key: 'kafka/my-cluster', consecutiveFailures: 0, plan };
    const status = buildKafkaStatus('ready', context, kafka, new Date(), '0.1.0');
    assert.deepEqual(
      status?.conditions?.map(({ type, reason, message }) => ({ type, reason, message })),
      [
        { type: 'Ready', reason: undefined, message: undefined },
        { type: 'Warning', reason: 'UnsupportedFields', message: warning?.message },
      ],
    );
  });

  test('is recorded as an Event while the status does not show it for this generation', () => {
    const event = { type: 'Warning', reason: 'UnsupportedFields', message: warning?.message };
    assert.deepEqual(unsupportedFieldsEvent(kafka, warnings), event);
    assert.deepEqual(unsupportedFieldsEvent(shown(3), warnings), event, 'a new generation');
    assert.deepEqual(unsupportedFieldsEvent(shown(4, 'other fields'), warnings), event, 'other fields');
  });

  test('is not recorded again once the status shows it for this generation', () => {
    assert.equal(unsupportedFieldsEvent(shown(4), warnings), undefined);
  });

  test('gives no Event when no field is unsupported', () => {
    assert.equal(unsupportedFieldsEvent(kafka, []), undefined);
  });
});

describe("a KafkaNodePool's UnsupportedFields Warning", () => {
  const otherCondition = {
    type: 'Migrated',
    status: 'True' as const,
    lastTransitionTime: '2025-05-05T00:00:00Z',
  };
  const pool = nodePoolResource('dual', {
    template: { initContainer: { securityContext: { runAsNonRoot: true } } },
  });
  const withStatus = (resource: KafkaNodePool, conditions: Condition[]): KafkaNodePool => ({
    ...resource,
    status: { conditions },
  });
  const statusOf = (resource: KafkaNodePool, now: Date) => {
    const model = buildClusterModel(kafkaResource(), [resource], { podNodeIds: {} });
    const [modelled] = model.pools;
    assert.ok(modelled);
    return buildPoolStatus(model, modelled, resource, now);
  };

  test("is in the pool's own status, naming its fields; conditions others wrote stay", () => {
    const { conditions } = statusOf(withStatus(pool, [otherCondition]), new Date('2026-01-01T00:00:00Z'));
    assert.deepEqual(conditions, [
      otherCondition,
      {
        type: 'Warning',
        status: 'True',
        reason: 'UnsupportedFields',
        message:
          'This operator does not act on these fields, so they change nothing: spec.template.initContainer. ' +
          'Remove them, or expect no effect from them.',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ]);
  });

  test('keeps its transition time while it holds, and goes with the fields', () => {
    const first = statusOf(pool, new Date('2026-01-01T00:00:00Z'));
    const again = statusOf(withStatus(pool, first.conditions ?? []), new Date('2026-02-01T00:00:00Z'));
    assert.deepEqual(again.conditions, first.conditions);
    const cleared = statusOf(
      withStatus({ ...pool, spec: { ...pool.spec, template: undefined } }, [
        otherCondition,
        ...(first.conditions ?? []),
      ]),
      new Date(),
    );
    assert.deepEqual(cleared.conditions, [otherCondition]);
  });
});
