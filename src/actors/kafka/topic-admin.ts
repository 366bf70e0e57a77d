// The topics of the topic operator: concurrent calls of many topic actors go to Kafka as one
// request per operation. Reads go on the admin's own connection, answered per topic; writes on
// platformatic's Admin, whose per-topic answers ride on the error it throws.
import {
  type Admin,
  ConfigResourceTypes,
  describeConfigsV4,
  IncrementalAlterConfigOperationTypes,
  metadataV12,
} from '@platformatic/kafka';
import { type AdminContext, describeError, kafkaFailure } from './admin-connection.ts';
import { eachAloneAfterWholeFailure, inRequestsOfAtMost } from './batch-splitting.ts';
import {
  type ConfigChanges,
  KafkaAdminError,
  kafkaErrorCodes,
  kafkaRecordsPerRequest,
  type NewTopic,
  type TopicDescription,
} from './kafka-admin.ts';
import { RequestBatcher } from './request-batcher.ts';
import { kafkaTopicId } from './topic-id.ts';

type MetadataResponseTopic = metadataV12.MetadataResponseTopic;

interface NewPartitions {
  name: string;
  partitions: number;
  existing: number;
}

interface ItemOutcome {
  name?: string | null;
  resourceName?: string;
  errorCode?: number;
  errorMessage?: string | null;
}

// platformatic throws one error for a request in which any item failed; the per-item outcomes
// are in the responses attached to the errors it aggregates (nested once more when it retried).
function itemOutcomes(error: unknown, field: string, depth = 0): ItemOutcome[] | undefined {
  const items = (error as { response?: Record<string, unknown> }).response?.[field];
  if (Array.isArray(items)) return items as ItemOutcome[];
  if (depth >= 3) return undefined;
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) {
    const found = itemOutcomes(inner, field, depth + 1);
    if (found) return found;
  }
  return undefined;
}

// Maps a batch failure to one outcome per requested name: the item's own error, or success.
function perItem(
  names: string[],
  action: string,
  error: unknown,
  field: string,
  tolerated: number[] = [],
): Array<Error | undefined> {
  const outcomes = itemOutcomes(error, field);
  if (!outcomes)
    return names.map(() => new Error(`${action} failed: ${describeError(error)}`, { cause: error }));
  return names.map((name) => {
    const outcome = outcomes.find((o) => (o.name ?? o.resourceName) === name);
    if (!outcome?.errorCode || tolerated.includes(outcome.errorCode)) return undefined;
    return kafkaFailure(`${action} ${name}`, {
      errorCode: outcome.errorCode,
      errorMessage: outcome.errorMessage,
    });
  });
}

export class TopicAdmin {
  readonly #context: AdminContext;
  readonly #admin: Admin;
  readonly #describeTopics: RequestBatcher<string, TopicDescription | undefined>;
  readonly #describeConfigs: RequestBatcher<string, Record<string, string>>;
  // CreateTopics takes one config for all topics of a request: one batcher per config.
  readonly #createTopics = new Map<string, RequestBatcher<NewTopic, TopicDescription>>();
  readonly #alterConfigs: RequestBatcher<{ name: string; changes: ConfigChanges }, undefined>;
  readonly #createPartitions: RequestBatcher<NewPartitions, undefined>;
  readonly #deleteTopics: RequestBatcher<string, undefined>;
  // From the latest Metadata answer, which every describe of topics brings.
  #brokers: number | undefined;

  constructor(context: AdminContext, admin: Admin) {
    this.#context = context;
    this.#admin = admin;
    const { reads, writes } = context.batching;
    this.#describeTopics = new RequestBatcher((names) => this.#sendDescribeTopics(names), reads);
    this.#describeConfigs = new RequestBatcher((names) => this.#sendDescribeConfigs(names), reads);
    this.#alterConfigs = new RequestBatcher(
      eachAloneAfterWholeFailure((items) => this.#sendAlterConfigs(items)),
      writes,
    );
    // Requests Kafka applies whole: their new partitions within what it writes for one request.
    this.#createPartitions = new RequestBatcher(
      inRequestsOfAtMost(
        eachAloneAfterWholeFailure((items: NewPartitions[]) => this.#sendCreatePartitions(items)),
        (item) => item.partitions - item.existing,
        kafkaRecordsPerRequest,
      ),
      writes,
    );
    this.#deleteTopics = new RequestBatcher(
      eachAloneAfterWholeFailure((names) => this.#sendDeleteTopics(names)),
      writes,
    );
  }

  describeTopic(name: string): Promise<TopicDescription | undefined> {
    return this.#describeTopics.submit(name);
  }

  describeTopicConfig(name: string): Promise<Record<string, string>> {
    return this.#describeConfigs.submit(name);
  }

  createTopic(topic: NewTopic): Promise<TopicDescription> {
    const signature = JSON.stringify(Object.entries(topic.config).sort());
    let batcher = this.#createTopics.get(signature);
    if (!batcher) {
      // The records each topic costs Kafka; the broker's default partition count counts as one:
      // should that make a request too large, Kafka refuses it as a whole and its topics go again
      // one by one.
      const send = inRequestsOfAtMost(
        eachAloneAfterWholeFailure((topics: NewTopic[]) => this.#sendCreateTopics(topics)),
        (t) => (t.partitions ?? 1) + 1 + Object.keys(t.config).length,
        kafkaRecordsPerRequest,
      );
      batcher = new RequestBatcher(send, this.#context.batching.writes);
      this.#createTopics.set(signature, batcher);
    }
    return batcher.submit(topic);
  }

  alterTopicConfig(name: string, changes: ConfigChanges): Promise<void> {
    return this.#alterConfigs.submit({ name, changes });
  }

  createPartitions(name: string, partitions: number, existing: number): Promise<void> {
    return this.#createPartitions.submit({ name, partitions, existing });
  }

  deleteTopic(name: string): Promise<void> {
    return this.#deleteTopics.submit(name);
  }

  async brokerCount(): Promise<number> {
    if (this.#brokers === undefined) await this.#topicMetadata([]);
    return this.#brokers ?? 0;
  }

  // One Metadata request for the topics asked about, answered per topic (unknown ones included):
  // a resync or a burst of new topics costs one request per batch, however many topics the
  // cluster holds. Reads go on a connection of the admin's own, because platformatic's Admin
  // fails (and retries) a whole request when one topic in it fails.
  async #sendDescribeTopics(names: string[]): Promise<Array<TopicDescription | undefined | Error>> {
    this.#context.count('metadata');
    const topics = await this.#topicMetadata([...new Set(names)]);
    return names.map((name) => {
      const topic = topics.get(name);
      // Only Kafka's own "unknown" makes a topic absent: an answer that leaves it out says nothing.
      if (!topic) return new Error(`Kafka's metadata answer left out topic ${name}`);
      if (topic.errorCode === kafkaErrorCodes.UNKNOWN_TOPIC_OR_PARTITION) return undefined;
      if (topic.errorCode !== 0) {
        return kafkaFailure(`describing topic ${name}`, topic);
      }
      return {
        name,
        id: kafkaTopicId(topic.topicId),
        partitions: topic.partitions.length,
        replicationFactor: topic.partitions[0]?.replicaNodes.length ?? 0,
        internal: topic.isInternal,
      };
    });
  }

  async #topicMetadata(names: string[]): Promise<Map<string, MetadataResponseTopic>> {
    const response = await this.#context.connection.request(
      'reading topic metadata',
      (connection) => metadataV12.api.async(connection, names, false, false),
      'topics',
    );
    this.#brokers = response.brokers.length;
    return new Map(response.topics.map((topic) => [topic.name ?? '', topic]));
  }

  // DescribeConfigs on the admin's own connection, answered per topic: a topic Kafka does not
  // know yet fails alone, without the client's retries (a second each) holding up the batch.
  async #sendDescribeConfigs(names: string[]): Promise<Array<Record<string, string> | Error>> {
    this.#context.count('describeConfigs');
    const resources = [...new Set(names)].map((name) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: name,
      configurationKeys: null,
    }));
    const response = await this.#context.connection.request(
      'describing topic configs',
      (connection) => describeConfigsV4.api.async(connection, resources, false, false),
      'results',
    );
    const results = new Map(response.results.map((result) => [result.resourceName, result]));
    return names.map((name) => {
      const result = results.get(name);
      if (!result) return new Error(`Kafka did not describe the configs of topic ${name}`);
      if (result.errorCode !== 0) {
        return kafkaFailure(`describing the configs of topic ${name}`, result);
      }
      const own: Record<string, string> = {};
      for (const config of result.configs) {
        // Source 1 is DYNAMIC_TOPIC_CONFIG: a value set on this topic.
        if (config.configSource === 1 && config.value !== null && config.value !== undefined) {
          own[config.name] = config.value;
        }
      }
      return own;
    });
  }

  async #sendCreateTopics(topics: NewTopic[]): Promise<Array<TopicDescription | Error>> {
    this.#context.count('createTopics');
    const config = topics[0]?.config ?? {};
    try {
      const created = await this.#admin.createTopics({
        topics: topics.map((t) => ({
          topic: t.name,
          partitions: t.partitions ?? -1,
          replicas: t.replicas ?? -1,
        })),
        configs: Object.entries(config).map(([name, value]) => ({ name, value })),
      });
      return topics.map((t) => {
        const result = created.find((c) => c.name === t.name);
        return result
          ? {
              name: t.name,
              id: kafkaTopicId(result.id),
              partitions: result.partitions,
              replicationFactor: result.replicas,
              internal: false,
            }
          : new Error(`Kafka did not report topic ${t.name} as created`);
      });
    } catch (error) {
      const outcomes = perItem(
        topics.map((t) => t.name),
        'creating topic',
        error,
        'topics',
      );
      const created = itemOutcomes(error, 'topics') as
        | Array<ItemOutcome & { topicId: string; numPartitions: number; replicationFactor: number }>
        | undefined;
      return Promise.all(
        topics.map(async (t, index) => {
          const failure = outcomes[index];
          // Someone else created it between our describe and create: describe what is there now.
          if (
            failure instanceof KafkaAdminError &&
            failure.errorCode === kafkaErrorCodes.TOPIC_ALREADY_EXISTS
          ) {
            return (await this.describeTopic(t.name)) ?? failure;
          }
          if (failure) return failure;
          const result = created?.find((c) => c.name === t.name);
          return result
            ? {
                name: t.name,
                id: kafkaTopicId(result.topicId),
                partitions: result.numPartitions,
                replicationFactor: result.replicationFactor,
                internal: false,
              }
            : new Error(`Kafka did not report topic ${t.name} as created`);
        }),
      );
    }
  }

  async #sendAlterConfigs(
    items: Array<{ name: string; changes: ConfigChanges }>,
  ): Promise<Array<undefined | Error>> {
    this.#context.count('incrementalAlterConfigs');
    try {
      await this.#admin.incrementalAlterConfigs({
        resources: items.map(({ name, changes }) => ({
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: name,
          configs: [
            ...Object.entries(changes.set).map(([key, value]) => ({
              name: key,
              configOperation: IncrementalAlterConfigOperationTypes.SET,
              value,
            })),
            ...changes.remove.map((key) => ({
              name: key,
              configOperation: IncrementalAlterConfigOperationTypes.DELETE,
            })),
          ],
        })),
      });
      return items.map(() => undefined);
    } catch (error) {
      return perItem(
        items.map((i) => i.name),
        'changing the config of topic',
        error,
        'responses',
      );
    }
  }

  async #sendCreatePartitions(items: NewPartitions[]): Promise<Array<undefined | Error>> {
    this.#context.count('createPartitions');
    try {
      await this.#admin.createPartitions({
        topics: items.map(({ name, partitions }) => ({ name, count: partitions, assignments: null })),
      });
      return items.map(() => undefined);
    } catch (error) {
      return perItem(
        items.map((i) => i.name),
        'adding partitions to topic',
        error,
        'results',
      );
    }
  }

  async #sendDeleteTopics(names: string[]): Promise<Array<undefined | Error>> {
    this.#context.count('deleteTopics');
    const unique = [...new Set(names)];
    try {
      await this.#admin.deleteTopics({ topics: unique });
      return names.map(() => undefined);
    } catch (error) {
      return perItem(names, 'deleting topic', error, 'responses', [
        kafkaErrorCodes.UNKNOWN_TOPIC_OR_PARTITION,
      ]);
    }
  }
}
