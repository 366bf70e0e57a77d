// Real services: kube-apiserver (its garbage collector and namespace controller running), Kafka (one
// broker with SASL/SCRAM-SHA-512 and the StandardAuthorizer), Redis; the operator as a separate
// process; kubectl running the commands docs/install.md gives for releasing resources before an
// uninstall; kafkajs logging in with the passwords the users' Secrets held.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { UserQuotas } from '../../src/actors/kafka/kafka-admin.ts';
import { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import type { KafkaUser } from '../../src/api/kafka-user.ts';
import { kubernetesEnvironment } from '../support/environment.ts';
import { kafkaUserClient, scramLogsIn } from '../support/kafka-users.ts';
import { namespaceGone, operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const fixture = await operatorFixture('hand-over');
const { namespace, kafka, core } = fixture;
const users = kafkaUserClient(fixture.custom, core, namespace);
// Kafka is shared by every test file: names carry the namespace's random part.
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
const unique = (name: string) => `${name}-${suffix}`;
// Sees Kafka as it is now: no ACL or quota snapshot shared across reads.
const observer = new PlatformaticKafkaAdmin(
  { bootstrap: [kafka.bootstrap], clientId: 'hand-over-observer' },
  { snapshotMaxAgeMs: 0 },
);
let operator: OperatorProcess;
// What the tests leave in Kafka on purpose, removed when the file ends.
const keptUsers: string[] = [];
const keptTopics: string[] = [];

before(async () => {
  operator = startOperatorProcess('hand-over', { ...fixture.env, RESYNC_INTERVAL_MS: '2000' });
  await operator.httpPort();
});
after(async () => {
  await users.deleteAll();
  await operator.stop();
  for (const name of keptUsers) {
    await observer.deleteScramCredential(name);
    await observer.deleteAcls(await observer.describeAcls(`User:${name}`));
    const quotas = Object.keys(await observer.describeUserQuotas(name)) as Array<keyof UserQuotas>;
    if (quotas.length > 0) await observer.alterUserQuotas(name, { set: {}, remove: quotas });
  }
  for (const name of keptTopics) await observer.deleteTopic(name);
  await observer.close();
  await fixture.cleanup();
});

const logsIn = (username: string, password: string) =>
  scramLogsIn(kafka.bootstrapSasl, { username, password });

const aclOperations = async (name: string) =>
  (await observer.describeAcls(`User:${name}`)).map((acl) => acl.operation).sort();

function readingUser(topic: string, producerByteRate: number) {
  return {
    authentication: { type: 'scram-sha-512' as const },
    authorization: {
      type: 'simple' as const,
      acls: [{ resource: { type: 'topic' as const, name: topic }, operations: ['Read' as const] }],
    },
    quotas: { producerByteRate },
  };
}

async function passwordOf(name: string, from = users): Promise<string> {
  const password = (await from.secret(name))?.password?.toString();
  assert.ok(password, `the Secret of ${name} holds a password`);
  return password;
}

function readyCondition(user: KafkaUser) {
  return user.status?.conditions?.find((c) => c.type === 'Ready');
}

// Settled at its current generation with this Ready reason (undefined: plain Ready=True).
function waitForReason(name: string, reason: string | undefined) {
  return users.waitUntil(name, `to be Ready with reason ${reason}`, (user) => {
    const ready = readyCondition(user);
    return ready?.status === 'True' &&
      ready.reason === reason &&
      user.status?.observedGeneration === user.metadata?.generation
      ? user
      : undefined;
  });
}

function reconcilesOf(name: string): number {
  return operator
    .logs()
    .filter((line) => line.kind === 'KafkaUser' && line.name === name && line.msg === 'reconcile finished')
    .length;
}

const annotate = (name: string, annotations: Record<string, string | null>) =>
  users.patch(name, { metadata: { annotations } });

test('strimzi.io/managed "false" releases a KafkaUser: finalizer off, nothing written to Kafka or its Secret; removing the annotation manages it again; deleted while released, it keeps its credential, ACLs and quotas', async () => {
  const name = unique('handed');
  const topic = unique('handed-topic');
  await users.create(name, readingUser(topic, 1024));
  const ready = await users.waitReady(name);
  assert.deepEqual(ready.metadata?.finalizers, ['strimzi.io/user-operator']);
  const password = await passwordOf(name);
  await waitFor('the password to log in', async () => ((await logsIn(name, password)) ? true : undefined));

  // Released and changed in one step: the change must not reach Kafka.
  await users.patch(name, {
    metadata: { annotations: { 'strimzi.io/managed': 'false' } },
    spec: {
      authorization: {
        acls: [{ resource: { type: 'topic', name: topic }, operations: ['Read', 'Write'] }],
      },
      quotas: { producerByteRate: 2048 },
    },
  });
  const released = await waitForReason(name, 'Unmanaged');
  assert.equal(released.metadata?.finalizers, undefined);
  assert.match(readyCondition(released)?.message ?? '', /strimzi\.io\/managed is "false"/);
  const secretWhenReleased = await core.readNamespacedSecret({ namespace, name });
  const reconciled = reconcilesOf(name);
  await waitFor('two more resyncs of the released user', async () =>
    reconcilesOf(name) >= reconciled + 2 ? true : undefined,
  );
  assert.deepEqual(await aclOperations(name), ['Read']);
  assert.deepEqual(await observer.describeUserQuotas(name), { producerByteRate: 1024 });
  const secretAfterResyncs = await core.readNamespacedSecret({ namespace, name });
  assert.equal(secretAfterResyncs.metadata?.resourceVersion, secretWhenReleased.metadata?.resourceVersion);
  assert.equal((await users.read(name)).metadata?.finalizers, undefined);

  await annotate(name, { 'strimzi.io/managed': null });
  const managed = await waitForReason(name, undefined);
  assert.deepEqual(managed.metadata?.finalizers, ['strimzi.io/user-operator']);
  assert.deepEqual(await aclOperations(name), ['Read', 'Write']);
  assert.deepEqual(await observer.describeUserQuotas(name), { producerByteRate: 2048 });
  assert.ok(await logsIn(name, password), 'managed again, the password is the one the Secret kept');

  await annotate(name, { 'strimzi.io/managed': 'false' });
  assert.equal((await waitForReason(name, 'Unmanaged')).metadata?.finalizers, undefined);
  // As docs/install.md says, to keep the Secret after its KafkaUser: the owner reference taken off.
  await core.patchNamespacedSecret(
    { namespace, name, body: [{ op: 'remove', path: '/metadata/ownerReferences' }] },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
  keptUsers.push(name);
  await users.delete(name);
  await users.waitGone(name);
  assert.ok(await logsIn(name, password), 'the credential is kept in Kafka');
  assert.deepEqual(await aclOperations(name), ['Read', 'Write']);
  assert.deepEqual(await observer.describeUserQuotas(name), { producerByteRate: 2048 });
  assert.equal(await passwordOf(name), password, 'the Secret is kept as it was');
});

test("a released KafkaUser's Secret still belongs to it: Kubernetes deletes it with the KafkaUser, and the password keeps logging in", async () => {
  const name = unique('owned-secret');
  await users.create(name, readingUser(unique('owned-topic'), 512));
  await users.waitReady(name);
  const password = await passwordOf(name);
  await annotate(name, { 'strimzi.io/managed': 'false' });
  await waitForReason(name, 'Unmanaged');
  keptUsers.push(name);
  await users.delete(name);
  await users.waitGone(name);
  await waitFor('the garbage collector to delete the Secret', async () =>
    (await users.secret(name)) === undefined ? true : undefined,
  );
  await waitFor('the kept password to log in', async () =>
    (await logsIn(name, password)) ? true : undefined,
  );
  assert.deepEqual(await aclOperations(name), ['Read']);
});

test('a KafkaUser deleted while paused and unmanaged, its finalizer still on, keeps the Kafka user and records UserKept', async () => {
  const name = unique('kept');
  await users.create(name, readingUser(unique('kept-topic'), 256));
  await users.waitReady(name);
  const password = await passwordOf(name);
  // Paused first, the operator does not release it: the finalizer stays until the deletion.
  await annotate(name, { 'strimzi.io/pause-reconciliation': 'true' });
  await users.waitUntil(name, 'to be paused', (user) =>
    user.status?.conditions?.some((c) => c.type === 'ReconciliationPaused' && c.status === 'True')
      ? user
      : undefined,
  );
  const paused = await annotate(name, { 'strimzi.io/managed': 'false' });
  assert.deepEqual(paused.metadata?.finalizers, ['strimzi.io/user-operator']);
  keptUsers.push(name);
  await users.delete(name);
  await users.waitGone(name);
  const kept = await waitFor(`a UserKept Event on KafkaUser ${name}`, async () => {
    const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
    return list.items.find((event) => event.reason === 'UserKept');
  });
  assert.equal(kept.type, 'Normal');
  assert.match(kept.message ?? '', new RegExp(`Kafka user ${name} kept.*strimzi\\.io/managed is "false"`));
  assert.ok(await logsIn(name, password));
  assert.deepEqual(await aclOperations(name), ['Read']);
  assert.deepEqual(await observer.describeUserQuotas(name), { producerByteRate: 256 });
});

// The commands of docs/install.md that release every KafkaTopic and KafkaUser of a namespace.
function documentedRelease(): string {
  const install = readFileSync(join(repoRoot, 'docs/install.md'), 'utf8');
  const marker = install.indexOf('<!-- release-before-uninstall');
  assert.ok(marker >= 0, 'docs/install.md marks its release commands');
  const block = /```sh\n([\s\S]*?)```/.exec(install.slice(marker));
  assert.ok(block?.[1], 'a sh block follows the marker');
  return block[1].replace(/^ {2}/gm, '');
}

test('uninstalling as docs/install.md says: KafkaTopics and KafkaUsers released with kubectl lose their finalizers, the operator stops, their namespace is deleted, and the topic, credential and ACLs stay in Kafka', async () => {
  const uninstalled = await operatorFixture('uninstall');
  const uninstalledUsers = kafkaUserClient(uninstalled.custom, uninstalled.core, uninstalled.namespace);
  const releasedOperator = startOperatorProcess('uninstall', uninstalled.env);
  try {
    const topicName = unique('uninstall-topic');
    const userName = unique('uninstall-user');
    await uninstalled.kafkaTopics.create('kept-topic', { topicName, partitions: 1 });
    await uninstalledUsers.create(userName, readingUser(topicName, 128));
    const [topic, user] = await Promise.all([
      uninstalled.kafkaTopics.waitReady('kept-topic'),
      uninstalledUsers.waitReady(userName),
    ]);
    assert.deepEqual(topic.metadata?.finalizers, ['strimzi.io/topic-operator']);
    assert.deepEqual(user.metadata?.finalizers, ['strimzi.io/user-operator']);
    const password = await passwordOf(userName, uninstalledUsers);
    keptTopics.push(topicName);
    keptUsers.push(userName);

    const { kubeconfig, kubectl } = kubernetesEnvironment();
    const commands = documentedRelease().replaceAll(' -n kafka ', ` -n ${uninstalled.namespace} `);
    const listed = execFileSync('bash', ['-euo', 'pipefail', '-c', commands], {
      env: { ...process.env, PATH: `${dirname(kubectl)}:${process.env.PATH ?? ''}`, KUBECONFIG: kubeconfig },
      encoding: 'utf8',
    });
    assert.match(listed, /kept-topic\s+<none>/);
    assert.match(listed, new RegExp(`${userName}\\s+<none>`));
    const [releasedTopic, releasedUser] = await Promise.all([
      uninstalled.kafkaTopics.waitSettled('kept-topic'),
      uninstalledUsers.read(userName),
    ]);
    assert.equal(releasedTopic.ready.reason, 'Unmanaged');
    assert.equal(releasedTopic.topic.metadata?.finalizers, undefined);
    assert.equal(readyCondition(releasedUser)?.reason, 'Unmanaged');
    assert.equal(releasedUser.metadata?.finalizers, undefined);

    // helm uninstall: the operator is gone before anything is deleted.
    await releasedOperator.stop();
    await uninstalled.core.deleteNamespace({ name: uninstalled.namespace });
    await namespaceGone(uninstalled.core, uninstalled.namespace);

    assert.equal((await observer.describeTopic(topicName))?.partitions, 1, 'the Kafka topic is kept');
    assert.ok(await logsIn(userName, password), 'the credential is kept');
    assert.deepEqual(await aclOperations(userName), ['Read']);
    assert.deepEqual(await observer.describeUserQuotas(userName), { producerByteRate: 128 });
  } finally {
    await releasedOperator.stop();
    // Already gone, or being deleted, when the test got that far.
    await uninstalled.core.deleteNamespace({ name: uninstalled.namespace }).catch((error: unknown) => {
      if (!(error instanceof ApiException && [404, 409].includes(error.code))) throw error;
    });
    await uninstalled.kc.closePools();
  }
});
