// The one port through which the operator talks to Kafka's Admin API. Effects depend on this
// interface, one topic at a time; the implementation (platformatic-admin.ts) combines the calls
// of many actors into few requests, and unit tests provide fakes.
export interface TopicDescription {
  name: string;
  id: string;
  partitions: number;
  replicationFactor: number;
}

export interface NewTopic {
  name: string;
  // Absent: the broker's num.partitions / default.replication.factor apply.
  partitions?: number;
  replicas?: number;
  config: Record<string, string>;
}

export interface ConfigChanges {
  set: Record<string, string>;
  // Keys whose topic-level value goes, so the broker default applies again.
  remove: string[];
}

export interface KafkaAdmin {
  describeTopic(name: string): Promise<TopicDescription | undefined>;
  // The topic's own config values (dynamic topic configs), not the broker defaults.
  describeTopicConfig(name: string): Promise<Record<string, string>>;
  createTopic(topic: NewTopic): Promise<TopicDescription>;
  alterTopicConfig(name: string, changes: ConfigChanges): Promise<void>;
  // Grows the topic to `partitions` in all.
  createPartitions(name: string, partitions: number): Promise<void>;
  // Resolves when the topic is gone, or was already absent.
  deleteTopic(name: string): Promise<void>;
  close(): Promise<void>;
}

// A Kafka error code with its name, as the protocol defines them (the ones the operator acts on).
export const kafkaErrorCodes = {
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  TOPIC_AUTHORIZATION_FAILED: 29,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  POLICY_VIOLATION: 44,
  TOPIC_DELETION_DISABLED: 73,
} as const;

export class KafkaAdminError extends Error {
  readonly errorCode: number;

  constructor(message: string, errorCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaAdminError';
    this.errorCode = errorCode;
  }
}
