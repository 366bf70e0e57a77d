// KafkaAdmin on @platformatic/kafka's Admin client.
import { Admin, type SASLOptions } from '@platformatic/kafka';
import {
  type KafkaAdmin,
  KafkaAdminError,
  kafkaErrorCodes,
  type NewTopic,
  type TopicDescription,
} from './kafka-admin.ts';

export interface KafkaConnectionSettings {
  bootstrap: string[];
  sasl?: { username: string; password: string };
  tls?: boolean;
  clientId: string;
}

interface ProtocolErrorEntry {
  errorCode?: number;
  errorMessage?: string | null;
}

// platformatic reports per-item errors inside the response attached to the error it throws.
function protocolErrors(error: unknown): ProtocolErrorEntry[] {
  const found: ProtocolErrorEntry[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    const entry = value as ProtocolErrorEntry & Record<string, unknown>;
    if (typeof entry.errorCode === 'number' && entry.errorCode !== 0) found.push(entry);
    for (const key of ['errors', 'response', 'topics', 'responses', 'cause']) visit(entry[key], depth + 1);
    if (Array.isArray(value)) for (const item of value) visit(item, depth + 1);
  };
  visit(error, 0);
  return found;
}

function asKafkaAdminError(action: string, error: unknown): Error {
  const [first] = protocolErrors(error);
  if (first?.errorCode !== undefined) {
    return new KafkaAdminError(
      `${action}: ${first.errorMessage ?? `Kafka error code ${first.errorCode}`}`,
      first.errorCode,
      {
        cause: error,
      },
    );
  }
  return new Error(`${action}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

export class PlatformaticKafkaAdmin implements KafkaAdmin {
  readonly #admin: Admin;

  constructor(settings: KafkaConnectionSettings) {
    const sasl: SASLOptions | undefined = settings.sasl
      ? { mechanism: 'SCRAM-SHA-512', username: settings.sasl.username, password: settings.sasl.password }
      : undefined;
    this.#admin = new Admin({
      clientId: settings.clientId,
      bootstrapBrokers: settings.bootstrap,
      retries: 2,
      ...(sasl ? { sasl } : {}),
      ...(settings.tls ? { tls: {} } : {}),
    });
  }

  async describeTopic(name: string): Promise<TopicDescription | undefined> {
    const names = await this.#admin.listTopics({ includeInternals: true }).catch((error: unknown) => {
      throw asKafkaAdminError('listing topics failed', error);
    });
    if (!names.includes(name)) return undefined;
    const metadata = await this.#admin
      .metadata({ topics: [name], forceUpdate: true })
      .catch((error: unknown) => {
        throw asKafkaAdminError(`describing topic ${name} failed`, error);
      });
    const topic = metadata.topics.get(name);
    if (!topic) return undefined;
    return {
      name,
      id: topic.id,
      partitions: topic.partitionsCount,
      replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
    };
  }

  async createTopic(topic: NewTopic): Promise<TopicDescription> {
    try {
      const [created] = await this.#admin.createTopics({
        topics: [topic.name],
        partitions: topic.partitions ?? -1,
        replicas: topic.replicas ?? -1,
        configs: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
      });
      if (!created) throw new Error(`Kafka did not report topic ${topic.name} as created`);
      return {
        name: topic.name,
        id: created.id,
        partitions: created.partitions,
        replicationFactor: created.replicas,
      };
    } catch (error) {
      const failure = asKafkaAdminError(`creating topic ${topic.name} failed`, error);
      // Someone created it between our describe and create: describe what is there now.
      if (failure instanceof KafkaAdminError && failure.errorCode === kafkaErrorCodes.TOPIC_ALREADY_EXISTS) {
        const existing = await this.describeTopic(topic.name);
        if (existing) return existing;
      }
      throw failure;
    }
  }

  async deleteTopic(name: string): Promise<void> {
    try {
      await this.#admin.deleteTopics({ topics: [name] });
    } catch (error) {
      const failure = asKafkaAdminError(`deleting topic ${name} failed`, error);
      if (
        failure instanceof KafkaAdminError &&
        failure.errorCode === kafkaErrorCodes.UNKNOWN_TOPIC_OR_PARTITION
      )
        return;
      throw failure;
    }
  }

  async close(): Promise<void> {
    await this.#admin.close();
  }
}
