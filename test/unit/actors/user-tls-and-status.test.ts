import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import {
  generateCertificateAuthority,
  readCertificate,
} from '../../../src/actors/certificates/certificates.ts';
import { buildUserStatus } from '../../../src/actors/user/user-status.ts';
import { buildTlsUserSecret, keptCertificate } from '../../../src/actors/user/user-tls.ts';
import type { KafkaUser } from '../../../src/api/kafka-user.ts';

const settings = { validityDays: 365, renewalDays: 30 };
const now = new Date();
const dayMs = 24 * 60 * 60 * 1000;

function user(authentication: KafkaUser['spec']['authentication'] = { type: 'tls' }): KafkaUser {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: { name: 'alice', namespace: 'shop', uid: 'uid-1', generation: 3 },
    spec: { authentication },
  };
}

const ca = await generateCertificateAuthority({ commonName: 'clients-ca', validityDays: 365 });
const otherCa = await generateCertificateAuthority({ commonName: 'other-ca', validityDays: 365 });
const issued = await buildTlsUserSecret(user(), undefined, ca, settings, now);
const decoded = (secret: V1Secret, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString();

test("a new TLS user gets a certificate with CN=<name>, valid for the default days, in Strimzi's five keys", () => {
  assert.deepEqual(Object.keys(issued.data ?? {}).sort(), [
    'ca.crt',
    'user.crt',
    'user.key',
    'user.p12',
    'user.password',
  ]);
  assert.equal(decoded(issued, 'ca.crt'), ca.certificatePem);
  const facts = readCertificate(decoded(issued, 'user.crt'));
  assert.equal(facts.commonName, 'alice');
  assert.ok(Math.abs(facts.notAfter.getTime() - (now.getTime() + 365 * dayMs)) < dayMs);
  assert.match(decoded(issued, 'user.password'), /^[A-Za-z0-9]{12}$/);
});

test('the certificate and keystore stay while signed by the current CA and outside the renewal window', async () => {
  const again = await buildTlsUserSecret(user(), issued, ca, settings, now);
  assert.deepEqual(again.data, issued.data);
});

test('a new certificate is issued inside the renewal window, under another CA, or when strimzi.io/force-renew is set', () => {
  assert.ok(keptCertificate(user(), issued, ca.certificatePem, settings, now));
  assert.equal(
    keptCertificate(user(), issued, ca.certificatePem, settings, new Date(now.getTime() + 340 * dayMs)),
    undefined,
  );
  assert.equal(keptCertificate(user(), issued, otherCa.certificatePem, settings, now), undefined);
  const forced = { ...issued, metadata: { annotations: { 'strimzi.io/force-renew': 'true' } } };
  assert.equal(keptCertificate(user(), forced, ca.certificatePem, settings, now), undefined);
});

test("the user's own validityDays and renewalDays win over the defaults", async () => {
  const own = user({ type: 'tls', validityDays: 10, renewalDays: 5 });
  const secret = await buildTlsUserSecret(own, undefined, ca, settings, now);
  const notAfter = readCertificate(decoded(secret, 'user.crt')).notAfter.getTime();
  assert.ok(Math.abs(notAfter - (now.getTime() + 10 * dayMs)) < dayMs);
  assert.ok(keptCertificate(own, secret, ca.certificatePem, settings, new Date(now.getTime() + 4 * dayMs)));
  assert.equal(
    keptCertificate(own, secret, ca.certificatePem, settings, new Date(now.getTime() + 6 * dayMs)),
    undefined,
  );
});

test('a ready user shows its username and Secret; a user that no longer has a Secret drops it from status', () => {
  const context = { key: 'shop/alice', consecutiveFailures: 0, reconciledGeneration: 3 };
  const ready = buildUserStatus(
    'ready',
    { ...context, username: 'CN=alice', secretName: 'alice' },
    user(),
    now,
  );
  assert.equal(ready?.username, 'CN=alice');
  assert.equal(ready?.secret, 'alice');
  assert.equal(ready?.observedGeneration, 3);
  assert.deepEqual(
    ready?.conditions?.map((c) => [c.type, c.status]),
    [['Ready', 'True']],
  );
  const withSecret = { ...user({ type: 'tls-external' }), status: { username: 'alice', secret: 'alice' } };
  assert.equal(buildUserStatus('ready', { ...context, username: 'CN=alice' }, withSecret, now)?.secret, null);
  assert.equal(
    buildUserStatus('ready', { ...context, username: 'CN=alice' }, user(), now)?.secret,
    undefined,
  );
});

test('a failed user keeps the last username and Secret and says why in Ready=False', () => {
  const failed = buildUserStatus(
    'failed',
    {
      key: 'shop/alice',
      consecutiveFailures: 1,
      reconciledGeneration: 4,
      lastError: { reason: 'SecretNotFound', message: 'no Secret', retryable: true },
    },
    { ...user(), status: { username: 'alice', secret: 'alice' } },
    now,
  );
  assert.equal(failed?.username, 'alice');
  assert.equal(failed?.secret, 'alice');
  assert.deepEqual(
    failed?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
    [['Ready', 'False', 'SecretNotFound', 'no Secret']],
  );
});

test('an unmanaged user shows Ready=True with reason Unmanaged, and keeps the username and Secret it had', () => {
  const unmanaged = buildUserStatus(
    'unmanaged',
    { key: 'shop/alice', consecutiveFailures: 0, reconciledGeneration: 5 },
    { ...user(), status: { username: 'CN=alice', secret: 'alice' } },
    now,
  );
  assert.equal(unmanaged?.username, 'CN=alice');
  assert.equal(unmanaged?.secret, 'alice');
  assert.equal(unmanaged?.observedGeneration, 5);
  const [ready] = unmanaged?.conditions ?? [];
  assert.deepEqual([ready?.type, ready?.status, ready?.reason], ['Ready', 'True', 'Unmanaged']);
  assert.match(
    ready?.message ?? '',
    /strimzi\.io\/managed is "false".*keeps the Kafka user when this resource is deleted/,
  );
});
