// The playground end to end (scripts/playground/, as npm start runs it, in a namespace and on a pod
// runner node of its own): the operator builds a three-node KRaft cluster that the pod runner runs as real
// Kafka processes; the topic and user operators serve it; clients on this machine reach the brokers by
// the names they advertise (the runner's /etc/hosts block). The operator runs under the token of the
// ServiceAccount the Helm chart makes, with the chart's Role: the whole flow proves its rules enough.
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { ConfigResourceTypes } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import {
  type Playground,
  playgroundDefaults,
  playgroundReady,
  startPlayground,
} from '../../scripts/playground/playground.ts';
import { listenerAddresses } from '../../scripts/playground/summary.ts';
import { PlatformaticClusterHealthAdmin } from '../../src/actors/kafka/cluster-health-admin.ts';
import { managedClusterAccess } from '../../src/actors/kafka/managed-cluster-access.ts';
import { secretDataReader } from '../../src/actors/kubernetes/secret-data.ts';
import type { Kafka as KafkaResource } from '../../src/api/kafka.ts';
import {
  kafkaNodePoolType,
  kafkaTopicType,
  kafkaType,
  kafkaUserType,
  resourceTypeForKind,
} from '../../src/api/resources.ts';
import { kubernetesEnvironment } from '../support/environment.ts';
import { chartTools } from '../support/helm-chart.ts';
import { waitFor } from '../support/wait.ts';
import { alive, brokerProcesses } from './broker-processes.ts';

const suffix = randomUUID().replaceAll('-', '').slice(0, 6);
const bridge = `ke${suffix.slice(0, 4)}`;
let playground: Playground;
let core: CoreV1Api;
const seenBrokerPids = new Set<number>();
const tlsUser = 'my-tls-user';

const workDirectory = mkdtempSync(join(tmpdir(), 'playground-e2e-'));

// The chart's ServiceAccount, Role and RoleBinding for a release in the playground's namespace (which it
// watches), and a kubeconfig with the ServiceAccount's token. The release is named so that its Lease is
// the one the playground's operator takes by default.
async function chartCredentials(namespace: string): Promise<string> {
  const { renderChart, valuesFile, installRbac } = chartTools(workDirectory, 'kafka-actor-operator');
  const admin = new KubeConfig();
  admin.loadFromFile(kubernetesEnvironment().kubeconfig);
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  // The playground's /metrics asks no token: without that the chart grants nothing cluster-wide.
  const manifests = renderChart(namespace, [valuesFile({ metrics: { authorization: { enabled: false } } })]);
  assert.deepEqual(
    manifests.filter((m) => m.kind.startsWith('Cluster')).map((m) => m.metadata.name),
    [],
  );
  const env = manifests.find((m) => m.kind === 'Deployment')?.spec.template.spec.containers[0].env;
  const leaseName = env.find((variable: { name: string }) => variable.name === 'LEASE_NAME')?.value;
  assert.equal(leaseName, 'kafka-actor-operator', "the operator's default LEASE_NAME");
  return installRbac(manifests, namespace);
}

before(async () => {
  // Every line the operator can write, for the scan for secrets below.
  process.env.LOG_LEVEL = 'debug';
  const namespace = `e2e-${suffix}`;
  playground = await startPlayground({
    ...playgroundDefaults,
    operatorKubeconfig: await chartCredentials(namespace),
    namespace,
    nodeName: `e2e-${suffix}`,
    bridge,
    podCidr: `10.${randomInt(150, 200)}.0.0/16`,
    // Shared with other test files: never stopped here.
    ownsServices: false,
  });
  core = playground.kubeConfig.makeApiClient(CoreV1Api);
});

after(async () => {
  if (!playground) return;
  // With the Kafka gone, nothing serves the topic's and user's finalizers: drop them so the namespace can go.
  const custom = playground.kubeConfig.makeApiClient(CustomObjectsApi);
  const finalised = [
    ...playground.manifests.filter((m) => ['KafkaTopic', 'KafkaUser'].includes(m.kind)),
    { kind: 'KafkaUser', metadata: { name: tlsUser } },
  ];
  for (const manifest of finalised) {
    await custom
      .patchNamespacedCustomObject(
        {
          ...resourceTypeForKind(manifest.kind),
          namespace: playground.namespace,
          name: manifest.metadata.name,
          body: { metadata: { finalizers: null } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ApiException && error.code === 404)) throw error;
      });
  }
  await core.deleteNamespace({ name: playground.namespace });
  await playground.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});

function pods(): Promise<string[]> {
  return core
    .listNamespacedPod({
      namespace: playground.namespace,
      labelSelector: `strimzi.io/cluster=${playground.cluster},strimzi.io/pool-name`,
    })
    .then((list) => list.items.map((pod) => pod.metadata?.name ?? '').sort());
}

async function bootstrapOf(listener: string): Promise<string[]> {
  const listeners = await listenerAddresses(playground.kubeConfig, playground.namespace, playground.cluster);
  const bootstrap = listeners.find((candidate) => candidate.name === listener)?.bootstrapServers;
  assert.ok(bootstrap, `the Kafka status lists the ${listener} listener`);
  return bootstrap.split(',');
}

async function secretValue(name: string, key: string): Promise<string> {
  const secret = await core.readNamespacedSecret({ namespace: playground.namespace, name });
  return Buffer.from(secret.data?.[key] ?? '', 'base64').toString();
}

async function scramClient(): Promise<Kafka> {
  const brokers = await bootstrapOf('scram');
  const password = await secretValue(playground.user, 'password');
  return new Kafka({
    clientId: `e2e-${suffix}`,
    brokers,
    sasl: { mechanism: 'scram-sha-512', username: playground.user, password },
    logLevel: logLevel.NOTHING,
  });
}

// A KafkaUser is Ready once the controller quorum has committed its ACLs; each broker applies them when it
// next reads the metadata log, moments later (over a second on a loaded machine, as CI has seen).
function onceAclsApplied<T>(what: string, action: () => Promise<T>): Promise<T> {
  return waitFor(`${what} with the user's ACLs applied on the brokers`, action, 60_000, 500);
}

async function topicReplicas(kafka: Kafka, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions ?? [];
  } finally {
    await admin.disconnect();
  }
}

test('a Kafka created by the operator reaches Ready with three real broker processes', async () => {
  await playgroundReady(playground, 480_000, ['KafkaNodePool', 'Kafka']);
  const brokers = brokerProcesses(bridge);
  assert.deepEqual([...brokers.keys()].sort(), await pods());
  assert.equal(brokers.size, 3);
  for (const pid of brokers.values()) seenBrokerPids.add(pid);
});

test('the KafkaUser becomes Ready with its SCRAM credentials in a Secret of its name', async () => {
  await playgroundReady(playground, 180_000, ['KafkaUser']);
  const secret = await core.readNamespacedSecret({ namespace: playground.namespace, name: playground.user });
  assert.ok(secret.data?.password, 'the Secret holds the password');
  assert.ok(secret.data?.['sasl.jaas.config'], 'the Secret holds the JAAS configuration');
});

test('a KafkaTopic with replicas 3 appears on the brokers through the topic operator', async () => {
  await playgroundReady(playground, 180_000, ['KafkaTopic']);
  const kafka = await scramClient();
  const partitions = await onceAclsApplied('reading my-topic', () => topicReplicas(kafka, 'my-topic'));
  assert.equal(partitions.length, 3);
  for (const partition of partitions) assert.deepEqual([...partition.replicas].sort(), [0, 1, 2]);
});

test("kafkajs produces and consumes through the SCRAM listener with the KafkaUser's credentials", async () => {
  const kafka = await scramClient();
  const producer = kafka.producer();
  await producer.connect();
  const value = `hello ${suffix}`;
  await onceAclsApplied('producing to my-topic', () =>
    producer.send({ topic: 'my-topic', acks: -1, messages: [{ key: 'e2e', value }] }),
  );
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `my-group-${suffix}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'my-topic', fromBeginning: true });
    const received = new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value?.toString() === value) resolve(value);
        },
      });
    });
    assert.equal(await waitFor('the message to come back', () => received, 120_000), value);
  } finally {
    await consumer.disconnect();
  }
});

test("a TLS KafkaUser's certificate, signed by the clients CA the cluster operator keeps, produces through the mutual-TLS listener", async () => {
  const custom = playground.kubeConfig.makeApiClient(CustomObjectsApi);
  await custom.createNamespacedCustomObject({
    ...resourceTypeForKind('KafkaUser'),
    namespace: playground.namespace,
    body: {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaUser',
      metadata: { name: tlsUser, labels: { 'strimzi.io/cluster': playground.cluster } },
      spec: {
        authentication: { type: 'tls' },
        authorization: {
          type: 'simple',
          acls: [{ resource: { type: 'topic', name: 'my-topic' }, operations: ['Describe', 'Write'] }],
        },
      },
    },
  });
  await waitFor(
    `the KafkaUser ${tlsUser} to be Ready`,
    async () => {
      const user = (await custom.getNamespacedCustomObject({
        ...resourceTypeForKind('KafkaUser'),
        namespace: playground.namespace,
        name: tlsUser,
      })) as { status?: { conditions?: { type: string; status: string }[] } };
      return user.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        ? true
        : undefined;
    },
    180_000,
    500,
  );
  const kafka = new Kafka({
    clientId: `e2e-tls-${suffix}`,
    brokers: await bootstrapOf('tls'),
    ssl: {
      ca: [await secretValue(`${playground.cluster}-cluster-ca-cert`, 'ca.crt')],
      cert: await secretValue(tlsUser, 'user.crt'),
      key: await secretValue(tlsUser, 'user.key'),
    },
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  try {
    const [sent] = await onceAclsApplied('producing to my-topic as CN=my-tls-user', () =>
      producer.send({ topic: 'my-topic', acks: -1, messages: [{ key: 'tls', value: `tls ${suffix}` }] }),
    );
    assert.equal(sent?.errorCode, 0);
  } finally {
    await producer.disconnect();
  }
});

test('a broker pod deleted by hand comes back as a new process and rejoins the cluster', async () => {
  const pod = `${playground.cluster}-dual-role-1`;
  const before = brokerProcesses(bridge).get(pod);
  assert.ok(before, `${pod} runs a broker`);
  await core.deleteNamespacedPod({ namespace: playground.namespace, name: pod });

  const after = await waitFor(
    `${pod} to run a new broker process`,
    async () => {
      const pid = brokerProcesses(bridge).get(pod);
      return pid !== undefined && pid !== before ? pid : undefined;
    },
    300_000,
    1_000,
  );
  seenBrokerPids.add(after);
  await playgroundReady(playground, 300_000, ['Kafka']);
  // Rejoined: node 1 is back in sync on every partition of the topic.
  const kafka = await scramClient();
  await waitFor(
    'node 1 back in the in-sync replicas of every partition',
    async () => {
      const partitions = await topicReplicas(kafka, 'my-topic');
      return partitions.length === 3 && partitions.every((partition) => partition.isr.includes(1))
        ? true
        : undefined;
    },
    300_000,
    2_000,
  );
});

async function readKafkaResource(): Promise<KafkaResource> {
  const custom = playground.kubeConfig.makeApiClient(CustomObjectsApi);
  return (await custom.getNamespacedCustomObject({
    ...kafkaType,
    namespace: playground.namespace,
    name: playground.cluster,
  })) as KafkaResource;
}

async function patchKafkaResource(body: object): Promise<void> {
  const custom = playground.kubeConfig.makeApiClient(CustomObjectsApi);
  await custom.patchNamespacedCustomObject(
    { ...kafkaType, namespace: playground.namespace, name: playground.cluster, body },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

// kafkajs as the operator connects: the replication listener, with the operator's certificate (a super user).
async function operatorClient(): Promise<Kafka> {
  const access = await managedClusterAccess(await readKafkaResource(), secretDataReader(core));
  return new Kafka({
    clientId: `e2e-operator-${suffix}`,
    brokers: access.bootstrap,
    ssl: access.tls,
    logLevel: logLevel.NOTHING,
  });
}

async function activeController(): Promise<number> {
  const access = await managedClusterAccess(await readKafkaResource(), secretDataReader(core));
  const admin = new PlatformaticClusterHealthAdmin({ ...access, timeoutMs: 10_000 });
  return (await admin.describeMetadataQuorum().finally(() => admin.close())).leaderId;
}

// An idempotent producer with acks=all sending to my-topic without pause, one record at a time, until
// stopped: which records Kafka acknowledged, and which sends failed after the client's own retries.
function steadyProducer(kafka: Kafka, runId: string) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 10 } });
  const acknowledged: number[] = [];
  const failures: string[] = [];
  let stopping = false;
  const running = (async () => {
    await producer.connect();
    for (let sequence = 0; !stopping; sequence++) {
      try {
        await producer.send({
          topic: 'my-topic',
          acks: -1,
          messages: [{ key: `${runId}-${sequence % 7}`, value: `${runId}-${sequence}` }],
        });
        acknowledged.push(sequence);
      } catch (error) {
        failures.push(`${sequence}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await producer.disconnect();
  })();
  return {
    acknowledged,
    failures,
    async stop() {
      stopping = true;
      await running;
    },
  };
}

// Every record of the run in my-topic, read from the beginning up to the end offsets as they are now.
async function recordsOfRun(kafka: Kafka, runId: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets('my-topic').finally(() => admin.disconnect());
  const remaining = new Map(
    ends.filter((end) => end.high !== end.low).map((end) => [end.partition, Number(end.high)]),
  );
  const consumer = kafka.consumer({ groupId: `my-group-${runId}` });
  await consumer.connect();
  const seen: number[] = [];
  try {
    await consumer.subscribe({ topic: 'my-topic', fromBeginning: true });
    const caughtUp = new Promise<void>((resolve) => {
      if (remaining.size === 0) resolve();
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const value = message.value?.toString() ?? '';
          if (value.startsWith(`${runId}-`)) seen.push(Number(value.slice(runId.length + 1)));
          if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        },
      });
    });
    await waitFor('the consumer to reach the end of my-topic', () => caughtUp.then(() => true), 180_000);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

test('a configuration change that needs a restart rolls every node once, one at a time, asked of Kafka, the active controller last, and an acks=all producer loses nothing', async () => {
  const leader = await activeController();
  const before = brokerProcesses(bridge);
  for (const pid of before.values()) seenBrokerPids.add(pid);
  const users = await scramClient();
  const operator = await operatorClient();
  const runId = `roll-${suffix}`;
  const producer = steadyProducer(users, runId);
  // Which pods have a new broker process, in the order they got it, and the most found down at once;
  // and, for each pod deleted, whether Kafka was seen with every partition of my-topic fully in sync
  // between the deletion before it and this one (a controlled shutdown takes its broker out of the ISR,
  // so it is the deletion that counts, not the end of the process).
  const restarted: string[] = [];
  const inSyncBeforeDeletion: boolean[] = [];
  const deleting = new Set<string>();
  let seenInSync = false;
  let mostDown = 0;
  const admin = operator.admin();
  await admin.connect();
  try {
    await onceAclsApplied('the producer to get its first acknowledgement', async () =>
      producer.acknowledged.length > 0 ? true : undefined,
    );
    // The playground's Kafka sets min.insync.replicas 2 and my-topic has 3 replicas: Kafka can lose one.
    await patchKafkaResource({ spec: { kafka: { config: { 'queued.max.requests': 600 } } } });
    await waitFor(
      'every node to run a new broker process',
      async () => {
        const partitions = await admin
          .fetchTopicMetadata({ topics: ['my-topic'] })
          .then((metadata) => metadata.topics[0]?.partitions ?? [])
          .catch(() => []);
        if (
          partitions.length === 3 &&
          partitions.every((partition) => partition.isr.length === partition.replicas.length)
        ) {
          seenInSync = true;
        }
        const pods = await core.listNamespacedPod({
          namespace: playground.namespace,
          labelSelector: `strimzi.io/cluster=${playground.cluster},strimzi.io/pool-name`,
        });
        for (const pod of pods.items) {
          const uid = pod.metadata?.uid ?? '';
          if (pod.metadata?.deletionTimestamp && !deleting.has(uid)) {
            deleting.add(uid);
            inSyncBeforeDeletion.push(seenInSync);
            seenInSync = false;
          }
        }
        const now = brokerProcesses(bridge);
        for (const pid of now.values()) seenBrokerPids.add(pid);
        mostDown = Math.max(mostDown, [...before.keys()].filter((pod) => !now.has(pod)).length);
        for (const [pod, pid] of now) {
          if (pid !== before.get(pod) && !restarted.includes(pod)) restarted.push(pod);
        }
        return restarted.length === before.size ? true : undefined;
      },
      900_000,
      200,
    );
    await playgroundReady(playground, 300_000, ['Kafka']);
  } finally {
    await admin.disconnect();
    await producer.stop();
  }
  console.log(
    `roll under an acks=all producer: restart order ${restarted.join(', ')} (active controller ${leader}), ` +
      `${producer.acknowledged.length} records acknowledged, ${producer.failures.length} sends failed`,
  );
  assert.ok(mostDown <= 1, `at most one node down at once (seen ${mostDown})`);
  assert.equal(restarted.at(-1), `${playground.cluster}-dual-role-${leader}`, `order ${restarted}`);
  assert.deepEqual(inSyncBeforeDeletion, [true, true, true], 'every partition in sync before each node went');
  assert.deepEqual(producer.failures, []);
  assert.ok(producer.acknowledged.length > 100, `${producer.acknowledged.length} records acknowledged`);
  const read = await recordsOfRun(users, runId);
  const counts = new Map<number, number>();
  for (const sequence of read) counts.set(sequence, (counts.get(sequence) ?? 0) + 1);
  assert.deepEqual(
    producer.acknowledged.filter((sequence) => counts.get(sequence) !== 1),
    [],
    'every acknowledged record read back exactly once',
  );
});

test('a configuration change Kafka takes at runtime restarts nothing: each broker reports the new value', async () => {
  const before = brokerProcesses(bridge);
  await patchKafkaResource({ spec: { kafka: { config: { 'num.io.threads': 9 } } } });
  const admin = (await operatorClient()).admin();
  await admin.connect();
  try {
    await waitFor(
      'every broker to report num.io.threads 9',
      async () => {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [...before.keys()].map((pod) => ({
            type: ConfigResourceTypes.BROKER,
            name: pod.slice(pod.lastIndexOf('-') + 1),
            configNames: ['num.io.threads'],
          })),
        });
        return resources.every((resource) => resource.configEntries[0]?.configValue === '9')
          ? true
          : undefined;
      },
      120_000,
      1_000,
    );
  } finally {
    await admin.disconnect();
  }
  await playgroundReady(playground, 120_000, ['Kafka']);
  const events = await core.listNamespacedEvent({
    namespace: playground.namespace,
    fieldSelector: `involvedObject.kind=Kafka,involvedObject.name=${playground.cluster}`,
  });
  const updated = events.items.find((event) => event.reason === 'ConfigurationUpdated');
  assert.match(updated?.message ?? '', /no node restarted: set num\.io\.threads/);
  assert.deepEqual(brokerProcesses(bridge), before, 'the same broker processes run');
});

test('with one broker held down, its pod is not Ready, a manual roll of another waits, naming the partitions, and completes once it is back', async () => {
  const leader = await activeController();
  const [held, rolled] = [0, 1, 2]
    .filter((id) => id !== leader)
    .map((id) => `${playground.cluster}-dual-role-${id}`);
  const heldPid = brokerProcesses(bridge).get(held ?? '');
  const rolledPid = brokerProcesses(bridge).get(rolled ?? '');
  assert.ok(held && rolled && heldPid && rolledPid, 'two brokers that are not the active controller');
  process.kill(heldPid, 'SIGSTOP');
  try {
    // Its pod's readiness asks the broker itself, which answers nothing now.
    await waitFor(
      `${held} to be not Ready`,
      async () => {
        const pod = await core.readNamespacedPod({ namespace: playground.namespace, name: held });
        const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
        return ready?.status === 'False' ? true : undefined;
      },
      180_000,
      1_000,
    );
    await core.patchNamespacedPod(
      {
        namespace: playground.namespace,
        name: rolled,
        body: { metadata: { annotations: { 'strimzi.io/manual-rolling-update': 'true' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const waiting = await waitFor(
      'the roll to wait, naming the partitions of my-topic',
      async () => {
        const notReady = (await readKafkaResource()).status?.conditions?.find((c) => c.type === 'NotReady');
        return notReady && /my-topic-\d/.test(notReady.message ?? '') ? notReady : undefined;
      },
      180_000,
      1_000,
    );
    assert.match(waiting.reason ?? '', /^(NodeNotBack|RestartNotSafe)$/);
    assert.equal(brokerProcesses(bridge).get(rolled), rolledPid, `${rolled} still runs its broker`);
  } finally {
    process.kill(heldPid, 'SIGCONT');
  }
  const restartedPid = await waitFor(
    `${rolled} to run a new broker process`,
    async () => {
      const pid = brokerProcesses(bridge).get(rolled);
      return pid !== undefined && pid !== rolledPid ? pid : undefined;
    },
    600_000,
    1_000,
  );
  seenBrokerPids.add(restartedPid);
  await playgroundReady(playground, 300_000, ['Kafka']);
  const pod = await core.readNamespacedPod({ namespace: playground.namespace, name: rolled });
  assert.equal(pod.metadata?.annotations?.['strimzi.io/manual-rolling-update'], undefined);
});

test('no password or private key of the run reaches the operator log (debug), an Event, a status, /metrics or the state-chart view', async () => {
  const { namespace } = playground;
  const secrets = (await core.listNamespacedSecret({ namespace })).items;
  // A PEM key is looked for by a line of its body: the same however a log escapes its line breaks.
  const needles = secrets.flatMap((secret) =>
    Object.entries(secret.data ?? {})
      .filter(([key]) => /password|\.key$|sasl\.jaas\.config/.test(key))
      .map(([key, value]) => {
        const text = Buffer.from(value, 'base64').toString('utf8');
        const needle = text.includes('-----BEGIN')
          ? (text.split('\n').find((line) => line.length >= 60 && !line.startsWith('-----')) ?? text)
          : text;
        return { where: `Secret ${secret.metadata?.name} ${key}`, needle };
      }),
  );
  assert.ok(needles.length >= 5, `only ${needles.length} secret values found in ${namespace}`);
  const custom = playground.kubeConfig.makeApiClient(CustomObjectsApi);
  const statuses = await Promise.all(
    [kafkaType, kafkaNodePoolType, kafkaTopicType, kafkaUserType].map(
      async (type) => (await custom.listNamespacedCustomObject({ ...type, namespace })).items,
    ),
  );
  const events = (await core.listNamespacedEvent({ namespace })).items;
  const { httpPort, stateChartViewPort } = playground.operator;
  const read = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(10_000) })).text();
  const actors = JSON.parse(await read(`http://127.0.0.1:${stateChartViewPort}/api/actors`)) as {
    actors: { id: string }[];
  };
  const views = await Promise.all(
    actors.actors.map((actor) => read(`http://127.0.0.1:${stateChartViewPort}/api/actors/${actor.id}`)),
  );
  const surfaces: Record<string, string> = {
    'the operator log': playground.operator.child.log(),
    Events: JSON.stringify(events),
    statuses: JSON.stringify(statuses),
    '/metrics': await read(`http://127.0.0.1:${httpPort}/metrics`),
    'the state-chart view': views.join('\n'),
  };
  assert.ok(surfaces['the operator log']?.includes('"level":20'), 'the operator logs at debug');
  const found = needles.flatMap(({ where, needle }) =>
    Object.entries(surfaces)
      .filter(([, text]) => text.includes(needle))
      .map(([surface]) => `${where} in ${surface}`),
  );
  assert.deepEqual(found, []);
});

test('deleting the Kafka stops every broker process', async () => {
  for (const pid of brokerProcesses(bridge).values()) seenBrokerPids.add(pid);
  const custom = playground.kubeConfig.makeApiClient(CustomObjectsApi);
  await custom.deleteNamespacedCustomObject({
    ...kafkaType,
    namespace: playground.namespace,
    name: playground.cluster,
  });
  await waitFor(
    'the Kafka to be gone',
    async () => {
      try {
        await custom.getNamespacedCustomObject({
          ...kafkaType,
          namespace: playground.namespace,
          name: playground.cluster,
        });
        return undefined;
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return true;
        throw error;
      }
    },
    120_000,
  );
  await waitFor(
    'the broker pods to be gone',
    async () => ((await pods()).length === 0 ? true : undefined),
    180_000,
    1_000,
  );
  await waitFor(
    'every broker process to end',
    async () => ([...seenBrokerPids].some(alive) || brokerProcesses(bridge).size > 0 ? undefined : true),
    60_000,
    500,
  );
});

test("under the chart's ServiceAccount token the operator was refused nothing in the whole flow", () => {
  const forbidden = playground.operator.child
    .log()
    .split('\n')
    .filter((line) => /forbidden/i.test(line));
  assert.deepEqual(forbidden, [], `log: ${playground.operator.child.logFile}`);
});
