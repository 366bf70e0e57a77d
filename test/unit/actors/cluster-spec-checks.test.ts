import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildClusterModel } from '../../../src/actors/cluster/cluster-model.ts';
import type { Kafka } from '../../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../../src/api/kafka-node-pool.ts';
import { kafkaResource, nodePoolResource } from '../../support/cluster-resources.ts';

function reasons(kafka: Kafka, pools: KafkaNodePool[]): string[] {
  return buildClusterModel(kafka, pools, { podNodeIds: {} })
    .warnings.map((warning) => warning.reason)
    .sort();
}

describe("Strimzi's spec warnings", () => {
  test('none for three dual-role nodes on persistent storage with replication configured', () => {
    const pool = nodePoolResource('dual', { storage: { type: 'persistent-claim', size: '10Gi' } });
    assert.deepEqual(reasons(kafkaResource(), [pool]), []);
  });

  test('replication settings left at their defaults, only when there is more than one broker', () => {
    assert.deepEqual(reasons(kafkaResource({ config: {} }), [nodePoolResource('dual')]), [
      'KafkaDefaultReplicationFactor',
      'KafkaMinInsyncReplicas',
    ]);
    assert.deepEqual(reasons(kafkaResource({ config: {} }), [nodePoolResource('dual', { replicas: 1 })]), [
      'KafkaStorage',
      'KafkaStorage',
    ]);
  });

  test('a single ephemeral broker or controller loses data on restart', () => {
    const warnings = buildClusterModel(kafkaResource(), [nodePoolResource('dual', { replicas: 1 })], {
      podNodeIds: {},
    }).warnings;
    assert.deepEqual(
      warnings.map((warning) => warning.message),
      [
        'A Kafka cluster with a single broker node and ephemeral storage will lose topic messages after any restart or rolling update.',
        'A Kafka cluster with a single controller node and ephemeral storage will lose data after any restart or rolling update.',
      ],
    );
  });

  test('an even number of controllers', () => {
    assert.deepEqual(reasons(kafkaResource(), [nodePoolResource('dual', { replicas: 2 })]), [
      'KafkaKRaftControllerNodeCount',
    ]);
    const controllers = nodePoolResource('controllers', { roles: ['controller'], replicas: 4 });
    assert.deepEqual(
      reasons(kafkaResource(), [controllers, nodePoolResource('brokers', { roles: ['broker'] })]),
      ['KafkaKRaftControllerNodeCount'],
    );
  });

  test('a metadata version of an older release than the Kafka version (an unfinished upgrade)', () => {
    assert.deepEqual(reasons(kafkaResource({ metadataVersion: '4.1-IV1' }), [nodePoolResource('dual')]), [
      'KafkaMetadataVersion',
    ]);
  });

  test('ingress listeners', () => {
    const listeners: Kafka['spec']['kafka']['listeners'] = [
      {
        name: 'external',
        port: 9094,
        type: 'ingress',
        tls: true,
        configuration: { bootstrap: { host: 'k.test' } },
      },
    ];
    assert.deepEqual(reasons(kafkaResource({ listeners }), [nodePoolResource('dual')]), [
      'DeprecatedObjects',
    ]);
  });

  test('route and tlsroute listeners, for which no Route nor TLSRoute is made', () => {
    const listeners: Kafka['spec']['kafka']['listeners'] = [
      { name: 'route', port: 9094, type: 'route', tls: true },
      { name: 'gateway', port: 9095, type: 'tlsroute', tls: true },
    ];
    assert.deepEqual(reasons(kafkaResource({ listeners }), [nodePoolResource('dual')]), [
      'RoutesNotCreated',
      'RoutesNotCreated',
    ]);
  });
});
