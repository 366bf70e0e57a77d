// KafkaTopics in one namespace as tests and benchmarks use them: create, read, change, delete, and wait
// until the operator has done its part.
import {
  ApiException,
  type CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { Condition } from '../../src/api/conditions.ts';
import type { KafkaTopic } from '../../src/api/kafka-topic.ts';
import { kafkaTopicType } from '../../src/api/resources.ts';
import { waitFor } from './wait.ts';

// Where KafkaTopics live in the API, for calls the client below does not make (e.g. cluster-wide lists).
export const kafkaTopicApi = {
  group: kafkaTopicType.group,
  version: kafkaTopicType.version,
  plural: kafkaTopicType.plural,
};

export interface KafkaTopicManifestOptions {
  // The strimzi.io/cluster label: a cluster in the operator's KAFKA_CLUSTERS; by default the one
  // operatorFixture configures.
  cluster?: string;
  annotations?: Record<string, string>;
}

export interface KafkaTopicClientOptions {
  // Added to every timeout message, e.g. where the operator's log is.
  timeoutHint?: string;
}

export function isReady(topic: KafkaTopic): boolean {
  return topic.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function kafkaTopicClient(
  custom: CustomObjectsApi,
  namespace: string,
  options: KafkaTopicClientOptions = {},
) {
  const hint = options.timeoutHint ? ` (${options.timeoutHint})` : '';

  // The Kafka topic is named for the namespace too: test files share one Kafka.
  const oneReplicaSpec = (name: string) => ({
    topicName: `${name}-${namespace}`,
    partitions: 1,
    replicas: 1,
  });

  const manifest = (name: string, spec: object, manifestOptions: KafkaTopicManifestOptions = {}) => ({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: {
      name,
      labels: { 'strimzi.io/cluster': manifestOptions.cluster ?? 'test-cluster' },
      annotations: manifestOptions.annotations ?? {},
    },
    spec,
  });

  const createFromManifest = async (body: object): Promise<void> => {
    await custom.createNamespacedCustomObject({ ...kafkaTopicApi, namespace, body });
  };

  const read = async (name: string): Promise<KafkaTopic> =>
    (await custom.getNamespacedCustomObject({ ...kafkaTopicApi, namespace, name })) as KafkaTopic;

  // Polls the KafkaTopic until `accept` returns something other than undefined, and returns that.
  const waitUntil = <T>(
    name: string,
    what: string,
    accept: (topic: KafkaTopic) => T | undefined,
    timeoutMs?: number,
  ): Promise<T> =>
    waitFor(
      `KafkaTopic ${namespace}/${name} ${what}${hint}`,
      async () => accept(await read(name)),
      timeoutMs,
    );

  return {
    oneReplicaSpec,
    createFromManifest,
    read,
    waitUntil,

    async create(
      name: string,
      spec: object = oneReplicaSpec(name),
      manifestOptions: KafkaTopicManifestOptions = {},
    ): Promise<void> {
      await createFromManifest(manifest(name, spec, manifestOptions));
    },

    async list(): Promise<KafkaTopic[]> {
      const list = (await custom.listNamespacedCustomObject({ ...kafkaTopicApi, namespace })) as {
        items: KafkaTopic[];
      };
      return list.items;
    },

    async patch(name: string, mergePatch: object): Promise<KafkaTopic> {
      return (await custom.patchNamespacedCustomObject(
        { ...kafkaTopicApi, namespace, name, body: mergePatch },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as KafkaTopic;
    },

    async delete(name: string): Promise<void> {
      await custom.deleteNamespacedCustomObject({ ...kafkaTopicApi, namespace, name });
    },

    // Ready=True; with `generation`, also having observed that generation.
    waitReady(name: string, { generation, timeoutMs }: { generation?: number; timeoutMs?: number } = {}) {
      return waitUntil(
        name,
        `to be Ready${generation === undefined ? '' : ` at generation ${generation}`}`,
        (topic) =>
          isReady(topic) && (generation === undefined || topic.status?.observedGeneration === generation)
            ? topic
            : undefined,
        timeoutMs,
      );
    },

    // The operator has reconciled `generation`, whatever the outcome.
    waitObserved(name: string, generation: number, timeoutMs?: number) {
      return waitUntil(
        name,
        `to observe generation ${generation}`,
        (topic) => (topic.status?.observedGeneration === generation ? topic : undefined),
        timeoutMs,
      );
    },

    // A Ready condition, True or False, for the current generation.
    waitSettled(name: string): Promise<{ topic: KafkaTopic; ready: Condition }> {
      return waitUntil(name, 'to settle', (topic) => {
        const ready = topic.status?.conditions?.find((c) => c.type === 'Ready');
        return ready && topic.status?.observedGeneration === topic.metadata?.generation
          ? { topic, ready }
          : undefined;
      });
    },

    waitGone(name: string): Promise<true> {
      return waitFor(`KafkaTopic ${namespace}/${name} to be gone${hint}`, () =>
        read(name).then(
          () => undefined,
          (error: unknown) => {
            if (error instanceof ApiException && error.code === 404) return true;
            throw error;
          },
        ),
      );
    },
  };
}
