// The status a KafkaTopic shows for the state its actor settled in, in Strimzi's form.
import { type Condition, type ConditionUpdate, setCondition } from '../../api/conditions.ts';
import type { KafkaTopic, KafkaTopicStatus } from '../../api/kafka-topic.ts';
import { managedAnnotation, type TopicContext } from '../../machines/topic-machine.ts';

// The status carries one condition; its transition time survives while its status holds.
function soleCondition(previous: readonly Condition[] | undefined, next: ConditionUpdate, now: Date) {
  return setCondition(
    previous?.filter((c) => c.type === next.type),
    next,
    now,
  );
}

// The one condition each settled state shows; undefined for the states that say nothing new
// (pending, reconciling, releasing, deleting, deleted).
function conditionFor(state: string, context: TopicContext): ConditionUpdate | undefined {
  switch (state) {
    case 'ready':
      return { type: 'Ready', status: 'True' };
    case 'failed':
      return {
        type: 'Ready',
        status: 'False',
        reason: context.lastError?.reason ?? 'Error',
        message: context.lastError?.message ?? 'reconcile failed',
      };
    case 'unmanaged':
      return {
        type: 'Ready',
        status: 'True',
        reason: 'Unmanaged',
        message: `${managedAnnotation} is "false": the operator leaves the Kafka topic as it is, and keeps it when this resource is deleted`,
      };
    case 'paused':
      return { type: 'ReconciliationPaused', status: 'True' };
    default:
      return undefined;
  }
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
