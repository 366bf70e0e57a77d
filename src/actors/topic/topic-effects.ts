// What a KafkaTopic's actor does to the world (Kubernetes is the source of truth, Kafka follows):
// make the Kafka topic exist as the spec says — created, adopted, its configs and partitions
// aligned — refuse what Kafka cannot do, and delete it through the finalizer.
import type { KafkaTopic } from '../../api/kafka-topic.ts';
import { clusterLabel, managedAnnotation } from '../../api/labels.ts';
import { kafkaTopicType } from '../../api/resources.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { isUnmanaged } from '../../machines/resource-machine.ts';
import type { TopicReconciled } from '../../machines/topic-machine.ts';
import {
  type ConfigChanges,
  type KafkaAdmin,
  KafkaAdminError,
  kafkaErrorCodes,
  kafkaRecordsPerRequest,
  type TopicDescription,
} from '../kafka/kafka-admin.ts';
import type { KafkaClusters } from '../kafka/kafka-clusters.ts';
import { sameTopicId } from '../kafka/topic-id.ts';
import { firstClaimant } from '../kubernetes/claim-order.ts';
import type { CustomResources } from '../kubernetes/custom-resources.ts';
import type { EventToRecord } from '../kubernetes/event-recorder.ts';
import { configChanges, kafkaConfigOf, validateTopicConfig } from './topic-config.ts';

// Strimzi's topic operator finalizer, so resources move between the two operators unchanged.
export const topicFinalizer = 'strimzi.io/topic-operator';

export function topicNameOf(topic: KafkaTopic): string {
  return topic.spec?.topicName ?? topic.metadata?.name ?? '';
}

function identity(topic: KafkaTopic): string {
  return `${topic.metadata?.namespace}/${topic.metadata?.name}`;
}

// What a KafkaTopic is indexed under: its cluster and the Kafka topic it names.
export function kafkaTopicIdentity(topic: KafkaTopic): string {
  return `${topic.metadata?.labels?.[clusterLabel] ?? ''}/${topicNameOf(topic)}`;
}

// Of several KafkaTopics naming one Kafka topic in one cluster, the oldest manages it.
export function managingTopic(topic: KafkaTopic, candidates: readonly KafkaTopic[]): KafkaTopic {
  const identityOfTopic = kafkaTopicIdentity(topic);
  const rivals = candidates.filter(
    (other) =>
      kafkaTopicIdentity(other) === identityOfTopic &&
      !other.metadata?.deletionTimestamp &&
      !isUnmanaged(other),
  );
  // Of two created in the same second, the one that already manages the topic (it has the topic's id
  // in its status) keeps it.
  return firstClaimant(
    [topic, ...rivals.filter((r) => r.metadata?.uid !== topic.metadata?.uid)],
    (candidate) => Boolean(candidate.status?.topicId),
  );
}

export interface TopicEffectsOptions {
  clusters: KafkaClusters;
  resources: CustomResources;
  useFinalizers: boolean;
  // The most partitions a topic may have (TOPIC_MAX_PARTITIONS); at most Kafka's 2^31 - 1.
  maxPartitions: number;
  // The watched KafkaTopics with this kafkaTopicIdentity (an index of the informer's cache).
  topicsNaming: (identity: string) => readonly KafkaTopic[];
  // A Kubernetes Event on the KafkaTopic, for what the operator did that its status does not tell.
  recordEvent: (topic: KafkaTopic, event: EventToRecord) => Promise<void>;
}

const refusedByKafka: Record<number, string> = {
  [kafkaErrorCodes.INVALID_PARTITIONS]: 'InvalidPartitions',
  [kafkaErrorCodes.INVALID_REPLICATION_FACTOR]: 'InvalidReplicationFactor',
  [kafkaErrorCodes.INVALID_REPLICA_ASSIGNMENT]: 'InvalidReplicationFactor',
  [kafkaErrorCodes.INVALID_CONFIG]: 'InvalidConfig',
  [kafkaErrorCodes.POLICY_VIOLATION]: 'PolicyViolation',
  [kafkaErrorCodes.TOPIC_AUTHORIZATION_FAILED]: 'NotAuthorized',
  [kafkaErrorCodes.CLUSTER_AUTHORIZATION_FAILED]: 'NotAuthorized',
  [kafkaErrorCodes.TOPIC_DELETION_DISABLED]: 'TopicDeletionDisabled',
};

// A request Kafka refused for its content fails until the spec changes; anything else is retried.
function asReconcileFailure(error: unknown): unknown {
  if (error instanceof ReconcileFailure) return error;
  if (error instanceof KafkaAdminError && refusedByKafka[error.errorCode]) {
    const retryable = error.errorCode === kafkaErrorCodes.TOPIC_DELETION_DISABLED;
    const advice = retryable
      ? '; the KafkaTopic keeps its finalizer until the topic can be deleted: enable delete.topic.enable on the ' +
        'brokers, or remove the finalizer to keep the topic'
      : '';
    return new ReconcileFailure(
      refusedByKafka[error.errorCode] ?? 'KafkaError',
      `${error.message}${advice}`,
      {
        retryable,
        cause: error,
      },
    );
  }
  if (error instanceof Error) return new ReconcileFailure('KafkaError', error.message, { cause: error });
  return error;
}

function notSupported(message: string): ReconcileFailure {
  return new ReconcileFailure('NotSupported', message, { retryable: false });
}

// Kafka's own topics (its Topic.INTERNAL_TOPICS and the KRaft metadata log): no KafkaTopic creates,
// adopts, changes or deletes them, whether or not they exist yet. Kafka marks any other internal
// topic isInternal in its metadata, which the reconcile checks as well.
export const kafkaInternalTopics: readonly string[] = [
  '__consumer_offsets',
  '__transaction_state',
  '__share_group_state',
  '__cluster_metadata',
];

function internalTopic(name: string): ReconcileFailure {
  return new ReconcileFailure(
    'InternalTopic',
    `${name} is an internal topic of Kafka, which Kafka manages itself: a KafkaTopic cannot create, change ` +
      'or delete it; delete this KafkaTopic (the Kafka topic stays as it is)',
    { retryable: false },
  );
}

// What the spec asks that Kafka cannot do to an existing topic: refused, and nothing is changed.
function refusedChange(topic: KafkaTopic, existing: TopicDescription): ReconcileFailure | undefined {
  const wanted = topic.spec?.partitions;
  if (wanted !== undefined && wanted < existing.partitions) {
    return notSupported(
      `Decreasing partitions not supported: topic ${existing.name} has ${existing.partitions} partitions and Kafka ` +
        `cannot remove partitions; set spec.partitions to ${existing.partitions} or more, or create a new topic`,
    );
  }
  if (wanted !== undefined && wanted - existing.partitions > kafkaRecordsPerRequest) {
    return new ReconcileFailure(
      'InvalidPartitions',
      `spec.partitions is ${wanted}: that adds ${wanted - existing.partitions} partitions to topic ${existing.name}, ` +
        `and Kafka adds at most ${kafkaRecordsPerRequest} in one request (more would leave it part-grown); ` +
        `grow it in steps of at most ${kafkaRecordsPerRequest}`,
      { retryable: false },
    );
  }
  const replicas = topic.spec?.replicas;
  if (replicas !== undefined && replicas !== existing.replicationFactor) {
    return notSupported(
      `Changing the replication factor is not supported: topic ${existing.name} has ${existing.replicationFactor} ` +
        `replicas; set spec.replicas back to ${existing.replicationFactor}, or reassign partitions with Kafka's tools`,
    );
  }
  return undefined;
}

function describeChanges(changes: ConfigChanges): string {
  const set = Object.entries(changes.set).map(([key, value]) => `${key}=${value}`);
  const said = [
    ...(set.length > 0 ? [`set ${set.join(', ')}`] : []),
    ...(changes.remove.length > 0 ? [`reset to the broker default ${changes.remove.join(', ')}`] : []),
  ];
  return said.length > 0 ? said.join('; ') : 'its configs were already as the spec says';
}

export function createTopicEffects(options: TopicEffectsOptions) {
  const { clusters, resources, useFinalizers } = options;

  // Why this KafkaTopic may not write to, nor delete, the Kafka topic it names; undefined when it
  // manages it. Reconcile and deletion ask the same question, so neither touches another's topic.
  function notManaging(topic: KafkaTopic): ReconcileFailure | undefined {
    const reported = topic.status?.topicName;
    if (reported && reported !== topicNameOf(topic)) {
      return notSupported(
        `Changing spec.topicName is not supported: this KafkaTopic manages Kafka topic ${reported}; ` +
          'set spec.topicName back, or create a new KafkaTopic for the new name',
      );
    }
    if (kafkaInternalTopics.includes(topicNameOf(topic))) return internalTopic(topicNameOf(topic));
    const manager = managingTopic(topic, options.topicsNaming(kafkaTopicIdentity(topic)));
    if (manager.metadata?.uid !== topic.metadata?.uid) {
      return new ReconcileFailure(
        'ResourceConflict',
        `Managed by KafkaTopic ${identity(manager)}: it names the same Kafka topic ${topicNameOf(topic)} and is older; ` +
          'delete one of the two KafkaTopics',
        { retryable: false },
      );
    }
    return undefined;
  }

  function checkSpec(topic: KafkaTopic): void {
    const problems = validateTopicConfig(topic.spec?.config ?? {});
    if (problems.length > 0) {
      throw new ReconcileFailure('InvalidConfig', `Invalid spec.config: ${problems.join('; ')}`, {
        retryable: false,
      });
    }
    const partitions = topic.spec?.partitions;
    if (partitions !== undefined && partitions > options.maxPartitions) {
      throw new ReconcileFailure(
        'InvalidPartitions',
        `spec.partitions is ${partitions}, more than the ${options.maxPartitions} partitions a topic may have ` +
          "(the operator's TOPIC_MAX_PARTITIONS); lower spec.partitions",
        { retryable: false },
      );
    }
    const refused = notManaging(topic);
    if (refused) throw refused;
  }

  // Kafka places each replica of a partition on a different broker.
  async function checkReplicas(admin: KafkaAdmin, topic: KafkaTopic): Promise<void> {
    const replicas = topic.spec?.replicas;
    if (replicas === undefined) return;
    const brokers = await admin.brokerCount();
    if (replicas > brokers) {
      // A broker that comes back makes the same spec possible: retried.
      throw new ReconcileFailure(
        'InvalidReplicationFactor',
        `spec.replicas is ${replicas}, but the Kafka cluster has ${brokers} broker(s) and places each replica ` +
          'of a partition on a different broker; lower spec.replicas, or add brokers',
      );
    }
  }

  async function alignTopic(
    admin: KafkaAdmin,
    topic: KafkaTopic,
    existing: TopicDescription,
    signal: AbortSignal,
  ): Promise<ConfigChanges> {
    const refused = refusedChange(topic, existing);
    if (refused) throw refused;
    const changes = configChanges(kafkaConfigOf(topic), await admin.describeTopicConfig(existing.name));
    signal.throwIfAborted();
    if (Object.keys(changes.set).length > 0 || changes.remove.length > 0) {
      await admin.alterTopicConfig(existing.name, changes);
    }
    const partitions = topic.spec?.partitions;
    if (partitions !== undefined && partitions > existing.partitions) {
      await admin.createPartitions(existing.name, partitions, existing.partitions);
    }
    return changes;
  }

  // The signal aborts when this replica stops leading: no Kafka write starts after that.
  async function reconcileTopic(topic: KafkaTopic, signal: AbortSignal): Promise<TopicReconciled> {
    checkSpec(topic);
    const topicName = topicNameOf(topic);
    const admin = await clusters.adminFor(topic);
    signal.throwIfAborted();
    try {
      // The finalizer goes on before the topic exists, so no topic is ever left without one; the
      // describe runs meanwhile.
      const [existing] = await Promise.all([
        admin.describeTopic(topicName),
        useFinalizers ? resources.addFinalizer(kafkaTopicType, topic, topicFinalizer) : undefined,
      ]);
      signal.throwIfAborted();
      if (!existing) {
        await checkReplicas(admin, topic);
        signal.throwIfAborted();
        const created = await admin.createTopic({
          name: topicName,
          partitions: topic.spec?.partitions,
          replicas: topic.spec?.replicas,
          config: kafkaConfigOf(topic),
        });
        return { topicName, topicId: created.id };
      }
      if (existing.internal) throw internalTopic(topicName);
      const changes = await alignTopic(admin, topic, existing, signal);
      // A topic this KafkaTopic has not managed before (its status names no id, or another): say
      // what adopting it changed.
      if (!sameTopicId(topic.status?.topicId, existing.id)) {
        await options.recordEvent(topic, {
          type: 'Normal',
          reason: 'TopicAdopted',
          message: `Adopted the existing Kafka topic ${topicName} (id ${existing.id}): ${describeChanges(changes)}`,
        });
      }
      return { topicName, topicId: existing.id };
    } catch (error) {
      throw asReconcileFailure(error);
    }
  }

  // strimzi.io/managed: "false": the operator lets go — finalizer off, the Kafka topic untouched.
  async function releaseTopic(topic: KafkaTopic): Promise<void> {
    await resources.removeFinalizer(kafkaTopicType, topic, topicFinalizer);
  }

  // Deletes the Kafka topic this KafkaTopic manages, unless Kafka marks it internal: then returns
  // why the topic stays.
  async function deleteManagedTopic(topic: KafkaTopic, signal: AbortSignal): Promise<string | undefined> {
    const topicName = topicNameOf(topic);
    const admin = await clusters.adminFor(topic);
    signal.throwIfAborted();
    try {
      const existing = await admin.describeTopic(topicName);
      signal.throwIfAborted();
      if (existing?.internal) return internalTopic(topicName).message;
      if (existing) await admin.deleteTopic(topicName);
      return undefined;
    } catch (error) {
      throw asReconcileFailure(error);
    }
  }

  async function deleteTopic(topic: KafkaTopic, signal: AbortSignal): Promise<void> {
    // Without our finalizer this operator never created the topic, or already cleaned up.
    if (!topic.metadata?.finalizers?.includes(topicFinalizer)) return;
    const keptBecause = isUnmanaged(topic)
      ? `${managedAnnotation} is "false"`
      : (notManaging(topic)?.message ?? (await deleteManagedTopic(topic, signal)));
    if (keptBecause) {
      await options.recordEvent(topic, {
        type: 'Normal',
        reason: 'TopicKept',
        message: `Kafka topic ${topicNameOf(topic)} kept: this KafkaTopic does not manage it (${keptBecause})`,
      });
    }
    await resources.removeFinalizer(kafkaTopicType, topic, topicFinalizer);
  }

  return { reconcileTopic, releaseTopic, deleteTopic };
}
