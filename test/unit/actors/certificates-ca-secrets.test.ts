// Strimzi's layout of a cluster's CA Secrets: names, keys, labels and generation annotations.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import {
  buildCaSecrets,
  caSecretNames,
  caSubject,
  missingCaSecretData,
  readCaSecrets,
} from '../../../src/actors/certificates/ca-secrets.ts';
import {
  generateCertificateAuthority,
  type KeyAndCertificate,
} from '../../../src/actors/certificates/certificates.ts';

const owner = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'Kafka',
  name: 'my-cluster',
  uid: 'uid-1',
  blockOwnerDeletion: true,
  controller: false,
};
const decode = (secret: V1Secret, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64');

describe('CA Secrets', () => {
  let ca: KeyAndCertificate;
  let other: KeyAndCertificate;

  before(async () => {
    [ca, other] = await Promise.all([
      generateCertificateAuthority({ ...caSubject('clients', 0), validityDays: 365 }),
      generateCertificateAuthority({ ...caSubject('clients', 0), validityDays: 365 }),
    ]);
  });

  const build = () =>
    buildCaSecrets({
      namespace: 'ns',
      clusterName: 'my-cluster',
      role: 'clients',
      ca,
      certGeneration: 3,
      keyGeneration: 1,
      truststorePassword: 'Password1234',
      owner,
    });

  test('are named <cluster>-<role>-ca-cert and <cluster>-<role>-ca', () => {
    assert.deepEqual(caSecretNames('my-cluster', 'cluster'), {
      certSecretName: 'my-cluster-cluster-ca-cert',
      keySecretName: 'my-cluster-cluster-ca',
    });
    assert.deepEqual(caSecretNames('my-cluster', 'clients'), {
      certSecretName: 'my-cluster-clients-ca-cert',
      keySecretName: 'my-cluster-clients-ca',
    });
  });

  test("the CA subject is Strimzi's: O=io.strimzi, CN=<role>-ca v<key generation>", () => {
    assert.deepEqual(caSubject('cluster', 2), { commonName: 'cluster-ca v2', organization: 'io.strimzi' });
  });

  test('the certificate Secret holds ca.crt, ca.p12 and ca.password; the key Secret only ca.key', () => {
    const { certSecret, keySecret } = build();
    assert.equal(certSecret.metadata?.name, 'my-cluster-clients-ca-cert');
    assert.equal(keySecret.metadata?.name, 'my-cluster-clients-ca');
    assert.deepEqual(Object.keys(certSecret.data ?? {}).sort(), ['ca.crt', 'ca.p12', 'ca.password']);
    assert.deepEqual(Object.keys(keySecret.data ?? {}), ['ca.key']);
    assert.equal(decode(certSecret, 'ca.crt').toString(), ca.certificatePem);
    assert.equal(decode(keySecret, 'ca.key').toString(), ca.privateKeyPem);
    assert.equal(decode(certSecret, 'ca.password').toString(), 'Password1234');
    assert.equal(certSecret.type, 'Opaque');
  });

  test('ca.p12 is a truststore with the CA certificate that opens with ca.password', () => {
    const { certSecret } = build();
    const directory = mkdtempSync(join(tmpdir(), 'ca-secrets-test-'));
    try {
      const p12 = join(directory, 'ca.p12');
      writeFileSync(p12, decode(certSecret, 'ca.p12'));
      const out = execFileSync('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:Password1234', '-nokeys'], {
        encoding: 'utf8',
      });
      assert.match(out, /subject=O = io.strimzi, CN = clients-ca v0/);
      assert.doesNotMatch(out, /PRIVATE KEY/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test("carry Strimzi's labels, the generation annotations and the owner reference", () => {
    const { certSecret, keySecret } = build();
    for (const secret of [certSecret, keySecret]) {
      assert.deepEqual(secret.metadata?.labels, {
        'strimzi.io/cluster': 'my-cluster',
        'strimzi.io/kind': 'Kafka',
        'strimzi.io/name': 'strimzi',
        'strimzi.io/component-type': 'certificate-authority',
        'app.kubernetes.io/name': 'certificate-authority',
        'app.kubernetes.io/instance': 'my-cluster',
        'app.kubernetes.io/part-of': 'strimzi-my-cluster',
        'app.kubernetes.io/managed-by': 'strimzi-cluster-operator',
      });
      assert.equal(secret.metadata?.namespace, 'ns');
      assert.deepEqual(secret.metadata?.ownerReferences, [owner]);
    }
    assert.deepEqual(certSecret.metadata?.annotations, { 'strimzi.io/ca-cert-generation': '3' });
    assert.deepEqual(keySecret.metadata?.annotations, { 'strimzi.io/ca-key-generation': '1' });
  });

  test('label values stay within 63 characters for a long cluster name', () => {
    const clusterName = `${'c'.repeat(54)}-abc`;
    const { certSecret } = buildCaSecrets({
      namespace: 'ns',
      clusterName,
      role: 'cluster',
      ca,
      certGeneration: 0,
      keyGeneration: 0,
      truststorePassword: 'p',
    });
    assert.equal(certSecret.metadata?.labels?.['app.kubernetes.io/part-of'], `strimzi-${'c'.repeat(54)}`);
    assert.equal(certSecret.metadata?.labels?.['strimzi.io/cluster'], clusterName);
  });

  test('have no owner reference unless one is given', () => {
    const { certSecret } = buildCaSecrets({
      namespace: 'ns',
      clusterName: 'c',
      role: 'cluster',
      ca,
      certGeneration: 0,
      keyGeneration: 0,
      truststorePassword: 'p',
    });
    assert.equal(certSecret.metadata?.ownerReferences, undefined);
  });

  test('read back as the same CA and generations', () => {
    const { certSecret, keySecret } = build();
    assert.deepEqual(readCaSecrets(certSecret, keySecret), { ca, certGeneration: 3, keyGeneration: 1 });
  });

  test('a Secret without a generation annotation counts as generation 0, as in Strimzi', () => {
    const { certSecret, keySecret } = build();
    delete certSecret.metadata?.annotations?.['strimzi.io/ca-cert-generation'];
    assert.equal(readCaSecrets(certSecret, keySecret).certGeneration, 0);
  });

  test('reading names the missing Secret or key', () => {
    const { certSecret, keySecret } = build();
    assert.throws(() => readCaSecrets(undefined, keySecret), /ca\.crt/);
    assert.throws(
      () => readCaSecrets(certSecret, { ...keySecret, data: {} }),
      /my-cluster-clients-ca has no ca\.key/,
    );
  });

  test('a key that does not belong to the certificate is refused', () => {
    const { certSecret } = build();
    const foreignKey = {
      ...build().keySecret,
      data: { 'ca.key': Buffer.from(other.privateKeyPem).toString('base64') },
    };
    assert.throws(() => readCaSecrets(certSecret, foreignKey), /is not the private key of ca\.crt/);
  });

  test('a CA with a key other than RSA is refused with the reason', () => {
    const directory = mkdtempSync(join(tmpdir(), 'ec-ca-'));
    try {
      const key = join(directory, 'ca.key');
      const crt = join(directory, 'ca.crt');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '5',
          '-subj',
          '/CN=ec-ca',
          '-keyout',
          key,
          '-out',
          crt,
        ],
        { stdio: 'ignore' },
      );
      const { certSecret, keySecret } = build();
      const data = (path: string) => readFileSync(path).toString('base64');
      assert.throws(
        () =>
          readCaSecrets(
            { ...certSecret, data: { 'ca.crt': data(crt) } },
            { ...keySecret, data: { 'ca.key': data(key) } },
          ),
        /ca\.key in Secret my-cluster-clients-ca is an ec key; the CA key must be RSA/,
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('what is missing is listed in words a user can act on', () => {
    const names = caSecretNames('my-cluster', 'clients');
    const { certSecret, keySecret } = build();
    assert.deepEqual(missingCaSecretData(names, certSecret, keySecret), []);
    assert.deepEqual(missingCaSecretData(names, undefined, undefined), [
      'Secret my-cluster-clients-ca-cert',
      'Secret my-cluster-clients-ca',
    ]);
    assert.deepEqual(missingCaSecretData(names, { ...certSecret, data: {} }, keySecret), [
      'ca.crt in Secret my-cluster-clients-ca-cert',
    ]);
  });
});
