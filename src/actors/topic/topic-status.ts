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

// Undefined: this state says nothing new (pending, reconciling, deleting, deleted).
export function buildTopicStatus(
  state: string,
  context: TopicContext,
  topic: KafkaTopic,
  now: Date,
): KafkaTopicStatus | undefined {
  const previous = topic.status ?? {};
  const observedGeneration = context.reconciledGeneration ?? topic.metadata?.generation;
  switch (state) {
    case 'ready':
      return {
        ...previous,
        observedGeneration,
        topicName: context.topicName,
        topicId: context.topicId,
        conditions: soleCondition(previous.conditions, { type: 'Ready', status: 'True' }, now),
      };
    case 'failed':
      return {
        ...previous,
        observedGeneration,
        conditions: soleCondition(
          previous.conditions,
          {
            type: 'Ready',
            status: 'False',
            reason: context.lastError?.reason ?? 'Error',
            message: context.lastError?.message ?? 'reconcile failed',
          },
          now,
        ),
      };
    case 'unmanaged':
      return {
        ...previous,
        observedGeneration,
        conditions: soleCondition(
          previous.conditions,
          {
            type: 'Ready',
            status: 'True',
            reason: 'Unmanaged',
            message: `${managedAnnotation} is "false": the operator leaves the Kafka topic as it is, and keeps it when this resource is deleted`,
          },
          now,
        ),
      };
    case 'paused':
      return {
        ...previous,
        observedGeneration,
        conditions: soleCondition(previous.conditions, { type: 'ReconciliationPaused', status: 'True' }, now),
      };
    default:
      return undefined;
  }
}
