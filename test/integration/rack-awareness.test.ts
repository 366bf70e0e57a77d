// Real services (kube-apiserver, scheduler, Redis), the operator as a process, and the pod runner
// (tools/pod-runner) in this process playing four Nodes in three zones (two in zone-a): a Kafka with
// spec.kafka.rack.topologyKey runs four real brokers, one per node, and Kafka reports each broker's rack
// as its node's zone and places a topic's replicas one per rack. With four brokers a placement blind to
// racks puts two replicas of some partitions in zone-a, so the placement check can fail.
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { Kafka as KafkaClient, logLevel } from 'kafkajs';
import { pino } from 'pino';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool, KafkaNodeRole } from '../../src/api/kafka-node-pool.ts';
import { defaultTaint, parseTaint } from '../../tools/pod-runner/options.ts';
import { PodRunner } from '../../tools/pod-runner/pod-runner.ts';
import { runDirectory as testenvRun } from '../support/environment.ts';
import { kafkaReportedRacks } from '../support/kafka-java-admin.ts';
import { kafkaLibrary, testEnvironmentKafkaVersion } from '../support/local-kafka-nodes.ts';
import { kafkaClusterClient } from '../support/manifests.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { onlyOnNodes, runnerToleration } from '../support/runner-placement.ts';
import { waitFor } from '../support/wait.ts';

const zoneKey = 'topology.kubernetes.io/zone';
const suffix = randomUUID().replaceAll('-', '').slice(0, 6);
const zoneOfNode: Record<string, string> = {
  [`rack-a-${suffix}`]: 'zone-a',
  [`rack-b-${suffix}`]: 'zone-b',
  [`rack-c-${suffix}`]: 'zone-c',
  [`rack-d-${suffix}`]: 'zone-a',
};
const [firstNode = '', ...otherNodes] = Object.keys(zoneOfNode);

const fixture = await operatorFixture('rack');
const { core, custom, namespace, kc } = fixture;
const clusters = kafkaClusterClient(custom);
const runDirectory = join(testenvRun, `rack-awareness-${suffix}`);
const runner = new PodRunner({
  kubeConfig: kc,
  nodeName: firstNode,
  nodeLabels: { [zoneKey]: zoneOfNode[firstNode] ?? '' },
  additionalNodes: Object.fromEntries(
    otherNodes.map((name) => [name, { [zoneKey]: zoneOfNode[name] ?? '' }]),
  ),
  bridge: `kr${suffix.slice(0, 4)}`,
  // Clear of the playground's 10.245/16, the e2e test's 10.150–199 and the pod runner test's 10.200–239.
  podCidr: `10.${randomInt(241, 245)}.0.0/16`,
  taints: [parseTaint(defaultTaint)],
  runDirectory,
  kafkaLibraries: kafkaLibrary(),
  systemHostsFile: '/etc/hosts',
  log: pino(pino.destination({ dest: join(runDirectory, 'runner.log'), mkdir: true, sync: true })),
  volumeRefreshMs: 500,
  // Three JVMs starting at once on a shared machine: a liveness probe must not kill a slow start.
  minLivenessDelaySeconds: 180,
});
let operator: OperatorProcess;

before(async () => {
  await runner.start();
  operator = startOperatorProcess('rack-awareness', fixture.env);
});

after(async () => {
  await operator?.stop();
  await runner.stop();
  await fixture.cleanup();
});

// Three combined nodes (the quorum) and one more broker.
const poolShapes: { name: string; replicas: number; roles: KafkaNodeRole[] }[] = [
  { name: 'dual-role', replicas: 3, roles: ['controller', 'broker'] },
  { name: 'brokers', replicas: 1, roles: ['broker'] },
];
const pools: KafkaNodePool[] = poolShapes.map(({ name, replicas, roles }) => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaNodePool',
  metadata: { name, labels: { 'strimzi.io/cluster': 'my-cluster' } },
  spec: {
    replicas,
    roles,
    storage: { type: 'ephemeral' },
    template: {
      pod: {
        tolerations: [runnerToleration],
        affinity: {
          nodeAffinity: onlyOnNodes(Object.keys(zoneOfNode)),
          // One broker per node, so that each broker's rack is its own node's zone.
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                topologyKey: 'kubernetes.io/hostname',
                labelSelector: { matchLabels: { 'strimzi.io/cluster': 'my-cluster' } },
              },
            ],
          },
        },
      },
    },
  },
}));

const kafka: Kafka = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'Kafka',
  metadata: { name: 'my-cluster' },
  spec: {
    kafka: {
      version: testEnvironmentKafkaVersion(),
      rack: { topologyKey: zoneKey },
      listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }],
      config: {
        'offsets.topic.replication.factor': 3,
        'transaction.state.log.replication.factor': 3,
        'transaction.state.log.min.isr': 2,
      },
    },
  },
};

test('brokers on nodes in three zones report three racks, and a topic of replication factor 3 has one replica per rack', async () => {
  await clusters.createAll(namespace, [...pools, kafka]);
  const settled = await clusters.settled(namespace, 'my-cluster', 600_000);
  assert.equal(
    settled.status?.conditions?.find((condition) => condition.type === 'Ready')?.status,
    'True',
    `Kafka Ready (operator log: ${operator.logFile}; runner log: ${runDirectory}/runner.log): ${JSON.stringify(settled.status?.conditions)}`,
  );

  const pods = await core.listNamespacedPod({ namespace, labelSelector: 'strimzi.io/cluster=my-cluster' });
  const nodeIdOf = (pod: V1Pod) => Number(/-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1]);
  const zoneOfBroker = new Map(
    pods.items.map((pod) => [nodeIdOf(pod), zoneOfNode[pod.spec?.nodeName ?? ''] ?? 'not a zoned node']),
  );
  assert.equal(zoneOfBroker.size, 4);
  assert.deepEqual([...new Set(zoneOfBroker.values())].sort(), ['zone-a', 'zone-b', 'zone-c']);
  for (const pod of pods.items) {
    assert.equal(
      pod.metadata?.annotations?.['kafka-actor-operator.io/rack'],
      zoneOfNode[pod.spec?.nodeName ?? ''],
      `the rack the operator wrote on ${pod.metadata?.name}`,
    );
  }

  const bootstrap = `my-cluster-kafka-bootstrap.${namespace}.svc:9092`;
  const racks = await kafkaReportedRacks(bootstrap);
  assert.deepEqual(
    [...racks.entries()].sort(([a], [b]) => a - b),
    [...zoneOfBroker.entries()].sort(([a], [b]) => a - b),
    "each broker's rack in Kafka's describeCluster is its node's zone",
  );

  const client = new KafkaClient({ clientId: 'rack-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = client.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'spread', numPartitions: 8, replicationFactor: 3 }] });
    const partitions = await waitFor('the metadata of topic spread', async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['spread'] });
      const found = topics[0]?.partitions ?? [];
      return found.length === 8 ? found : undefined;
    });
    for (const partition of partitions) {
      const replicaRacks = partition.replicas.map((replica) => racks.get(replica)).sort();
      assert.deepEqual(replicaRacks, ['zone-a', 'zone-b', 'zone-c'], `partition ${partition.partitionId}`);
    }
  } finally {
    await admin.disconnect();
  }
});
