// The KafkaTopic kind as the runtime runs it: the topics' cache, the topic machine with its effects
// provided, and the status of each settled state.
import { fromPromise } from 'xstate';
import {
  createTopicEffects,
  kafkaTopicIdentity,
  type TopicEffectsOptions,
} from '../actors/topic/topic-effects.ts';
import { buildTopicStatus } from '../actors/topic/topic-status.ts';
import type { KafkaTopic } from '../api/kafka-topic.ts';
import { kafkaTopicType } from '../api/resources.ts';
import { type TopicContext, type TopicReconciled, topicMachine } from '../machines/topic-machine.ts';
import type { ResourceCaches, ResourceInformer, ResourceKind } from '../supervisor/contract.ts';

// The index of KafkaTopics by the Kafka topic they name, to find rivals without a scan.
const kafkaTopicIndex = 'kafkaTopic';

export function watchTopics(caches: ResourceCaches, labelSelector: string | undefined) {
  return caches.watch<KafkaTopic>(kafkaTopicType, {
    labelSelector,
    indexers: { [kafkaTopicIndex]: (topic) => [kafkaTopicIdentity(topic)] },
  });
}

export function createTopicKind(
  topics: ResourceInformer<KafkaTopic>,
  options: Omit<TopicEffectsOptions, 'topicsNaming'>,
): ResourceKind<KafkaTopic> {
  const topicsNaming = (identity: string) => topics.byIndex(kafkaTopicIndex, identity);
  const effects = createTopicEffects({ ...options, topicsNaming });
  return {
    type: kafkaTopicType,
    machine: topicMachine.provide({
      actors: {
        reconcileTopic: fromPromise<TopicReconciled, KafkaTopic>(({ input, signal }) =>
          effects.reconcileTopic(input, signal),
        ),
        releaseTopic: fromPromise<void, KafkaTopic>(({ input }) => effects.releaseTopic(input)),
        deleteTopic: fromPromise<void, KafkaTopic>(({ input, signal }) => effects.deleteTopic(input, signal)),
      },
    }),
    buildStatus: (state, context, resource, now) =>
      buildTopicStatus(state, context as TopicContext, resource, now),
    claimants: (topic) => topicsNaming(kafkaTopicIdentity(topic)),
  };
}
