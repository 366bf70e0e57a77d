// Real services (kube-apiserver with its audit log, Kafka with SASL/SCRAM-SHA-512 and the
// StandardAuthorizer, Redis) and the operator as a process under a service account of namespace
// kao-audited, resyncing every 2 s: an idle resync of a Ready SCRAM user takes its Secret from the
// watch's cache instead of reading it, and writes nothing; what changes behind the operator's back
// (the Secret's password, the credential or a quota in Kafka) is still repaired at the next resync.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import type { KafkaUserSpec } from '../../src/api/kafka-user.ts';
import { auditEntries, auditedUser, startAuditedOperator } from '../support/audited-account.ts';
import { kafkaUserClient, scramLogsIn } from '../support/kafka-users.ts';
import { readMetric } from '../support/metrics.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, reconcileSpans } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('user-idle');
const { core, kafka, namespace } = fixture;
const users = kafkaUserClient(fixture.custom, core, namespace);
// Kafka's users are shared by every test file: names carry the namespace's random part.
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
const account = `user-idle-${randomUUID().slice(0, 8)}`;
// Sees Kafka as it is now: no ACL or quota snapshot shared across reads.
const observer = new PlatformaticKafkaAdmin(
  { bootstrap: [kafka.bootstrap], clientId: 'user-idle-observer' },
  { snapshotMaxAgeMs: 0 },
);
let operator: OperatorProcess;
let httpPort: number;

before(async () => {
  operator = await startAuditedOperator('user-idle', fixture, account);
  httpPort = await operator.httpPort();
});

after(async () => {
  await users.deleteAll();
  await operator?.stop();
  await observer.close();
  await fixture.cleanup();
});

const spec = (name: string): KafkaUserSpec => ({
  authentication: { type: 'scram-sha-512' },
  authorization: {
    type: 'simple',
    acls: [{ resource: { type: 'topic', name }, operations: ['Read'] }],
  },
  quotas: { producerByteRate: 1_048_576 },
});

const scramWrites = () =>
  readMetric(httpPort, 'kao_kafka_requests_total', { operation: 'alterUserScramCredentials' });

async function kafkaWrites(): Promise<number> {
  const operations = ['alterUserScramCredentials', 'createAcls', 'deleteAcls', 'alterClientQuotas'];
  const counts = await Promise.all(
    operations.map((operation) => readMetric(httpPort, 'kao_kafka_requests_total', { operation })),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

// `count` reconciles of the user that started after `afterMs` and have finished: from when to when.
async function reconcilesAfter(
  name: string,
  afterMs: number,
  count: number,
): Promise<{ from: number; to: number }> {
  const spans = await waitFor(
    `${count} reconciles of ${name}`,
    async () => {
      const ended = reconcileSpans([operator], namespace, name).filter(
        (span) => span.start > afterMs && span.end,
      );
      return ended.length >= count ? ended.slice(0, count) : undefined;
    },
    60_000,
    500,
  );
  return { from: spans[0]?.start ?? afterMs, to: Math.max(...spans.map((span) => span.end ?? 0)) };
}

// A Ready user whose Secret a reconcile after Ready has confirmed: the next reconciles are idle.
async function settledUser(name: string): Promise<{ username: string; password: string }> {
  await users.create(name, spec(name));
  await users.waitReady(name);
  await reconcilesAfter(name, Date.now(), 1);
  const password = (await users.secret(name))?.password?.toString();
  assert.ok(password);
  return { username: name, password };
}

test('idle resyncs of a Ready SCRAM user neither read nor write anything in the apiserver, nor write to Kafka', async () => {
  const name = `idle-${suffix}`;
  const credentials = await settledUser(name);
  const writesBefore = await kafkaWrites();
  const { from, to } = await reconcilesAfter(name, Date.now(), 3);
  const byOperator = auditEntries().filter((entry) => entry.username === auditedUser(account));
  // Its first reconcile read the Secret (not there yet): the log records reads.
  assert.ok(
    byOperator.some((entry) => entry.verb === 'get' && entry.resource === 'secrets' && entry.name === name),
    'the audit log records gets (a kube-apiserver started before test/env/up.sh recorded them must be restarted)',
  );
  const during = byOperator.filter(
    (entry) =>
      entry.namespace === namespace &&
      // Leader election renews its Lease whatever the resources do.
      entry.resource !== 'leases' &&
      Date.parse(entry.received) >= from &&
      Date.parse(entry.received) <= to,
  );
  assert.deepEqual(
    during.map((entry) => `${entry.verb} ${entry.resource} ${entry.name}`),
    [],
  );
  assert.equal(await kafkaWrites(), writesBefore);
  assert.ok(await scramLogsIn(kafka.bootstrapSasl, credentials));
});

test("a SCRAM credential deleted in Kafka is set again with the Secret's password, and the Secret stays as it is", async () => {
  const name = `lost-${suffix}`;
  const credentials = await settledUser(name);
  const secretBefore = await core.readNamespacedSecret({ namespace, name });
  const writesBefore = await scramWrites();
  await observer.deleteScramCredential(name);
  await waitFor('the credential set again', async () =>
    (await scramWrites()) > writesBefore && (await observer.hasScramCredential(name)) ? true : undefined,
  );
  assert.ok(await scramLogsIn(kafka.bootstrapSasl, credentials));
  const secretAfter = await core.readNamespacedSecret({ namespace, name });
  assert.equal(secretAfter.metadata?.resourceVersion, secretBefore.metadata?.resourceVersion);
});

test('a password written into the Secret by hand becomes the credential at the next resync', async () => {
  const name = `edited-${suffix}`;
  const old = await settledUser(name);
  const password = `edited-${randomUUID()}`;
  await core.patchNamespacedSecret(
    { namespace, name, body: { data: { password: Buffer.from(password).toString('base64') } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await waitFor('the new password to log in', async () =>
    (await scramLogsIn(kafka.bootstrapSasl, { username: name, password })) ? true : undefined,
  );
  assert.equal(await scramLogsIn(kafka.bootstrapSasl, old), false);
  const jaas = (await users.secret(name))?.['sasl.jaas.config']?.toString();
  assert.match(jaas ?? '', new RegExp(`password="${password}"`));
});

test('a quota changed in Kafka is set back to the spec at the next resync', async () => {
  const name = `throttled-${suffix}`;
  await settledUser(name);
  await observer.alterUserQuotas(name, {
    set: { producerByteRate: 1024, consumerByteRate: 2048 },
    remove: [],
  });
  await waitFor('the quotas of the spec', async () => {
    const quotas = await observer.describeUserQuotas(name);
    return quotas.producerByteRate === 1_048_576 && quotas.consumerByteRate === undefined ? true : undefined;
  });
});

test("a deleted user's Secret, the version its reconciles confirmed, is deleted without a read", async () => {
  const name = `leaving-${suffix}`;
  await settledUser(name);
  const from = new Date().toISOString();
  await users.delete(name);
  await users.waitGone(name);
  const secretRequests = auditEntries().filter(
    (entry) =>
      entry.username === auditedUser(account) &&
      entry.resource === 'secrets' &&
      entry.name === name &&
      entry.received >= from,
  );
  assert.deepEqual(
    secretRequests.map((entry) => `${entry.verb} ${entry.code}`),
    ['delete 200'],
  );
  assert.equal(await observer.hasScramCredential(name), false);
});

test("a restarted operator takes its users' Secrets from one list of the namespace, reads none by itself, and writes nothing", async () => {
  const names = [`restart-a-${suffix}`, `restart-b-${suffix}`, `restart-c-${suffix}`];
  const credentials = await Promise.all(names.map((name) => settledUser(name)));
  await operator.stop();
  const from = new Date().toISOString();
  const restartedAt = Date.now();
  operator = await startAuditedOperator('user-idle-restarted', fixture, account);
  httpPort = await operator.httpPort();
  await Promise.all(names.map((name) => reconcilesAfter(name, restartedAt, 1)));
  const secretRequests = auditEntries().filter(
    (entry) =>
      entry.username === auditedUser(account) &&
      entry.namespace === namespace &&
      entry.resource === 'secrets' &&
      entry.received >= from,
  );
  // The users' Secrets came with the namespace's list: none was read, nor written.
  assert.deepEqual(
    secretRequests.filter((entry) => names.includes(entry.name ?? '')).map((e) => `${e.verb} ${e.name}`),
    [],
  );
  assert.equal(await kafkaWrites(), 0);
  for (const credential of credentials) assert.ok(await scramLogsIn(kafka.bootstrapSasl, credential));
});
