// Real services: kube-apiserver, Kafka (SASL/SCRAM), Redis; the operator as a separate process with no
// periodic resync. The users' Secrets are watched as Strimzi's user operator watches them: a deleted
// Secret is made again, and strimzi.io/force-renew served, within seconds rather than at the next resync.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { UserSecretStore } from '../../src/actors/user/user-secret-store.ts';
import { isReady, kafkaUserClient } from '../support/kafka-users.ts';
import { readMetric } from '../support/metrics.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { holdsThroughout, waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('user-secrets');
const { namespace, core } = fixture;
const users = kafkaUserClient(fixture.custom, core, namespace);
// Kafka's users are shared by every test file: names carry the namespace's random part.
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
let operator: OperatorProcess;
let httpPort: number;

before(async () => {
  operator = startOperatorProcess('user-secrets', { ...fixture.env, RESYNC_INTERVAL_MS: '3600000' });
  httpPort = await operator.httpPort();
});
after(async () => {
  await users.deleteAll();
  await operator.stop();
  await fixture.cleanup();
});

const readyReconciles = () =>
  readMetric(httpPort, 'kao_reconciles_total', { kind: 'KafkaUser', result: 'ready' });

const readyUser = (name: string) =>
  users.waitUntil(name, 'to be Ready', (user) => (isReady(user) ? true : undefined));

test('a new user is reconciled once: the Secret its reconcile writes does not reconcile it again', async () => {
  const name = `once-${suffix}`;
  const before = await readyReconciles();
  await users.create(name, { authentication: { type: 'scram-sha-512' } });
  await readyUser(name);
  await waitFor('its reconcile to be counted', async () =>
    (await readyReconciles()) > before ? true : undefined,
  );
  // The Secret exists before the status says Ready; a reconcile its add enqueued would start once the
  // 200 ms coalescing window passed on this otherwise idle queue: 3 s is over ten times that.
  await holdsThroughout(
    'one reconcile of the user',
    async () => (await readyReconciles()) - before === 1,
    3_000,
  );
});

test("a deleted user's Secret is made again within seconds, with no resync to wait for", async () => {
  const name = `deleted-${suffix}`;
  await users.create(name, { authentication: { type: 'scram-sha-512' } });
  await readyUser(name);
  const old = (await users.secret(name))?.password?.toString();
  assert.ok(old);
  await core.deleteNamespacedSecret({ namespace, name });
  const password = await waitFor(
    'the Secret to be made again',
    async () => {
      const made = (await users.secret(name))?.password?.toString();
      return made && made !== old ? made : undefined;
    },
    20_000,
  );
  assert.notEqual(password, old);
});

test("strimzi.io/force-renew on a TLS user's Secret is served within seconds and then taken off", async () => {
  const name = `renewed-${suffix}`;
  await users.create(name, { authentication: { type: 'tls' } });
  await readyUser(name);
  const before = (await users.secret(name))?.['user.crt']?.toString();
  assert.ok(before);
  await core.patchNamespacedSecret(
    { namespace, name, body: { metadata: { annotations: { 'strimzi.io/force-renew': 'true' } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await waitFor(
    'a new certificate, and the annotation taken off',
    async () => {
      const secret = await core.readNamespacedSecret({ namespace, name });
      const certificate = Buffer.from(secret.data?.['user.crt'] ?? '', 'base64').toString();
      return certificate !== before && !secret.metadata?.annotations?.['strimzi.io/force-renew']
        ? true
        : undefined;
    },
    20_000,
  );
});

test('deleting a Secret as read leaves one made since under the same name, and deletes it as read', async () => {
  const store = new UserSecretStore(fixture.kc);
  const name = `replaced-${suffix}`;
  const make = () =>
    core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: { a: 'b' } } });
  await make();
  const read = await store.read(namespace, name);
  assert.ok(read);
  await core.deleteNamespacedSecret({ namespace, name });
  const replacement = await make();
  await store.delete(read);
  assert.equal((await store.read(namespace, name))?.metadata?.uid, replacement.metadata?.uid);
  await store.delete(replacement);
  await waitFor('the replacement to be gone', async () =>
    (await store.read(namespace, name)) === undefined ? true : undefined,
  );
});
