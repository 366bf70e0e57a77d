// Which Kafka cluster a KafkaTopic or KafkaUser reaches, and with what: an external cluster from
// KAFKA_CLUSTERS, else a Kafka this operator runs in the resource's namespace, through its replication
// listener with the operator's certificate. Fakes stand in for the Secrets and the admin clients.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KafkaAdmin } from '../../../src/actors/kafka/kafka-admin.ts';
import { KafkaClusters, type KafkaClustersOptions } from '../../../src/actors/kafka/kafka-clusters.ts';
import type { KafkaConnectionSettings } from '../../../src/actors/kafka/platformatic-admin.ts';
import type { Kafka } from '../../../src/api/kafka.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';

const secrets: Record<string, Record<string, string>> = {
  'ops/credentials': { username: 'admin', password: 'admin-secret' },
  'team/events-cluster-operator-certs': {
    'cluster-operator.crt': 'OPERATOR CERT',
    'cluster-operator.key': 'OPERATOR KEY',
  },
  'team/events-cluster-ca-cert': { 'ca.crt': 'CLUSTER CA' },
};

function kafka(overrides: {
  entityOperator?: Kafka['spec']['entityOperator'];
  ready?: boolean;
  uid?: string;
}): Kafka {
  const lastTransitionTime = '2026-01-01T00:00:00Z';
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: { name: 'events', namespace: 'team', uid: overrides.uid ?? 'uid-1' },
    spec: { kafka: { listeners: [] }, entityOperator: overrides.entityOperator },
    status: {
      conditions:
        overrides.ready === false
          ? [
              {
                type: 'NotReady',
                status: 'True',
                reason: 'Creating',
                message: 'pods are starting',
                lastTransitionTime,
              },
            ]
          : [{ type: 'Ready', status: 'True', lastTransitionTime }],
    },
  };
}

function resource(kind: 'KafkaTopic' | 'KafkaUser', cluster: string, namespace = 'team'): KubernetesObject {
  return { kind, metadata: { name: 'orders', namespace, labels: { 'strimzi.io/cluster': cluster } } };
}

function clustersWith(kafkas: Kafka[], options: Partial<KafkaClustersOptions> = {}) {
  const created: KafkaConnectionSettings[] = [];
  const closed: string[] = [];
  const clusters = new KafkaClusters({
    clusters: {
      shared: { bootstrap: 'shared-1:9092,shared-2:9092', tls: true, credentialsSecret: 'ops/credentials' },
    },
    clientId: 'test',
    readSecret: async (namespace, name) => {
      const data = secrets[`${namespace}/${name}`];
      if (!data) throw new Error(`secrets "${name}" not found`);
      return data;
    },
    createAdmin: (settings) => {
      created.push(settings);
      return { close: async () => void closed.push(settings.clientId) } as KafkaAdmin;
    },
    findKafka: (namespace, name) =>
      kafkas.find((k) => k.metadata.namespace === namespace && k.metadata.name === name),
    ...options,
  });
  return { clusters, created, closed };
}

async function failureOf(promise: Promise<unknown>): Promise<ReconcileFailure> {
  const error = await promise.then(
    () => assert.fail('expected a ReconcileFailure'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ReconcileFailure);
  return error;
}

test('a cluster named in KAFKA_CLUSTERS is reached with its bootstrap, TLS and SASL credentials from the Secret', async () => {
  const { clusters, created } = clustersWith([]);
  await clusters.adminFor(resource('KafkaTopic', 'shared'));
  assert.deepEqual(created, [
    {
      bootstrap: ['shared-1:9092', 'shared-2:9092'],
      clientId: 'test-shared',
      tls: true,
      sasl: { username: 'admin', password: 'admin-secret' },
    },
  ]);
});

test("a Kafka this operator runs with the topic operator on is reached on its replication listener with the operator's certificate", async () => {
  const { clusters, created } = clustersWith([kafka({ entityOperator: { topicOperator: {} } })]);
  await clusters.adminFor(resource('KafkaTopic', 'events'));
  assert.deepEqual(created, [
    {
      bootstrap: ['events-kafka-bootstrap.team.svc:9091'],
      clientId: 'test-team-events',
      tls: { ca: 'CLUSTER CA', cert: 'OPERATOR CERT', key: 'OPERATOR KEY' },
    },
  ]);
});

test('one admin serves every resource of a managed cluster, and a Kafka made again under the same name gets a new one', async () => {
  const kafkas = [kafka({ entityOperator: { topicOperator: {}, userOperator: {} } })];
  const { clusters, created, closed } = clustersWith(kafkas);
  const first = await clusters.adminFor(resource('KafkaTopic', 'events'));
  assert.equal(await clusters.adminFor(resource('KafkaUser', 'events')), first);
  assert.equal(created.length, 1);
  kafkas[0] = kafka({ entityOperator: { topicOperator: {} }, uid: 'uid-2' });
  assert.notEqual(await clusters.adminFor(resource('KafkaTopic', 'events')), first);
  assert.equal(created.length, 2);
  assert.deepEqual(closed, ['test-team-events']);
});

test('the admin of a deleted Kafka is closed when a resource next names it, and the resource is told the cluster is missing', async () => {
  const kafkas = [kafka({ entityOperator: { topicOperator: {} } })];
  const { clusters, closed } = clustersWith(kafkas);
  await clusters.adminFor(resource('KafkaTopic', 'events'));
  kafkas.pop();
  const failure = await failureOf(clusters.adminFor(resource('KafkaTopic', 'events')));
  assert.equal(failure.reason, 'KafkaClusterNotFound');
  assert.deepEqual(closed, ['test-team-events']);
});

test('a topic of a Kafka without entityOperator.topicOperator is refused with EntityOperatorNotEnabled, saying what to set', async () => {
  const { clusters, created } = clustersWith([kafka({ entityOperator: { userOperator: {} } })]);
  const failure = await failureOf(clusters.adminFor(resource('KafkaTopic', 'events')));
  assert.equal(failure.reason, 'EntityOperatorNotEnabled');
  assert.match(
    failure.message,
    /KafkaTopic team\/orders belongs to Kafka team\/events, which runs no topic operator/,
  );
  assert.match(failure.message, /set spec\.entityOperator\.topicOperator/);
  assert.equal(created.length, 0);
});

test('a user of a Kafka without entityOperator.userOperator is refused with EntityOperatorNotEnabled', async () => {
  const { clusters } = clustersWith([kafka({ entityOperator: { topicOperator: {} } })]);
  const failure = await failureOf(clusters.adminFor(resource('KafkaUser', 'events')));
  assert.equal(failure.reason, 'EntityOperatorNotEnabled');
  assert.match(failure.message, /set spec\.entityOperator\.userOperator/);
});

test('a Kafka that is not Ready yet is a retryable failure that says why it is not', async () => {
  const { clusters, created } = clustersWith([
    kafka({ entityOperator: { topicOperator: {} }, ready: false }),
  ]);
  const failure = await failureOf(clusters.adminFor(resource('KafkaTopic', 'events')));
  assert.equal(failure.reason, 'KafkaClusterNotReady');
  assert.equal(failure.retryable, true);
  assert.match(failure.message, /waits for Kafka team\/events to be Ready \(Creating: pods are starting\)/);
  assert.equal(created.length, 0);
});

test('a cluster neither configured nor run here, or run in another namespace, is KafkaClusterNotFound', async () => {
  const { clusters } = clustersWith([kafka({ entityOperator: { topicOperator: {} } })]);
  for (const named of [resource('KafkaTopic', 'elsewhere'), resource('KafkaTopic', 'events', 'other-team')]) {
    const failure = await failureOf(clusters.adminFor(named));
    assert.equal(failure.reason, 'KafkaClusterNotFound');
    assert.match(failure.message, /configure it in KAFKA_CLUSTERS, create a Kafka/);
  }
});

test('missing operator certificates are KafkaCredentialsNotFound, and the failed attempt is not kept', async () => {
  const kafkas: Kafka[] = [
    {
      ...kafka({ entityOperator: { topicOperator: {} } }),
      metadata: { name: 'fresh', namespace: 'team', uid: 'u' },
    },
  ];
  const { clusters, created } = clustersWith(kafkas);
  const failure = await failureOf(clusters.adminFor(resource('KafkaTopic', 'fresh')));
  assert.equal(failure.reason, 'KafkaCredentialsNotFound');
  assert.match(failure.message, /cannot read Secret team\/fresh-cluster-operator-certs of Kafka team\/fresh/);
  secrets['team/fresh-cluster-operator-certs'] = { 'cluster-operator.crt': 'C', 'cluster-operator.key': 'K' };
  secrets['team/fresh-cluster-ca-cert'] = { 'ca.crt': 'CA' };
  await clusters.adminFor(resource('KafkaTopic', 'fresh'));
  assert.equal(created.length, 1);
});

test('a development override changes how a managed cluster is reached, not with what credentials', async () => {
  const { clusters, created } = clustersWith([kafka({ entityOperator: { topicOperator: {} } })], {
    reachManaged: (access) => ({ bootstrap: ['127.0.0.1:19091'], tls: { ...access.tls, servername: 'x' } }),
  });
  await clusters.adminFor(resource('KafkaTopic', 'events'));
  assert.deepEqual(created[0]?.bootstrap, ['127.0.0.1:19091']);
  assert.deepEqual(created[0]?.tls, {
    ca: 'CLUSTER CA',
    cert: 'OPERATOR CERT',
    key: 'OPERATOR KEY',
    servername: 'x',
  });
});

test("a managed cluster's Secrets are read again once a minute: unchanged they keep the admin, a renewed certificate replaces it", async () => {
  let now = 0;
  let reads = 0;
  const kafkas = [kafka({ entityOperator: { topicOperator: {} } })];
  const { clusters, created, closed } = clustersWith(kafkas, {
    now: () => now,
    readSecret: async (namespace, name) => {
      reads += 1;
      const data = secrets[`${namespace}/${name}`];
      assert.ok(data);
      return { ...data };
    },
  });
  const first = await clusters.adminFor(resource('KafkaTopic', 'events'));
  const readsToConnect = reads;
  now = 59_999;
  assert.equal(await clusters.adminFor(resource('KafkaTopic', 'events')), first);
  assert.equal(reads, readsToConnect);
  now = 60_000;
  assert.equal(await clusters.adminFor(resource('KafkaTopic', 'events')), first);
  assert.equal(reads, 2 * readsToConnect);
  const renewed = secrets['team/events-cluster-operator-certs'];
  secrets['team/events-cluster-operator-certs'] = { ...renewed, 'cluster-operator.crt': 'RENEWED CERT' };
  try {
    now = 120_000;
    const second = await clusters.adminFor(resource('KafkaTopic', 'events'));
    assert.notEqual(second, first);
    assert.equal((created[1]?.tls as { cert?: string } | undefined)?.cert, 'RENEWED CERT');
    assert.deepEqual(closed, ['test-team-events']);
  } finally {
    secrets['team/events-cluster-operator-certs'] = renewed ?? {};
  }
});

test("the principals no KafkaUser may take: an external cluster's login user and listed super users, a managed Kafka's own parts and spec super users", async () => {
  const managed = kafka({ entityOperator: { userOperator: {} } });
  managed.spec.kafka.authorization = { type: 'simple', superUsers: ['ops', 'CN=auditor'] };
  const { clusters } = clustersWith([managed], {
    clusters: {
      shared: { bootstrap: 'shared-1:9092', credentialsSecret: 'ops/credentials', superUsers: ['User:root'] },
    },
  });
  assert.deepEqual(await clusters.reservedPrincipals(resource('KafkaUser', 'shared')), {
    operator: 'User:admin',
    superUsers: new Set(['User:root']),
  });
  const { operator, superUsers } = await clusters.reservedPrincipals(resource('KafkaUser', 'events'));
  assert.equal(operator, undefined);
  for (const principal of ['User:ops', 'User:CN=auditor', 'User:CN=cluster-operator,O=io.strimzi']) {
    assert.ok(superUsers.has(principal), principal);
  }
});

test('one cluster key for every resource that reaches one cluster: an external one across namespaces, a managed one per namespace', () => {
  const { clusters } = clustersWith([]);
  assert.equal(clusters.clusterKeyOf(resource('KafkaUser', 'shared', 'a')), 'external:shared');
  assert.equal(clusters.clusterKeyOf(resource('KafkaUser', 'shared', 'b')), 'external:shared');
  assert.equal(clusters.clusterKeyOf(resource('KafkaUser', 'events', 'a')), 'managed:a/events');
  assert.notEqual(clusters.clusterKeyOf(resource('KafkaUser', 'events', 'b')), 'managed:a/events');
  assert.equal(
    clusters.clusterKeyOf({ kind: 'KafkaUser', metadata: { name: 'x', namespace: 'a' } }),
    undefined,
  );
});
