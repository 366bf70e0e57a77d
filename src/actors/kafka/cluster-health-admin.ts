// ClusterHealthAdmin on @platformatic/kafka: one connection to a Kafka the operator runs, for the
// reads that decide whether a node may restart, and for the cluster-wide configuration it takes at
// runtime. Requests go to whichever bootstrap broker answers; a broker forwards DescribeQuorum to the
// active controller, and IncrementalAlterConfigs to the controllers.
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import {
  ConfigResourceTypes,
  ConfigSources,
  DescribeClusterEndpointTypes,
  describeClusterV1,
  describeConfigsV4,
  describeQuorumV2,
  IncrementalAlterConfigOperationTypes,
  incrementalAlterConfigsV1,
  metadataV12,
} from '@platformatic/kafka';
import { AdminConnection, kafkaFailure } from './admin-connection.ts';
import type {
  ClusterDefaultsAdmin,
  ClusterHealthAdmin,
  ConfigChanges,
  PartitionReplicas,
  QuorumState,
} from './kafka-admin.ts';

const metadataTopic = '__cluster_metadata';
// The BROKER config resource that holds the cluster-wide defaults.
const clusterDefaultEntity = '';
const minInsyncReplicasKey = 'min.insync.replicas';

export interface ClusterHealthAdminOptions {
  bootstrap: string[];
  tls?: TlsOptions;
  // How long connecting and each request may take.
  timeoutMs: number;
}

export class PlatformaticClusterHealthAdmin implements ClusterHealthAdmin, ClusterDefaultsAdmin {
  readonly #connection: AdminConnection;

  constructor(options: ClusterHealthAdminOptions) {
    this.#connection = new AdminConnection('kafka-actor-operator-roller', options.bootstrap, {
      ...(options.tls ? { tls: options.tls } : {}),
      connectTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
    });
  }

  async describeBrokers(): Promise<number[]> {
    const response = await this.#connection.request(
      'describing the cluster',
      (connection) => describeClusterV1.api.async(connection, false, DescribeClusterEndpointTypes.BROKERS),
      'brokers',
    );
    if (response.errorCode !== 0) throw kafkaFailure('describing the cluster', response);
    return response.brokers.map((broker) => broker.brokerId).sort((a, b) => a - b);
  }

  async describeMetadataQuorum(): Promise<QuorumState> {
    const response = await this.#connection.request(
      'describing the metadata quorum',
      (connection) =>
        describeQuorumV2.api.async(connection, [
          { topicName: metadataTopic, partitions: [{ partitionIndex: 0 }] },
        ]),
      'topics',
    );
    if (response.errorCode !== 0) throw kafkaFailure('describing the metadata quorum', response);
    const partition = response.topics[0]?.partitions[0];
    if (!partition) throw new Error('describing the metadata quorum: Kafka named no quorum partition');
    if (partition.errorCode !== 0) throw kafkaFailure('describing the metadata quorum', partition);
    return {
      leaderId: partition.leaderId,
      voters: partition.currentVoters.map((voter) => ({
        id: voter.replicaId,
        // -1: the leader has not seen the voter catch up.
        ...(voter.lastCaughtUpTimestamp >= 0n
          ? { lastCaughtUpTimestamp: Number(voter.lastCaughtUpTimestamp) }
          : {}),
      })),
    };
  }

  async describePartitions(): Promise<PartitionReplicas[]> {
    const response = await this.#connection.request(
      'reading the metadata of every topic',
      (connection) => metadataV12.api.async(connection, null, false, false),
      'topics',
    );
    return response.topics.flatMap((topic) => {
      if (topic.errorCode !== 0) throw kafkaFailure(`reading the metadata of topic ${topic.name}`, topic);
      return topic.partitions.map((partition) => ({
        topic: topic.name ?? '',
        partition: partition.partitionIndex,
        replicas: partition.replicaNodes,
        isr: partition.isrNodes,
      }));
    });
  }

  async describeMinInsyncReplicas(topics: readonly string[]): Promise<Map<string, number>> {
    if (topics.length === 0) return new Map();
    const resources = topics.map((name) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: name,
      configurationKeys: [minInsyncReplicasKey],
    }));
    const response = await this.#connection.request(
      'describing min.insync.replicas of the topics',
      (connection) => describeConfigsV4.api.async(connection, resources, false, false),
      'results',
    );
    const values = new Map<string, number>();
    for (const result of response.results) {
      if (result.errorCode !== 0) {
        throw kafkaFailure(`describing ${minInsyncReplicasKey} of topic ${result.resourceName}`, result);
      }
      const value = result.configs.find((config) => config.name === minInsyncReplicasKey)?.value;
      if (value === null || value === undefined || !/^\d+$/.test(value)) {
        throw new Error(`Kafka gave topic ${result.resourceName} no ${minInsyncReplicasKey} (${value})`);
      }
      values.set(result.resourceName, Number(value));
    }
    return values;
  }

  async describeClusterDefaults(): Promise<Record<string, string>> {
    const what = 'describing the cluster-wide broker configuration';
    const response = await this.#connection.request(
      what,
      (connection) =>
        describeConfigsV4.api.async(
          connection,
          [
            {
              resourceType: ConfigResourceTypes.BROKER,
              resourceName: clusterDefaultEntity,
              configurationKeys: null,
            },
          ],
          false,
          false,
        ),
      'results',
    );
    const result = response.results[0];
    if (!result) throw new Error(`${what}: Kafka returned no result`);
    if (result.errorCode !== 0) throw kafkaFailure(what, result);
    return Object.fromEntries(
      result.configs
        .filter((config) => config.configSource === ConfigSources.DYNAMIC_DEFAULT_BROKER_CONFIG)
        .map((config) => [config.name, config.value ?? '']),
    );
  }

  async alterClusterDefaults(changes: ConfigChanges): Promise<void> {
    const what = 'altering the cluster-wide broker configuration';
    const configs = [
      ...Object.entries(changes.set).map(([name, value]) => ({
        name,
        configOperation: IncrementalAlterConfigOperationTypes.SET,
        value,
      })),
      ...changes.remove.map((name) => ({
        name,
        configOperation: IncrementalAlterConfigOperationTypes.DELETE,
      })),
    ];
    if (configs.length === 0) return;
    const response = await this.#connection.request(
      what,
      (connection) =>
        incrementalAlterConfigsV1.api.async(
          connection,
          [{ resourceType: ConfigResourceTypes.BROKER, resourceName: clusterDefaultEntity, configs }],
          false,
        ),
      'responses',
    );
    for (const result of response.responses) {
      if (result.errorCode !== 0) throw kafkaFailure(what, result);
    }
  }

  async close(): Promise<void> {
    this.#connection.close();
  }
}
