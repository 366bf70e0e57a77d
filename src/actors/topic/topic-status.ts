// The status a KafkaTopic shows for the state its actor settled in, in Strimzi's form.
import type { ConditionUpdate } from '../../api/conditions.ts';
import type { KafkaTopic, KafkaTopicStatus } from '../../api/kafka-topic.ts';
import type { TopicContext } from '../../machines/topic-machine.ts';
import { settledCondition, soleCondition, unmanagedCondition } from '../kubernetes/settled-condition.ts';

// The one condition each settled state shows; undefined for the states that say nothing new
// (pending, reconciling, releasing, deleting, deleted).
function conditionFor(state: string, context: TopicContext): ConditionUpdate | undefined {
  if (state !== 'unmanaged') return settledCondition(state, context.lastError);
  return unmanagedCondition(
    'the operator leaves the Kafka topic as it is, and keeps it when this resource is deleted',
  );
}

export function buildTopicStatus(
  state: string,
  context: TopicContext,
  topic: KafkaTopic,
  now: Date,
): KafkaTopicStatus | undefined {
  const condition = conditionFor(state, context);
  if (!condition) return undefined;
  const previous = topic.status ?? {};
  return {
    ...previous,
    observedGeneration: context.reconciledGeneration ?? topic.metadata?.generation,
    // Only a reconcile that reached the topic knows its name and id.
    ...(state === 'ready' ? { topicName: context.topicName, topicId: context.topicId } : {}),
    conditions: soleCondition(previous.conditions, condition, now),
  };
}
