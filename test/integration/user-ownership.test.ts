// Real services: kube-apiserver, Kafka (one broker with SASL/SCRAM-SHA-512 and the StandardAuthorizer),
// Redis; the operator as a separate process watching two namespaces whose KafkaUsers name one Kafka
// cluster. What a KafkaUser may write: only the principal it owns, only the Secret made for it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import type { KafkaUserSpec } from '../../src/api/kafka-user.ts';
import { kafkaUserClient, type ScramCredentials, scramLogsIn } from '../support/kafka-users.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';

const fixture = await operatorFixture('user-ownership');
const { namespace, kafka, core } = fixture;
const secondNamespace = `${namespace}-b`;
const firstUsers = kafkaUserClient(fixture.custom, core, namespace);
const secondUsers = kafkaUserClient(fixture.custom, core, secondNamespace);
// Kafka's users are shared by every test file: names carry the namespace's random part.
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
const unique = (name: string) => `${name}-${suffix}`;
// Sees Kafka as it is now: no ACL or quota snapshot shared across reads.
const observer = new PlatformaticKafkaAdmin(
  { bootstrap: [kafka.bootstrap], clientId: 'user-ownership-observer' },
  { snapshotMaxAgeMs: 0 },
);
// A super user of the cluster besides the operator's own: KAFKA_CLUSTERS lists it, as Kafka keeps
// super.users to itself.
const superUser = unique('ops');
const kafkaClusters = JSON.parse(fixture.env.KAFKA_CLUSTERS ?? '{}');
kafkaClusters['test-cluster'].superUsers = [`User:${superUser}`];
let operator: OperatorProcess;

before(async () => {
  await core.createNamespace({ body: { metadata: { name: secondNamespace } } });
  operator = startOperatorProcess('user-ownership', {
    ...fixture.env,
    WATCH_NAMESPACES: `${namespace},${secondNamespace}`,
    KAFKA_CLUSTERS: JSON.stringify(kafkaClusters),
    // No resync within a test: a takeover comes from the release or deletion of the owner itself.
    RESYNC_INTERVAL_MS: '600000',
  });
  await operator.httpPort();
});
after(async () => {
  await firstUsers.deleteAll();
  await secondUsers.deleteAll();
  await operator.stop();
  await observer.deleteScramCredential(superUser);
  await observer.close();
  await core.deleteNamespace({ name: secondNamespace });
  await fixture.cleanup();
});

const logsIn = (credentials: ScramCredentials) => scramLogsIn(kafka.bootstrapSasl, credentials);

function scramUserReading(topic: string): KafkaUserSpec {
  return {
    authentication: { type: 'scram-sha-512' },
    authorization: {
      type: 'simple',
      acls: [{ resource: { type: 'topic', name: topic }, operations: ['Read'] }],
    },
  };
}

async function passwordIn(users: typeof firstUsers, name: string): Promise<string> {
  const password = (await users.secret(name))?.password?.toString();
  assert.ok(password, `the Secret of ${name} holds a password`);
  return password;
}

const aclTopics = async (username: string) =>
  (await observer.describeAcls(`User:${username}`)).map((acl) => acl.resourceName).sort();

test('KafkaUsers of one name in two namespaces: the older owns the Kafka user, the newer is refused and writes nothing, even when deleted; when the older goes, the newer takes over', async () => {
  const name = unique('alice');
  await firstUsers.create(name, scramUserReading('first-topic'));
  await firstUsers.waitReady(name);
  const password = await passwordIn(firstUsers, name);

  await secondUsers.create(name, scramUserReading('second-topic'));
  const { user, ready } = await secondUsers.waitSettled(name);
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ResourceConflict');
  assert.match(ready.message ?? '', new RegExp(`owned by KafkaUser ${namespace}/${name}`));
  assert.equal(user.metadata?.finalizers, undefined, 'the refused one holds no finalizer');
  assert.equal(await secondUsers.secret(name), undefined, 'the refused one gets no Secret');
  assert.deepEqual(await aclTopics(name), ['first-topic']);
  assert.ok(await logsIn({ username: name, password }), "the owner's password still logs in");

  await secondUsers.delete(name);
  await secondUsers.waitGone(name);
  assert.deepEqual(await aclTopics(name), ['first-topic'], 'deleting the refused one keeps the ACLs');
  assert.ok(await logsIn({ username: name, password }), 'deleting the refused one keeps the credential');
  assert.equal((await firstUsers.waitSettled(name)).ready.status, 'True');

  await secondUsers.create(name, scramUserReading('second-topic'));
  assert.equal((await secondUsers.waitSettled(name)).ready.reason, 'ResourceConflict');
  await firstUsers.delete(name);
  await firstUsers.waitGone(name);
  // Taken over at once: the owner's going reconciles the users that claim its principal.
  await secondUsers.waitReady(name);
  const successor = await passwordIn(secondUsers, name);
  assert.ok(await logsIn({ username: name, password: successor }));
  assert.deepEqual(await aclTopics(name), ['second-topic']);
});

test('a KafkaUser moved to another namespace as docs/install.md says: the new one, refused while the old one owns the Kafka user, takes it over with the copied password once the old one is released, and deleting the released one leaves it be', async () => {
  const name = unique('dave');
  await firstUsers.create(name, scramUserReading('dave-first'));
  await firstUsers.waitReady(name);
  const password = await passwordIn(firstUsers, name);
  const copied = unique('dave-password');
  await core.createNamespacedSecret({
    namespace: secondNamespace,
    body: { metadata: { name: copied }, stringData: { password } },
  });
  await secondUsers.create(name, {
    ...scramUserReading('dave-second'),
    authentication: {
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: copied, key: 'password' } } },
    },
  });
  assert.equal((await secondUsers.waitSettled(name)).ready.reason, 'ResourceConflict');

  await firstUsers.patch(name, { metadata: { annotations: { 'strimzi.io/managed': 'false' } } });
  const released = await firstUsers.waitUntil(name, 'to be released', (user) =>
    user.status?.conditions?.some((c) => c.reason === 'Unmanaged') ? user : undefined,
  );
  assert.equal(released.metadata?.finalizers, undefined);
  // Taken over at once: the owner's going reconciles the users that claim its principal.
  await secondUsers.waitReady(name);
  assert.deepEqual(await aclTopics(name), ['dave-second']);
  assert.ok(await logsIn({ username: name, password }), 'the copied password logs in');

  await firstUsers.delete(name);
  await firstUsers.waitGone(name);
  assert.deepEqual(
    await aclTopics(name),
    ['dave-second'],
    "deleting the released one keeps the new owner's ACLs",
  );
  assert.ok(await logsIn({ username: name, password }));
  assert.equal((await secondUsers.waitSettled(name)).ready.status, 'True');
});

test("a Secret of the user's name not made for it gives SecretConflict: never overwritten, read for a password or deleted, and nothing reaches Kafka", async () => {
  const name = unique('bob');
  const theirs = await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name }, stringData: { password: 'someone-elses-1' } },
  });
  await firstUsers.create(name, scramUserReading('bob-topic'));
  const { ready } = await firstUsers.waitSettled(name);
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'SecretConflict');
  assert.match(
    ready.message ?? '',
    new RegExp(`Secret ${namespace}/${name} exists and was not made for this KafkaUser`),
  );
  assert.equal(await observer.hasScramCredential(name), false);
  assert.deepEqual(await aclTopics(name), []);

  await firstUsers.delete(name);
  await firstUsers.waitGone(name);
  const kept = await core.readNamespacedSecret({ namespace, name });
  assert.equal(kept.metadata?.resourceVersion, theirs.metadata?.resourceVersion, 'the Secret is untouched');
});

test("a KafkaUser named as the operator's own Kafka user is refused with ResourceConflict, never given a password, and deleting it leaves that user be", async () => {
  const name = kafka.adminUser;
  // The password it names is the operator's own: were it ever applied, the operator would keep its access.
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: `${name}-chosen` }, stringData: { password: kafka.adminPassword } },
  });
  await firstUsers.create(name, {
    authentication: {
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: `${name}-chosen`, key: 'password' } } },
    },
    authorization: {
      type: 'simple',
      acls: [{ resource: { type: 'topic', name: 'taken' }, operations: ['Read'] }],
    },
  });
  const { user, ready } = await firstUsers.waitSettled(name);
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ResourceConflict');
  assert.match(
    ready.message ?? '',
    new RegExp(`User:${name} is the principal this operator logs in to the cluster with`),
  );
  assert.equal(user.metadata?.finalizers, undefined);
  assert.equal(await firstUsers.secret(name), undefined, 'no Secret is made for it');
  assert.deepEqual(await aclTopics(name), []);

  await firstUsers.delete(name);
  await firstUsers.waitGone(name);
  assert.ok(await logsIn({ username: name, password: kafka.adminPassword }));
  assert.ok(await observer.hasScramCredential(name));
});

test('a KafkaUser named as a super user of the cluster is refused with ResourceConflict, and the super user keeps its password', async () => {
  await observer.upsertScramCredential(superUser, 'super-user-password-1');
  await firstUsers.create(superUser, scramUserReading('ops-topic'));
  const { ready } = await firstUsers.waitSettled(superUser);
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ResourceConflict');
  assert.match(ready.message ?? '', new RegExp(`User:${superUser} is a super user of the cluster`));
  assert.equal(await firstUsers.secret(superUser), undefined);
  assert.deepEqual(await aclTopics(superUser), []);

  await firstUsers.delete(superUser);
  await firstUsers.waitGone(superUser);
  assert.ok(await logsIn({ username: superUser, password: 'super-user-password-1' }));
});

test("a refused KafkaUser that carries the operator's finalizer from its creation still writes nothing when deleted", async () => {
  const name = unique('carol');
  await firstUsers.create(name, scramUserReading('carol-topic'));
  await firstUsers.waitReady(name);
  const password = await passwordIn(firstUsers, name);
  // Whoever writes KafkaUsers may set any finalizer: deletion decides ownership as reconcile does.
  await secondUsers.createFromManifest({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: {
      name,
      labels: { 'strimzi.io/cluster': 'test-cluster' },
      finalizers: ['strimzi.io/user-operator'],
    },
    spec: scramUserReading('other-topic'),
  });
  assert.equal((await secondUsers.waitSettled(name)).ready.reason, 'ResourceConflict');
  await secondUsers.delete(name);
  await secondUsers.waitGone(name);
  assert.deepEqual(await aclTopics(name), ['carol-topic']);
  assert.ok(await logsIn({ username: name, password }));
});
