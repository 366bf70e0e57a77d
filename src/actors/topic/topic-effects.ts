// What a KafkaTopic's actor does to the world: make the Kafka topic exist as the spec says, and
// delete it through the finalizer when the resource is deleted.
import type { KafkaTopic } from '../../api/kafka-topic.ts';
import { kafkaTopicType } from '../../api/resources.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import type { TopicReconciled } from '../../machines/topic-machine.ts';
import { KafkaAdminError, kafkaErrorCodes } from '../kafka/kafka-admin.ts';
import type { KafkaClusters } from '../kafka/kafka-clusters.ts';
import type { CustomResources } from '../kubernetes/custom-resources.ts';

// Strimzi's topic operator finalizer, so resources move between the two operators unchanged.
export const topicFinalizer = 'strimzi.io/topic-operator';

export function topicNameOf(topic: KafkaTopic): string {
  return topic.spec?.topicName ?? topic.metadata?.name ?? '';
}

// Kafka takes every config value as a string; lists are comma-separated, as in Strimzi.
export function kafkaConfigOf(topic: KafkaTopic): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(topic.spec?.config ?? {})) {
    config[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return config;
}

export interface TopicEffectsOptions {
  clusters: KafkaClusters;
  resources: CustomResources;
  useFinalizers: boolean;
}

const refusedByKafka: Record<number, string> = {
  [kafkaErrorCodes.INVALID_PARTITIONS]: 'InvalidPartitions',
  [kafkaErrorCodes.INVALID_REPLICATION_FACTOR]: 'InvalidReplicationFactor',
  [kafkaErrorCodes.INVALID_CONFIG]: 'InvalidConfig',
  [kafkaErrorCodes.POLICY_VIOLATION]: 'PolicyViolation',
  [kafkaErrorCodes.TOPIC_AUTHORIZATION_FAILED]: 'NotAuthorized',
  [kafkaErrorCodes.CLUSTER_AUTHORIZATION_FAILED]: 'NotAuthorized',
  [kafkaErrorCodes.TOPIC_DELETION_DISABLED]: 'TopicDeletionDisabled',
};

// A request Kafka refused for its content fails until the spec changes; anything else is retried.
function asReconcileFailure(error: unknown): unknown {
  if (error instanceof KafkaAdminError && refusedByKafka[error.errorCode]) {
    const retryable = error.errorCode === kafkaErrorCodes.TOPIC_DELETION_DISABLED;
    return new ReconcileFailure(refusedByKafka[error.errorCode] ?? 'KafkaError', error.message, {
      retryable,
      cause: error,
    });
  }
  if (error instanceof Error && !(error instanceof ReconcileFailure)) {
    return new ReconcileFailure('KafkaError', error.message, { cause: error });
  }
  return error;
}

export function createTopicEffects(options: TopicEffectsOptions) {
  const { clusters, resources, useFinalizers } = options;

  // The signal aborts when this replica stops leading: no Kafka write starts after that.
  async function reconcileTopic(topic: KafkaTopic, signal: AbortSignal): Promise<TopicReconciled> {
    const topicName = topicNameOf(topic);
    const admin = await clusters.adminFor(topic);
    signal.throwIfAborted();
    // The finalizer goes on before the topic exists, so no topic is ever left without one.
    if (useFinalizers) await resources.addFinalizer(kafkaTopicType, topic, topicFinalizer);
    try {
      const existing = await admin.describeTopic(topicName);
      signal.throwIfAborted();
      const described =
        existing ??
        (await admin.createTopic({
          name: topicName,
          partitions: topic.spec?.partitions,
          replicas: topic.spec?.replicas,
          config: kafkaConfigOf(topic),
        }));
      return { topicName, topicId: described.id };
    } catch (error) {
      throw asReconcileFailure(error);
    }
  }

  async function deleteTopic(topic: KafkaTopic, signal: AbortSignal): Promise<void> {
    // Without our finalizer this operator never created the topic, or already cleaned up.
    if (!topic.metadata?.finalizers?.includes(topicFinalizer)) return;
    const admin = await clusters.adminFor(topic);
    signal.throwIfAborted();
    try {
      await admin.deleteTopic(topicNameOf(topic));
    } catch (error) {
      throw asReconcileFailure(error);
    }
    await resources.removeFinalizer(kafkaTopicType, topic, topicFinalizer);
  }

  return { reconcileTopic, deleteTopic };
}
