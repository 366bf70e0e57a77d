// The one port through which the operator talks to Kafka's Admin API. Effects depend on this
// interface, one topic at a time; the implementation (platformatic-admin.ts) combines the calls
// of many actors into few requests, and unit tests provide fakes.
export interface TopicDescription {
  name: string;
  // In Kafka's own form (topic-id.ts), as kafka-topics --describe prints it.
  id: string;
  partitions: number;
  replicationFactor: number;
  // Kafka's own topic (isInternal in its metadata), such as __consumer_offsets.
  internal: boolean;
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

// ACLs as KafkaUser's spec.authorization.acls names them (Strimzi's enum spellings).
export type AclResourceType = 'topic' | 'group' | 'cluster' | 'transactionalId';
export type AclPatternType = 'literal' | 'prefix';
export type AclOperation =
  | 'Read'
  | 'Write'
  | 'Create'
  | 'Delete'
  | 'Alter'
  | 'Describe'
  | 'ClusterAction'
  | 'AlterConfigs'
  | 'DescribeConfigs'
  | 'IdempotentWrite'
  | 'All';

// One ACL binding in Kafka: the principal as Kafka sees it (User:<name>, or User:CN=<name> for TLS).
export interface AclRule {
  principal: string;
  resourceType: AclResourceType;
  // 'kafka-cluster' for the cluster resource.
  resourceName: string;
  patternType: AclPatternType;
  host: string;
  operation: AclOperation;
  permission: 'allow' | 'deny';
}

// A user's client quotas (KafkaUser spec.quotas); an absent key has no quota.
export interface UserQuotas {
  producerByteRate?: number;
  consumerByteRate?: number;
  requestPercentage?: number;
  controllerMutationRate?: number;
}

export interface UserQuotaChanges {
  set: UserQuotas;
  remove: Array<keyof UserQuotas>;
}

export interface KafkaAdmin {
  describeTopic(name: string): Promise<TopicDescription | undefined>;
  // The topic's own config values (dynamic topic configs), not the broker defaults.
  describeTopicConfig(name: string): Promise<Record<string, string>>;
  createTopic(topic: NewTopic): Promise<TopicDescription>;
  alterTopicConfig(name: string, changes: ConfigChanges): Promise<void>;
  // Grows the topic from its `existing` partitions to `partitions` in all.
  createPartitions(name: string, partitions: number, existing: number): Promise<void>;
  // Resolves when the topic is gone, or was already absent.
  deleteTopic(name: string): Promise<void>;
  // The brokers Kafka's metadata lists, as of the latest topic describe.
  brokerCount(): Promise<number>;

  // Users (the user operator). Every call is combined with the concurrent calls of other actors.
  // Whether the user has a SCRAM-SHA-512 credential.
  hasScramCredential(user: string): Promise<boolean>;
  // Every user with a SCRAM credential (orphan cleanup).
  listScramUsers(): Promise<string[]>;
  // Sets the user's SCRAM-SHA-512 credential to this password (new salt each time).
  upsertScramCredential(user: string, password: string): Promise<void>;
  // Resolves when the credential is gone, or was already absent.
  deleteScramCredential(user: string): Promise<void>;
  // The ACLs whose principal is exactly this one.
  describeAcls(principal: string): Promise<AclRule[]>;
  // Every principal that has an ACL (orphan cleanup).
  listAclPrincipals(): Promise<string[]>;
  createAcls(rules: AclRule[]): Promise<void>;
  // Deletes exactly these bindings; absent ones are fine.
  deleteAcls(rules: AclRule[]): Promise<void>;
  // Deletes every ACL of the principal, whatever its resource, pattern or operation.
  deleteAclsOf(principal: string): Promise<void>;
  // The quotas of the entity user=<user> (not the default user entity).
  describeUserQuotas(user: string): Promise<UserQuotas>;
  // Every user that has a client quota of its own (orphan cleanup).
  listQuotaUsers(): Promise<string[]>;
  alterUserQuotas(user: string, changes: UserQuotaChanges): Promise<void>;
  close(): Promise<void>;
}

// Kafka's controller writes at most this many metadata records for one request (one per new
// partition, one per topic, one per config): it refuses a CreateTopics request that needs more as a
// whole, but of a CreatePartitions request it applies what fits and fails the rest, leaving a topic
// part-grown.
export const kafkaRecordsPerRequest = 10_000;

// What the cluster operator reads of a Kafka it runs before and after it restarts a node.
export interface PartitionReplicas {
  topic: string;
  partition: number;
  replicas: number[];
  isr: number[];
}

export interface QuorumVoter {
  id: number;
  // Epoch milliseconds; undefined when the leader has no record of the voter catching up.
  lastCaughtUpTimestamp?: number;
}

export interface QuorumState {
  // -1 while no leader is elected.
  leaderId: number;
  voters: QuorumVoter[];
}

export interface ClusterHealthAdmin {
  // The brokers registered and unfenced: describeCluster lists no other.
  describeBrokers(): Promise<number[]>;
  describeMetadataQuorum(): Promise<QuorumState>;
  // Every partition of every topic, internal ones included.
  describePartitions(): Promise<PartitionReplicas[]>;
  // The min.insync.replicas in force for each topic: its own value, else the broker's.
  describeMinInsyncReplicas(topics: readonly string[]): Promise<Map<string, number>>;
  close(): Promise<void>;
}

// The cluster-wide default entity of a Kafka the operator runs (the BROKER config resource named ""),
// where the configuration Kafka takes at runtime is written once for every node, controllers included.
export interface ClusterDefaultsAdmin {
  // The configs set on the default entity, by name (none of Kafka's defaults or static values).
  describeClusterDefaults(): Promise<Record<string, string>>;
  alterClusterDefaults(changes: ConfigChanges): Promise<void>;
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
  RESOURCE_NOT_FOUND: 91,
} as const;

export class KafkaAdminError extends Error {
  readonly errorCode: number;

  constructor(message: string, errorCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaAdminError';
    this.errorCode = errorCode;
  }
}
