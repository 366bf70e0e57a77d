// Conformance with Strimzi 1.2 (real kube-apiserver with kwok nodes, a real three-node Kafka and a real
// one-node Kafka, Redis; the operator as a separate process): every one of Strimzi's example files applies
// as written and becomes Ready. A file's Kafka and KafkaNodePools go to a namespace of their own and run
// on kwok; its KafkaTopics and KafkaUsers go to one shared namespace where their cluster is a real Kafka.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import { kafkaClusterEnvironment } from '../support/environment.ts';
import { assertTopicFilesBecomeReady, assertUserFilesBecomeReady } from '../support/example-resources.ts';
import { kafkaUserClient } from '../support/kafka-users.ts';
import { kafkaClusterClient, type Manifest } from '../support/manifests.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { strimziExampleFiles } from './strimzi-files.ts';

const examples = strimziExampleFiles();
const withKind = (kinds: string[]) =>
  examples.filter(({ manifests }) => manifests.some((manifest) => kinds.includes(manifest.kind ?? '')));
const clusterFiles = withKind(['Kafka']);
const topicFiles = withKind(['KafkaTopic']);
const userFiles = withKind(['KafkaUser']);

const threeNodes = kafkaClusterEnvironment();
// The examples' topics and users are labelled my-cluster: here, the real three-node Kafka.
const fixture = await operatorFixture('conformance', { 'my-cluster': threeNodes.bootstrapSasl });
const { core, custom, kafka, namespace } = fixture;
const clusterNamespaces = clusterFiles.map((_, index) => `${namespace}-cluster-${index}`);
const clusters = kafkaClusterClient(custom);
// Kafka's users are shared with other runs: names carry the namespace's random part.
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
let operator: OperatorProcess;

before(async () => {
  await Promise.all(clusterNamespaces.map((name) => core.createNamespace({ body: { metadata: { name } } })));
  operator = startOperatorProcess('conformance', {
    ...fixture.env,
    WATCH_NAMESPACES: [namespace, ...clusterNamespaces].join(','),
    RESYNC_INTERVAL_MS: '3600000',
  });
  await operator.httpPort();
});

after(async () => {
  await kafkaUserClient(custom, core, namespace).deleteAll();
  await operator.stop();
  await Promise.all(clusterNamespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  await fixture.cleanup();
});

test('the examples hold clusters, topics and users', () => {
  assert.ok(clusterFiles.length > 0, 'no example file with a Kafka');
  assert.ok(topicFiles.length > 0, 'no example file with a KafkaTopic');
  assert.ok(userFiles.length > 0, 'no example file with a KafkaUser');
});

clusterFiles.forEach(({ file, manifests }, index) => {
  test(`the Kafka of ${file} reaches Ready with a Ready pod for each node of its pools`, async () => {
    const clusterNamespace = clusterNamespaces[index] ?? assert.fail('no namespace for the file');
    const objects = manifests.filter((manifest) => ['Kafka', 'KafkaNodePool'].includes(manifest.kind ?? ''));
    await clusters.createAll(clusterNamespace, objects);
    const ready = await Promise.all(
      objects
        .filter((object) => object.kind === 'Kafka')
        .map((object) => clusters.ready(clusterNamespace, object.metadata?.name)),
    );
    for (const kafkaResource of ready) {
      const pools = objects.filter(
        (object: Manifest) =>
          object.kind === 'KafkaNodePool' &&
          object.metadata?.labels?.['strimzi.io/cluster'] === kafkaResource.metadata?.name,
      );
      const nodes = pools.reduce((sum, pool) => sum + Number(pool.spec?.replicas ?? 0), 0);
      const pods = await core.listNamespacedPod({
        namespace: clusterNamespace,
        labelSelector: `strimzi.io/cluster=${kafkaResource.metadata?.name},strimzi.io/kind=Kafka`,
      });
      const readyPods = pods.items.filter((pod) =>
        pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      assert.equal(readyPods.length, nodes, `${file}: a Ready pod per node`);
    }
  });
});

test('every example KafkaTopic becomes Ready with its partitions and replicas in Kafka', async () => {
  const observer = new Admin({
    clientId: 'conformance-observer',
    bootstrapBrokers: threeNodes.bootstrap.split(','),
  });
  try {
    await assertTopicFilesBecomeReady(
      fixture.kafkaTopics,
      observer,
      topicFiles.map(({ file }) => file),
    );
  } finally {
    await observer.close();
  }
});

test("every example KafkaUser becomes Ready with its principal's ACLs in Kafka", async () => {
  const observer = new PlatformaticKafkaAdmin(
    { bootstrap: [kafka.bootstrap], clientId: 'conformance-user-observer' },
    { snapshotMaxAgeMs: 0 },
  );
  try {
    await assertUserFilesBecomeReady(
      kafkaUserClient(custom, core, namespace),
      observer,
      userFiles.map(({ file }) => file),
      { rename: (name) => `${name}-${suffix}`, cluster: 'test-cluster' },
    );
  } finally {
    await observer.close();
  }
});
