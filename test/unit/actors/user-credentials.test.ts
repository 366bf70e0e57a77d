import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import type { KafkaAdmin } from '../../../src/actors/kafka/kafka-admin.ts';
import {
  appliedPasswordAnnotation,
  appliedPasswordHash,
  desiredPassword,
  ensureScramCredential,
  userSecretConfirmation,
} from '../../../src/actors/user/user-scram.ts';
import { buildUserSecret, scramSecretData, secretDiffers } from '../../../src/actors/user/user-secret.ts';
import type { KafkaUser, KafkaUserSpec } from '../../../src/api/kafka-user.ts';
import type { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';

function user(spec: KafkaUserSpec = { authentication: { type: 'scram-sha-512' } }): KafkaUser {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: {
      name: 'alice',
      namespace: 'shop',
      uid: 'uid-1',
      labels: { 'strimzi.io/cluster': 'my-cluster', team: 'web', 'app.kubernetes.io/name': 'checkout' },
    },
    spec,
  };
}

const decoded = (secret: V1Secret, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString();

test("a SCRAM user's Secret has Strimzi's keys, labels and owner", () => {
  const secret = buildUserSecret(
    user({
      authentication: { type: 'scram-sha-512' },
      template: { secret: { metadata: { labels: { extra: 'x' } } } },
    }),
    scramSecretData('alice', 'pw-123'),
  );
  assert.equal(decoded(secret, 'password'), 'pw-123');
  assert.equal(
    decoded(secret, 'sasl.jaas.config'),
    'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="pw-123";',
  );
  assert.deepEqual(secret.metadata?.labels, {
    'strimzi.io/cluster': 'my-cluster',
    team: 'web',
    'strimzi.io/kind': 'KafkaUser',
    'app.kubernetes.io/name': 'strimzi-user-operator',
    'app.kubernetes.io/instance': 'alice',
    'app.kubernetes.io/part-of': 'strimzi-alice',
    'app.kubernetes.io/managed-by': 'strimzi-user-operator',
    extra: 'x',
  });
  assert.deepEqual(secret.metadata?.ownerReferences, [
    {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaUser',
      name: 'alice',
      uid: 'uid-1',
      blockOwnerDeletion: true,
      controller: false,
    },
  ]);
  assert.equal(secret.type, 'Opaque');
  assert.equal(secretDiffers(secret, structuredClone(secret)), false);
  assert.equal(secretDiffers(buildUserSecret(user(), scramSecretData('alice', 'other')), secret), true);
});

const stored = (data: Record<string, string>, annotations: Record<string, string> = {}): V1Secret => ({
  metadata: { annotations },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

test("the password is kept from the user's Secret, generated with 32 characters when there is none, or read from the Secret the spec names", async () => {
  const none = async () => undefined;
  assert.equal(await desiredPassword(user(), stored({ password: 'kept' }), none), 'kept');
  assert.match(await desiredPassword(user(), undefined, none), /^[A-Za-z0-9]{32}$/);
  const named = user({
    authentication: {
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: 'src', key: 'pw' } } },
    },
  });
  const reads: string[] = [];
  const readSecret = async (namespace: string, name: string) => {
    reads.push(`${namespace}/${name}`);
    return stored({ pw: 'chosen' });
  };
  assert.equal(await desiredPassword(named, stored({ password: 'kept' }), readSecret), 'chosen');
  assert.deepEqual(reads, ['shop/src']);
});

test('a password Secret that does not exist, or lacks the key, is refused with a reason', async () => {
  const named = user({
    authentication: {
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: 'src', key: 'pw' } } },
    },
  });
  await assert.rejects(
    desiredPassword(named, undefined, async () => undefined),
    (error: ReconcileFailure) => {
      assert.equal(error.reason, 'SecretNotFound');
      assert.match(
        error.message,
        /KafkaUser shop\/alice: Secret shop\/src with the password .* does not exist/,
      );
      return true;
    },
  );
  await assert.rejects(
    desiredPassword(named, undefined, async () => stored({ other: 'x' })),
    {
      reason: 'InvalidResource',
    },
  );
});

function fakeAdmin(hasCredential: boolean) {
  const writes: string[] = [];
  const admin = {
    hasScramCredential: async () => hasCredential,
    upsertScramCredential: async (name: string) => {
      writes.push(`upsert ${name}`);
    },
  } as unknown as KafkaAdmin;
  return { admin, writes };
}

test('the credential is set once per password: an idle reconcile writes nothing to Kafka, a new password or a lost credential is set again', async () => {
  const alice = user();
  const applied = stored(
    { password: 'pw' },
    { [appliedPasswordAnnotation]: appliedPasswordHash(alice, 'pw') },
  );
  const idle = fakeAdmin(true);
  assert.equal(
    await ensureScramCredential(idle.admin, alice, 'alice', 'pw', applied),
    appliedPasswordHash(alice, 'pw'),
  );
  assert.deepEqual(idle.writes, []);

  const changed = fakeAdmin(true);
  await ensureScramCredential(changed.admin, alice, 'alice', 'new-pw', applied);
  assert.deepEqual(changed.writes, ['upsert alice']);

  const lost = fakeAdmin(false);
  await ensureScramCredential(lost.admin, alice, 'alice', 'pw', applied);
  assert.deepEqual(lost.writes, ['upsert alice']);
});

test('the recorded hash differs between users with the same password', () => {
  const other = user();
  other.metadata.uid = 'uid-2';
  const hash = appliedPasswordHash(user(), 'pw');
  assert.notEqual(hash, appliedPasswordHash(other, 'pw'));
});

test("a SCRAM user's Secret confirmation changes with the Secret's version and with what the Secret is built from", () => {
  const scram = user();
  const confirmed = userSecretConfirmation(scram, '41');
  assert.ok(confirmed);
  assert.equal(userSecretConfirmation(user(), '41'), confirmed);
  assert.notEqual(userSecretConfirmation(scram, '42'), confirmed);
  const relabelled = user();
  relabelled.metadata.labels = { ...relabelled.metadata.labels, team: 'ops' };
  assert.notEqual(userSecretConfirmation(relabelled, '41'), confirmed);
  const recreated = user();
  recreated.metadata.uid = 'uid-2';
  assert.notEqual(userSecretConfirmation(recreated, '41'), confirmed);
  const annotated = user({
    authentication: { type: 'scram-sha-512' },
    template: { secret: { metadata: { annotations: { note: 'x' } } } },
  });
  assert.notEqual(userSecretConfirmation(annotated, '41'), confirmed);
});

test('no confirmation for a Secret that is always read: TLS, a password from another Secret, or no version', () => {
  assert.equal(userSecretConfirmation(user({ authentication: { type: 'tls' } }), '41'), undefined);
  const named = user({
    authentication: {
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: 'passwords', key: 'alice' } } },
    },
  });
  assert.equal(userSecretConfirmation(named, '41'), undefined);
  assert.equal(userSecretConfirmation(user(), undefined), undefined);
});
