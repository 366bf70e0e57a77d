// Real services (kube-apiserver with its admission, scheduler, kwok's three fake nodes in zones
// zone-1..3, Redis) and the operator as a process: a Kafka's spec.kafka.template and its pool's
// spec.template reach the pods, the claims, the services, the disruption budget and the ServiceAccount
// the apiserver holds, and the scheduler and admission act on them (topology spread over the zones, the
// priority class's value).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { PolicyV1Api, SchedulingV1Api } from '@kubernetes/client-node';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import { fixturesDirectory } from '../support/cluster-fixtures.ts';
import { testEnvironmentKafkaVersion } from '../support/local-kafka-nodes.ts';
import { kafkaClusterClient, readManifests } from '../support/manifests.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';

const fixture = await operatorFixture('cluster-template');
const { core, custom, namespace, kc } = fixture;
const scheduling = kc.makeApiClient(SchedulingV1Api);
const priorityClass = `kafka-${randomUUID().slice(0, 8)}`;
const zoneKey = 'topology.kubernetes.io/zone';
let operator: OperatorProcess;

before(async () => {
  // Admission refuses a pod naming a priority class that does not exist, and sets its value on the pod.
  await scheduling.createPriorityClass({ body: { metadata: { name: priorityClass }, value: 100_000 } });
  operator = startOperatorProcess('cluster-template', fixture.env);
});

after(async () => {
  await operator?.stop();
  await scheduling.deletePriorityClass({ name: priorityClass });
  await fixture.cleanup();
});

test("the template's fields reach the pods, claims, services, disruption budget and ServiceAccount, and the scheduler spreads the pods over the zones", async () => {
  const manifests = readManifests(`${fixturesDirectory}/clusters/dual-role.yaml`).map((manifest) => {
    if (manifest.kind === 'KafkaNodePool') {
      const pool = structuredClone(manifest) as KafkaNodePool;
      pool.spec.template = {
        pod: {
          metadata: { labels: { team: 'payments' } },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: zoneKey,
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { 'strimzi.io/pool-name': 'dual-role' } },
            },
          ],
          terminationGracePeriodSeconds: 120,
          hostAliases: [{ ip: '192.0.2.1', hostnames: ['ldap.example.com'] }],
          enableServiceLinks: false,
          tmpDirSizeLimit: '10Mi',
          volumes: [{ name: 'scratch', emptyDir: {} }],
        },
        kafkaContainer: {
          env: [{ name: 'TEAM', value: 'payments' }],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
          volumeMounts: [{ name: 'scratch', mountPath: '/mnt/scratch' }],
        },
        persistentVolumeClaim: { metadata: { labels: { backup: 'daily' } } },
      };
      return pool;
    }
    const kafka = structuredClone(manifest) as Kafka;
    kafka.spec.kafka.version = testEnvironmentKafkaVersion();
    delete kafka.spec.kafka.metadataVersion;
    kafka.spec.kafka.template = {
      pod: { priorityClassName: priorityClass, securityContext: { runAsNonRoot: true, fsGroup: 1000 } },
      bootstrapService: {
        metadata: { labels: { exposed: 'internal' }, annotations: { 'example.com/bootstrap': 'yes' } },
        ipFamilyPolicy: 'SingleStack',
      },
      brokersService: { metadata: { annotations: { 'example.com/headless': 'yes' } } },
      podDisruptionBudget: { metadata: { labels: { budget: 'kafka' } }, maxUnavailable: 2 },
      serviceAccount: { metadata: { annotations: { 'example.com/identity': 'kafka' } } },
    };
    return kafka;
  });
  await kafkaClusterClient(custom).createAll(namespace, manifests);
  await kafkaClusterClient(custom).ready(namespace);

  const pods = (await core.listNamespacedPod({ namespace, labelSelector: 'strimzi.io/cluster=my-cluster' }))
    .items;
  assert.equal(pods.length, 3);
  const nodes = await core.listNode({ labelSelector: 'type=kwok' });
  const zoneOf = new Map(nodes.items.map((node) => [node.metadata?.name, node.metadata?.labels?.[zoneKey]]));
  assert.deepEqual(
    pods.map((pod) => zoneOf.get(pod.spec?.nodeName)).sort(),
    ['zone-1', 'zone-2', 'zone-3'],
    'DoNotSchedule with maxSkew 1 puts one of three pods in each zone',
  );
  for (const pod of pods) {
    assert.equal(pod.metadata?.labels?.team, 'payments');
    assert.equal(pod.spec?.topologySpreadConstraints?.[0]?.whenUnsatisfiable, 'DoNotSchedule');
    assert.equal(pod.spec?.priorityClassName, priorityClass);
    assert.equal(pod.spec?.priority, 100_000, 'admission read the class');
    // The client's classes: compared by their fields.
    assert.deepEqual({ ...pod.spec?.securityContext }, { runAsNonRoot: true, fsGroup: 1000 });
    assert.equal(pod.spec?.terminationGracePeriodSeconds, 120);
    assert.deepEqual(
      pod.spec?.hostAliases?.map((alias) => ({ ...alias })),
      [{ ip: '192.0.2.1', hostnames: ['ldap.example.com'] }],
    );
    assert.equal(pod.spec?.enableServiceLinks, false);
    assert.equal(
      pod.spec?.volumes?.find((volume) => volume.name === 'strimzi-tmp')?.emptyDir?.sizeLimit,
      '10Mi',
    );
    assert.ok(pod.spec?.volumes?.some((volume) => volume.name === 'scratch' && volume.emptyDir));
    const container = pod.spec?.containers[0];
    assert.deepEqual(
      container?.volumeMounts?.filter((mount) => mount.name === 'scratch').map((mount) => mount.mountPath),
      ['/mnt/scratch'],
    );
    assert.deepEqual(
      { ...container?.env?.find((variable) => variable.name === 'TEAM') },
      { name: 'TEAM', value: 'payments' },
    );
    assert.deepEqual(
      { ...container?.securityContext },
      {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      },
    );
  }

  const bootstrap = await core.readNamespacedService({ namespace, name: 'my-cluster-kafka-bootstrap' });
  assert.equal(bootstrap.metadata?.labels?.exposed, 'internal');
  assert.equal(bootstrap.metadata?.annotations?.['example.com/bootstrap'], 'yes');
  assert.equal(bootstrap.spec?.ipFamilyPolicy, 'SingleStack');
  const brokers = await core.readNamespacedService({ namespace, name: 'my-cluster-kafka-brokers' });
  assert.equal(brokers.metadata?.annotations?.['example.com/headless'], 'yes');

  const claims = await core.listNamespacedPersistentVolumeClaim({
    namespace,
    labelSelector: 'strimzi.io/cluster=my-cluster',
  });
  assert.equal(claims.items.length, 3);
  for (const claim of claims.items) assert.equal(claim.metadata?.labels?.backup, 'daily');

  const account = await core.readNamespacedServiceAccount({ namespace, name: 'my-cluster-kafka' });
  assert.equal(account.metadata?.annotations?.['example.com/identity'], 'kafka');

  const budget = await kc
    .makeApiClient(PolicyV1Api)
    .readNamespacedPodDisruptionBudget({ namespace, name: 'my-cluster-kafka' });
  assert.equal(budget.metadata?.labels?.budget, 'kafka');
  assert.equal(budget.spec?.minAvailable, 1, 'three nodes, two of which may be disrupted');
});
