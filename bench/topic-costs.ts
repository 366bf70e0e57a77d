// What a new KafkaTopic costs this machine, measured without the operator (bench/machine-costs.ts):
// the user's create, then the operator's finalizer, status and Event, made with the operator's own
// code, and the Kafka topic, including the logs the broker makes after it has answered.
import { Admin } from '@platformatic/kafka';
import { resourceRef } from '../src/actors/kubernetes/custom-resources.ts';
import { topicFinalizer } from '../src/actors/topic/topic-effects.ts';
import type { KafkaTopic } from '../src/api/kafka-topic.ts';
import { kafkaTopicType } from '../src/api/resources.ts';
import { kafkaTopicApi, kafkaTopicClient } from '../test/support/kafka-topics.ts';
import { inBatches, inParallel } from './bench-support.ts';
import {
  costNamespace,
  describeStepCosts,
  type Fixture,
  type MachineCosts,
  measureStepCosts,
  sampleRound,
} from './machine-costs.ts';

export const newTopic = 'a new topic';

export async function measureNewTopicCost(fixture: Fixture, sample: number): Promise<MachineCosts> {
  const { namespace, resources, events, remove } = await costNamespace(fixture);
  const admin = new Admin({ clientId: 'bench-costs', bootstrapBrokers: [fixture.kafka.bootstrap] });
  const names: string[] = [];
  const created = new Map<string, KafkaTopic>();

  // Kafka first: later steps leave it nothing to finish.
  const roundOf = (round: number) => {
    const { names: roundNames, each } = sampleRound(
      names,
      Array.from({ length: sample }, (_, i) => `cost-${namespace}-${round}-${i}`),
    );
    return {
      [newTopic]: {
        'Kafka topic': async () => {
          await inBatches(roundNames, 500, (topics) =>
            admin.createTopics({ topics, partitions: 1, replicas: 1 }),
          );
        },
        'create (the user)': each(async (name) => {
          const body = {
            apiVersion: 'kafka.strimzi.io/v1',
            kind: 'KafkaTopic',
            metadata: { name, labels: { 'strimzi.io/cluster': 'test-cluster' } },
            spec: {
              partitions: 1,
              replicas: 1,
              config: { 'retention.ms': 7200000, 'segment.bytes': 1073741824 },
            },
          };
          created.set(
            name,
            (await fixture.custom.createNamespacedCustomObject({
              ...kafkaTopicApi,
              namespace,
              body,
            })) as KafkaTopic,
          );
        }),
        finalizer: each((name) =>
          resources.addFinalizer(kafkaTopicType, created.get(name) as KafkaTopic, topicFinalizer),
        ),
        status: each((name) =>
          resources.patchStatus(kafkaTopicType, resourceRef(created.get(name) as KafkaTopic), {
            topicName: name,
            topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
            observedGeneration: 1,
            conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }],
          }),
        ),
        Event: each((name) =>
          events.record(created.get(name) as KafkaTopic, {
            type: 'Normal',
            reason: 'StateReady',
            message: 'KafkaTopic is ready',
          }),
        ),
      },
    };
  };
  try {
    return await measureStepCosts(roundOf, sample);
  } finally {
    await inBatches(names, 500, (topics) => admin.deleteTopics({ topics }));
    await admin.close();
    const topics = kafkaTopicClient(fixture.custom, namespace);
    await inParallel([...created.keys()], 32, (name) =>
      topics.patch(name, { metadata: { finalizers: null } }),
    );
    await remove();
  }
}

export function describeTopicCost(costs: MachineCosts, sample: number): string {
  return describeStepCosts(costs, sample, 'topic');
}
