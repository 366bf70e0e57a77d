// Real services: kube-apiserver, Kafka (one broker with SASL/SCRAM-SHA-512 and the StandardAuthorizer),
// Redis; the operator as a separate process; kafkajs as the independent client that logs in with
// the credentials of the user's Secret; openssl to check TLS users' certificates and keystores.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Admin } from '@platformatic/kafka';
import { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import { fixturesDirectory } from '../support/cluster-fixtures.ts';
import { assertUserFilesBecomeReady } from '../support/example-resources.ts';
import {
  isReady,
  kafkaUserClient,
  type ScramCredentials,
  scramClient,
  scramLogsIn,
} from '../support/kafka-users.ts';
import { readMetric } from '../support/metrics.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('user-operator');
const { namespace, kafka, core } = fixture;
const users = kafkaUserClient(fixture.custom, core, namespace);
// Kafka's users are shared by every test file: names carry the namespace's random part.
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
const unique = (name: string) => `${name}-${suffix}`;
// Sees Kafka as it is now: no ACL or quota snapshot shared across reads.
const observer = new PlatformaticKafkaAdmin(
  { bootstrap: [kafka.bootstrap], clientId: 'user-test-observer' },
  { snapshotMaxAgeMs: 0 },
);
const topicAdmin = new Admin({ clientId: 'user-test-topics', bootstrapBrokers: [kafka.bootstrap] });
let operator: OperatorProcess;
// Every password a test saw: none may appear in the operator's log.
const passwordsSeen = new Set<string>();
let httpPort: number;

before(async () => {
  operator = startOperatorProcess('user-operator', { ...fixture.env, RESYNC_INTERVAL_MS: '2000' });
  httpPort = await operator.httpPort();
});
after(async () => {
  await users.deleteAll();
  await operator.stop();
  await observer.close();
  await topicAdmin.close();
  await fixture.cleanup();
});

const client = (username: string, password: string) =>
  scramClient(kafka.bootstrapSasl, { username, password });
const canLogIn = (credentials: ScramCredentials) => scramLogsIn(kafka.bootstrapSasl, credentials);

async function credentialsOf(name: string): Promise<{ username: string; password: string }> {
  const secret = await users.secret(name);
  assert.ok(secret, `Secret ${name} exists`);
  const password = secret.password?.toString() ?? '';
  passwordsSeen.add(password);
  return { username: name, password };
}

async function produce(credentials: { username: string; password: string }, topic: string): Promise<void> {
  const producer = client(credentials.username, credentials.password).producer({
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value: 'hello' }] });
  } finally {
    await producer.disconnect();
  }
}

async function consumeOne(
  credentials: { username: string; password: string },
  topic: string,
  groupId: string,
) {
  const consumer = client(credentials.username, credentials.password).consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    return await new Promise<string>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
      consumer
        .run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

async function createTopic(name: string): Promise<void> {
  await topicAdmin.createTopics({ topics: [name], partitions: 1, replicas: 1 });
}

const readyUser = (name: string) => users.waitReady(name);

async function kafkaWrites(): Promise<number> {
  const operations = ['alterUserScramCredentials', 'createAcls', 'deleteAcls', 'alterClientQuotas'];
  const counts = await Promise.all(
    operations.map((operation) => readMetric(httpPort, 'kao_kafka_requests_total', { operation })),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

function reconcilesOf(name: string): number {
  return operator
    .logs()
    .filter((line) => line.kind === 'KafkaUser' && line.name === name && line.msg === 'reconcile finished')
    .length;
}

test('a SCRAM user logs in with the credentials of its Secret, produces and consumes where its ACLs allow and is denied elsewhere', async () => {
  const name = unique('app');
  const allowed = unique('orders');
  const denied = unique('payments');
  await createTopic(allowed);
  await createTopic(denied);
  await users.create(name, {
    authentication: { type: 'scram-sha-512' },
    authorization: {
      type: 'simple',
      acls: [
        { resource: { type: 'topic', name: allowed }, operations: ['Describe', 'Read', 'Write'] },
        { resource: { type: 'group', name: `${name}-`, patternType: 'prefix' }, operations: ['Read'] },
      ],
    },
  });
  const user = await readyUser(name);
  assert.equal(user.status?.username, name);
  assert.equal(user.status?.secret, name);
  assert.deepEqual(user.metadata?.finalizers, ['strimzi.io/user-operator']);

  const secret = await users.secret(name);
  const password = secret?.password?.toString() ?? '';
  assert.match(password, /^[A-Za-z0-9]{32}$/);
  assert.equal(
    secret?.['sasl.jaas.config']?.toString(),
    `org.apache.kafka.common.security.scram.ScramLoginModule required username="${name}" password="${password}";`,
  );
  const stored = await core.readNamespacedSecret({ namespace, name });
  assert.equal(stored.metadata?.labels?.['strimzi.io/kind'], 'KafkaUser');
  assert.equal(stored.metadata?.labels?.['strimzi.io/cluster'], 'test-cluster');
  assert.equal(stored.metadata?.ownerReferences?.[0]?.uid, user.metadata?.uid);

  const credentials = await credentialsOf(name);
  await waitFor('the user to produce to its topic', () => produce(credentials, allowed).then(() => true));
  // Retried like the produce: on a loaded broker the group coordinator may not be ready at once.
  const consumed = await waitFor('the user to consume from its topic', () =>
    consumeOne(credentials, allowed, `${name}-readers`),
  );
  assert.equal(consumed, 'hello');
  await assert.rejects(produce(credentials, denied), /authoriz/i);
  await assert.rejects(consumeOne(credentials, denied, `${name}-readers`), /authoriz/i);
});

test('idle resyncs keep the password and write nothing to Kafka or to the Secret', async () => {
  const name = unique('idle');
  await users.create(name, {
    authentication: { type: 'scram-sha-512' },
    authorization: {
      type: 'simple',
      acls: [{ resource: { type: 'topic', name: unique('idle') }, operations: ['Read'] }],
    },
    quotas: { producerByteRate: 1_048_576 },
  });
  await readyUser(name);
  // Other users of this file may still be settling: settled once every Ready user has been reconciled
  // start to end (two more finished reconciles) with no write to Kafka meanwhile.
  await waitFor('a round of reconciles of every user that writes nothing to Kafka', async () => {
    const before = await kafkaWrites();
    const names = (await users.list()).filter(isReady).map((user) => user.metadata.name ?? '');
    const counts = names.map(reconcilesOf);
    await waitFor('every user to be reconciled twice more', async () =>
      names.every((user, index) => reconcilesOf(user) >= (counts[index] ?? 0) + 2) ? true : undefined,
    );
    return (await kafkaWrites()) === before ? true : undefined;
  });
  const secretBefore = await core.readNamespacedSecret({ namespace, name });
  const writesBefore = await kafkaWrites();
  const reconciled = reconcilesOf(name);
  await waitFor('two more resyncs of the user', async () =>
    reconcilesOf(name) >= reconciled + 2 ? true : undefined,
  );
  const secretAfter = await core.readNamespacedSecret({ namespace, name });
  assert.equal(secretAfter.metadata?.resourceVersion, secretBefore.metadata?.resourceVersion);
  assert.equal(await kafkaWrites(), writesBefore);
  assert.ok(await canLogIn(await credentialsOf(name)));
});

test('an ACL removed from the spec is denied; a deleted KafkaUser can no longer log in and leaves no ACL, quota or Secret', async () => {
  const name = unique('leaver');
  const topic = unique('leaver-topic');
  await createTopic(topic);
  await users.create(name, {
    authentication: { type: 'scram-sha-512' },
    authorization: {
      type: 'simple',
      acls: [{ resource: { type: 'topic', name: topic }, operations: ['Describe', 'Write'] }],
    },
    quotas: { consumerByteRate: 2048 },
  });
  await readyUser(name);
  const credentials = await credentialsOf(name);
  await waitFor('the user to produce', () => produce(credentials, topic).then(() => true));

  await users.patch(name, {
    spec: {
      authorization: { acls: [{ resource: { type: 'topic', name: topic }, operations: ['Describe'] }] },
    },
  });
  await readyUser(name);
  await waitFor('producing to be denied', () =>
    produce(credentials, topic).then(
      () => undefined,
      (error: unknown) => (/authoriz/i.test(String(error)) ? true : undefined),
    ),
  );
  assert.deepEqual(
    (await observer.describeAcls(`User:${name}`)).map((acl) => acl.operation),
    ['Describe'],
  );

  await users.delete(name);
  await users.waitGone(name);
  await waitFor('the login to be refused', async () => ((await canLogIn(credentials)) ? undefined : true));
  assert.equal(await observer.hasScramCredential(name), false);
  assert.deepEqual(await observer.describeAcls(`User:${name}`), []);
  assert.deepEqual(await observer.describeUserQuotas(name), {});
  assert.equal(await users.secret(name), undefined);
});

test('a password from a Secret the spec names becomes the credential, and a new password there sets a new credential', async () => {
  const name = unique('chosen');
  const source = unique('chosen-password');
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: source }, stringData: { pw: 'first-password-1' } },
  });
  await users.create(name, {
    authentication: {
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: source, key: 'pw' } } },
    },
  });
  await readyUser(name);
  assert.equal((await users.secret(name))?.password?.toString(), 'first-password-1');
  await waitFor('the first password to log in', async () =>
    (await canLogIn({ username: name, password: 'first-password-1' })) ? true : undefined,
  );

  await core.replaceNamespacedSecret({
    namespace,
    name: source,
    body: { metadata: { name: source }, stringData: { pw: 'second-password-2' } },
  });
  await waitFor('the second password to log in', async () =>
    (await canLogIn({ username: name, password: 'second-password-2' })) ? true : undefined,
  );
  assert.equal(await canLogIn({ username: name, password: 'first-password-1' }), false);
  assert.equal((await users.secret(name))?.password?.toString(), 'second-password-2');
});

test('quotas show in Kafka as the spec gives them, change with it and go when removed', async () => {
  const name = unique('throttled');
  await users.create(name, {
    authentication: { type: 'scram-sha-512' },
    quotas: {
      producerByteRate: 1024,
      consumerByteRate: 4096,
      requestPercentage: 55,
      controllerMutationRate: 10,
    },
  });
  await readyUser(name);
  assert.deepEqual(await observer.describeUserQuotas(name), {
    producerByteRate: 1024,
    consumerByteRate: 4096,
    requestPercentage: 55,
    controllerMutationRate: 10,
  });
  await users.patch(name, {
    spec: { quotas: { producerByteRate: 2048, consumerByteRate: null, requestPercentage: null } },
  });
  await readyUser(name);
  await waitFor('the changed quotas', async () => {
    const quotas = await observer.describeUserQuotas(name);
    return quotas.producerByteRate === 2048 && quotas.consumerByteRate === undefined ? quotas : undefined;
  });
  assert.deepEqual(await observer.describeUserQuotas(name), {
    producerByteRate: 2048,
    controllerMutationRate: 10,
  });
  await users.patch(name, { spec: { quotas: null } });
  await waitFor('the quotas to go', async () =>
    Object.keys(await observer.describeUserQuotas(name)).length === 0 ? true : undefined,
  );
});

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

test("a TLS user's certificate has CN=<name>, verifies against the clients CA, and user.p12 opens with user.password; its ACLs and quotas name CN=<name>", async () => {
  const name = unique('tls');
  await users.create(name, {
    authentication: { type: 'tls' },
    authorization: {
      type: 'simple',
      acls: [{ resource: { type: 'topic', name: unique('tls-topic') }, operations: ['Read'] }],
    },
    quotas: { producerByteRate: 512 },
  });
  const user = await readyUser(name);
  assert.equal(user.status?.username, `CN=${name}`);
  assert.equal(user.status?.secret, name);
  const secret = await users.secret(name);
  assert.deepEqual(Object.keys(secret ?? {}).sort(), [
    'ca.crt',
    'user.crt',
    'user.key',
    'user.p12',
    'user.password',
  ]);

  const clientsCa = await core.readNamespacedSecret({ namespace, name: 'test-cluster-clients-ca-cert' });
  const caPem = Buffer.from(clientsCa.data?.['ca.crt'] ?? '', 'base64').toString();
  assert.equal(secret?.['ca.crt']?.toString(), caPem);
  const directory = mkdtempSync(join(tmpdir(), 'user-tls-'));
  const files = {
    ca: join(directory, 'ca.crt'),
    cert: join(directory, 'user.crt'),
    p12: join(directory, 'user.p12'),
  };
  writeFileSync(files.ca, caPem);
  writeFileSync(files.cert, secret?.['user.crt'] ?? '');
  writeFileSync(files.p12, secret?.['user.p12'] ?? Buffer.alloc(0));
  assert.match(openssl(['verify', '-CAfile', files.ca, files.cert]), /user\.crt: OK/);
  assert.match(
    openssl(['x509', '-in', files.cert, '-noout', '-subject']),
    new RegExp(`subject=CN ?= ?${name}\\s*$`),
  );
  const store = openssl([
    'pkcs12',
    '-in',
    files.p12,
    '-passin',
    `pass:${secret?.['user.password']?.toString()}`,
    '-nokeys',
    '-clcerts',
  ]);
  assert.match(store, new RegExp(`subject=CN ?= ?${name}`));
  // The key in the Secret is the certificate's.
  const modulus = (args: string[], input: string) => openssl([...args, '-noout', '-modulus'], input);
  assert.equal(
    modulus(['rsa'], secret?.['user.key']?.toString() ?? ''),
    modulus(['x509'], readFileSync(files.cert, 'utf8')),
  );

  assert.deepEqual(
    (await observer.describeAcls(`User:CN=${name}`)).map((acl) => acl.operation),
    ['Read'],
  );
  assert.deepEqual(await observer.describeAcls(`User:${name}`), []);
  assert.deepEqual(await observer.describeUserQuotas(`CN=${name}`), { producerByteRate: 512 });
  assert.equal(await observer.hasScramCredential(name), false);
});

test("strimzi.io/force-renew on a TLS user's Secret issues a new certificate and is then taken off", async () => {
  const name = unique('renewed');
  await users.create(name, { authentication: { type: 'tls' } });
  await readyUser(name);
  const before = (await users.secret(name))?.['user.crt']?.toString();
  await core.patchNamespacedSecret(
    { namespace, name, body: { metadata: { annotations: { 'strimzi.io/force-renew': 'true' } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const renewed = await waitFor('a new certificate', async () => {
    const secret = await core.readNamespacedSecret({ namespace, name });
    const certificate = Buffer.from(secret.data?.['user.crt'] ?? '', 'base64').toString();
    return certificate !== before && !secret.metadata?.annotations?.['strimzi.io/force-renew']
      ? secret
      : undefined;
  });
  assert.ok(renewed.data?.['user.p12']);
});

test("a deleted SCRAM user's Secret is made again with a new password, which logs in while the old one no longer does", async () => {
  const name = unique('rotated');
  await users.create(name, { authentication: { type: 'scram-sha-512' } });
  await readyUser(name);
  const old = await credentialsOf(name);
  await waitFor('the first password to log in', async () => ((await canLogIn(old)) ? true : undefined));
  await core.deleteNamespacedSecret({ namespace, name });
  const renewed = await waitFor('the Secret to be made again', async () => {
    const password = (await users.secret(name))?.password?.toString();
    return password && password !== old.password ? { username: name, password } : undefined;
  });
  passwordsSeen.add(renewed.password);
  await waitFor('the new password to log in', async () => ((await canLogIn(renewed)) ? true : undefined));
  assert.equal(await canLogIn(old), false);
});

test('changing a user from SCRAM to tls-external moves its ACLs to CN=<name>, removes its credential and its Secret', async () => {
  const name = unique('switch');
  const acls = [
    { resource: { type: 'topic' as const, name: unique('switch-topic') }, operations: ['Read' as const] },
  ];
  await users.create(name, {
    authentication: { type: 'scram-sha-512' },
    authorization: { type: 'simple', acls },
  });
  await readyUser(name);
  assert.equal(await observer.hasScramCredential(name), true);
  await users.patch(name, { spec: { authentication: { type: 'tls-external' } } });
  const user = await waitFor('the user to be known as CN=<name>', async () => {
    const settled = await readyUser(name);
    return settled.status?.username === `CN=${name}` ? settled : undefined;
  });
  assert.equal(user.status?.secret, undefined);
  assert.equal(await observer.hasScramCredential(name), false);
  assert.deepEqual(await observer.describeAcls(`User:${name}`), []);
  assert.equal((await observer.describeAcls(`User:CN=${name}`)).length, 1);
  assert.equal(await users.secret(name), undefined);
});

test("the project's fixture users become Ready, with their principals' ACLs in Kafka", async () => {
  await assertUserFilesBecomeReady(
    users,
    observer,
    ['tls-consumer-producer.yaml', 'scram-with-quotas.yaml', 'tls-external.yaml'].map((file) =>
      join(fixturesDirectory, 'users', file),
    ),
    { rename: unique, cluster: 'test-cluster' },
  );
});

async function assertNothingInKafka(name: string): Promise<void> {
  assert.equal(await observer.hasScramCredential(name), false);
  assert.deepEqual(await observer.describeAcls(`User:${name}`), []);
  assert.deepEqual(await observer.describeUserQuotas(name), {});
}

test('the apiserver refuses an unknown ACL operation and a negative quota, saying which value is wrong', async () => {
  const refusal = (error: unknown) => {
    assert.ok(error instanceof ApiException, String(error));
    assert.equal(error.code, 422);
    return (JSON.parse(String(error.body)) as { message: string }).message;
  };
  await assert.rejects(
    users.create(unique('bad-op'), {
      authorization: {
        type: 'simple',
        acls: [{ resource: { type: 'topic', name: 't' }, operations: ['Fly' as 'Read'] }],
      },
    }),
    (error) => {
      assert.match(
        refusal(error),
        /spec\.authorization\.acls\[0\]\.operations\[0\].*Unsupported value: "Fly"/,
      );
      return true;
    },
  );
  await assert.rejects(users.create(unique('bad-quota'), { quotas: { producerByteRate: -1 } }), (error) => {
    assert.match(refusal(error), /spec\.quotas\.producerByteRate.*should be greater than or equal to 0/);
    return true;
  });
});

test('an ACL rule without the resource name it needs is refused by the operator with InvalidResource, and nothing is made in Kafka', async () => {
  const name = unique('nameless');
  await users.create(name, {
    authentication: { type: 'scram-sha-512' },
    authorization: { type: 'simple', acls: [{ resource: { type: 'topic' }, operations: ['Read'] }] },
    quotas: { producerByteRate: 100 },
  });
  const { user, ready } = await users.waitSettled(name);
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'InvalidResource');
  assert.match(
    ready.message ?? '',
    /spec\.authorization\.acls\[0\]\.resource\.name is required for a topic rule/,
  );
  assert.equal(user.metadata?.finalizers, undefined);
  await assertNothingInKafka(name);
  assert.equal(await users.secret(name), undefined);
});

test('KafkaUsers created together with one whose ACL Kafka cannot read: the others are Ready with no failed reconcile, the bad one is refused alone', async () => {
  const good = Array.from({ length: 12 }, (_, index) => unique(`crowd-${index}`));
  const bad = unique('crowd-bad');
  const reading = (topic: string) => ({
    authentication: { type: 'scram-sha-512' as const },
    authorization: {
      type: 'simple' as const,
      acls: [{ resource: { type: 'topic' as const, name: topic }, operations: ['Read' as const] }],
    },
  });
  // One byte longer than a Kafka string: sent, it would make the broker drop the request it shares.
  await Promise.all([
    ...good.map((name) => users.create(name, reading(name))),
    users.create(bad, reading('x'.repeat(32_768))),
  ]);
  for (const name of good) await readyUser(name);
  const { ready } = await users.waitSettled(bad);
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'InvalidResource');
  assert.match(
    ready.message ?? '',
    /acls\[0\]\.resource\.name is 32768 bytes long; Kafka takes at most 32767/,
  );
  await assertNothingInKafka(bad);
  const failedReconciles = operator
    .logs()
    .filter(
      (line) => line.msg === 'reconcile finished' && good.includes(line.name ?? '') && line.state !== 'ready',
    );
  assert.deepEqual(failedReconciles, []);
});

test('a password Secret that does not exist gives SecretNotFound and nothing is made in Kafka; creating it fixes the user', async () => {
  const name = unique('waiting');
  const source = unique('missing-password');
  await users.create(name, {
    authentication: {
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: source, key: 'password' } } },
    },
    authorization: {
      type: 'simple',
      acls: [{ resource: { type: 'group', name: 'g' }, operations: ['Read'] }],
    },
  });
  const { ready } = await users.waitSettled(name);
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'SecretNotFound');
  assert.match(
    ready.message ?? '',
    new RegExp(`Secret ${namespace}/${source} with the password .* does not exist`),
  );
  await assertNothingInKafka(name);

  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: source }, stringData: { password: 'now-it-exists-1' } },
  });
  await waitFor('the user to become Ready once the Secret exists', async () => {
    const settled = await users.waitSettled(name);
    return settled.ready.status === 'True' ? true : undefined;
  });
  assert.ok(await canLogIn({ username: name, password: 'now-it-exists-1' }));
});

test("no password or private key appears in the operator's log", () => {
  const log = readFileSync(operator.logFile, 'utf8');
  for (const password of [...passwordsSeen, 'first-password-1', 'second-password-2', 'now-it-exists-1']) {
    assert.ok(password.length > 0 && !log.includes(password), 'a password is in the log');
  }
  assert.doesNotMatch(log, /PRIVATE KEY|sasl\.jaas\.config"?\s*[:=]\s*"?org/);
});

test('Kafka users without a KafkaUser are left alone by default', async () => {
  const stray = unique('stray');
  await observer.upsertScramCredential(stray, 'stray-password-1');
  const name = unique('neighbour');
  await users.create(name, { authentication: { type: 'scram-sha-512' } });
  await readyUser(name);
  const reconciled = reconcilesOf(name);
  await waitFor('two more resyncs', async () => (reconcilesOf(name) >= reconciled + 2 ? true : undefined));
  assert.equal(await observer.hasScramCredential(stray), true);
  await observer.deleteScramCredential(stray);
});

test("with USER_OPERATOR_DELETE_ORPHANS=true, Kafka users without a KafkaUser lose credential, ACLs and quotas, except the ignored ones and the operator's own", async () => {
  const sweeping = await operatorFixture('user-orphans');
  const prefix = `orphan-${suffix}`;
  const orphan = `${prefix}-gone`;
  const ignored = `${prefix}-keep`;
  const described = `${prefix}-user`;
  const sweeper = startOperatorProcess('user-orphans', {
    ...sweeping.env,
    RESYNC_INTERVAL_MS: '1000',
    USER_OPERATOR_DELETE_ORPHANS: 'true',
    // Everything but this test's names is ignored: other test files share the broker.
    USER_OPERATOR_IGNORE_USERS: `^(?!${prefix})|-keep$`,
  });
  try {
    const sweeperUsers = kafkaUserClient(sweeping.custom, sweeping.core, sweeping.namespace);
    await sweeperUsers.create(described, { authentication: { type: 'scram-sha-512' } });
    for (const name of [orphan, ignored]) {
      await observer.upsertScramCredential(name, 'orphan-password-1');
      await observer.createAcls([
        {
          principal: `User:${name}`,
          resourceType: 'topic',
          resourceName: name,
          patternType: 'literal',
          host: '*',
          operation: 'Read',
          permission: 'allow',
        },
      ]);
      await observer.alterUserQuotas(name, { set: { producerByteRate: 1000 }, remove: [] });
    }
    await waitFor('the orphan to be deleted', async () =>
      (await observer.hasScramCredential(orphan)) ? undefined : true,
    );
    await waitFor("the orphan's ACLs and quotas to be deleted", async () =>
      (await observer.describeAcls(`User:${orphan}`)).length === 0 &&
      Object.keys(await observer.describeUserQuotas(orphan)).length === 0
        ? true
        : undefined,
    );
    assert.equal(await observer.hasScramCredential(ignored), true);
    assert.equal((await observer.describeAcls(`User:${ignored}`)).length, 1);
    assert.equal(await observer.hasScramCredential(described), true);
    assert.equal(await observer.hasScramCredential(kafka.adminUser), true);
    await removeFromKafkaForTest(ignored);
    await sweeperUsers.delete(described);
    await sweeperUsers.waitGone(described);
  } finally {
    await sweeper.stop();
    await sweeping.cleanup();
  }
});

async function removeFromKafkaForTest(name: string): Promise<void> {
  await observer.deleteScramCredential(name);
  await observer.deleteAcls(await observer.describeAcls(`User:${name}`));
  await observer.alterUserQuotas(name, { set: {}, remove: ['producerByteRate'] });
}
