// Real services: kube-apiserver with etcd. The CA Secrets of a cluster as the operator keeps them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Secret } from '@kubernetes/client-node';
import { caSecretNames } from '../../src/actors/certificates/ca-secrets.ts';
import {
  type CaSettings,
  caSettingsFrom,
  ensureCertificateAuthority,
} from '../../src/actors/certificates/certificate-authority.ts';
import { isSignedBy, issueCertificate, readCertificate } from '../../src/actors/certificates/certificates.ts';
import { PooledKubeConfig } from '../../src/actors/kubernetes/pooled-kube-config.ts';
import { ReconcileFailure } from '../../src/machines/reconcile-failure.ts';
import { kubernetesEnvironment } from '../support/environment.ts';

const { kubeconfig } = kubernetesEnvironment();
const kc = new PooledKubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const namespace = `certificate-authority-${randomUUID().slice(0, 8)}`;
const generated: CaSettings = caSettingsFrom(undefined);
const dayMs = 24 * 60 * 60 * 1000;

before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

after(async () => {
  await core.deleteNamespace({ name: namespace });
  await kc.closePools();
});

async function readPair(clusterName: string, role: 'cluster' | 'clients'): Promise<[V1Secret, V1Secret]> {
  const names = caSecretNames(clusterName, role);
  return Promise.all([
    core.readNamespacedSecret({ namespace, name: names.certSecretName }),
    core.readNamespacedSecret({ namespace, name: names.keySecretName }),
  ]);
}

const decode = (secret: V1Secret, key: string) =>
  Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');

test('a missing CA is created once in both Secrets, and the next reconcile reuses it without writing', async () => {
  const clusterName = 'created';
  // A real owner: the garbage collector removes Secrets whose owner does not exist.
  const ownerObject = await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: clusterName } },
  });
  const owner = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: clusterName,
    uid: ownerObject.metadata?.uid ?? '',
  };
  const first = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'cluster',
    settings: generated,
    owner,
  });
  assert.equal(first.certGeneration, 0);
  const facts = readCertificate(first.ca.certificatePem);
  assert.equal(facts.commonName, 'cluster-ca v0');
  assert.equal(facts.isCertificateAuthority, true);
  const [certSecret, keySecret] = await readPair(clusterName, 'cluster');
  assert.equal(decode(certSecret, 'ca.crt'), first.ca.certificatePem);
  assert.equal(decode(keySecret, 'ca.key'), first.ca.privateKeyPem);
  assert.ok(decode(certSecret, 'ca.password').length >= 12);
  assert.ok(certSecret.data?.['ca.p12']);
  assert.equal(certSecret.metadata?.ownerReferences?.[0]?.uid, owner.uid);
  assert.equal(certSecret.metadata?.labels?.['strimzi.io/cluster'], clusterName);

  const second = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'cluster',
    settings: generated,
  });
  assert.deepEqual(second, first);
  const [certAfter, keyAfter] = await readPair(clusterName, 'cluster');
  assert.equal(certAfter.metadata?.resourceVersion, certSecret.metadata?.resourceVersion);
  assert.equal(keyAfter.metadata?.resourceVersion, keySecret.metadata?.resourceVersion);
});

test('the cluster CA and the clients CA of one cluster are different CAs', async () => {
  const clusterName = 'two-roles';
  const [clusterCa, clientsCa] = await Promise.all([
    ensureCertificateAuthority(core, { namespace, clusterName, role: 'cluster', settings: generated }),
    ensureCertificateAuthority(core, { namespace, clusterName, role: 'clients', settings: generated }),
  ]);
  assert.equal(readCertificate(clientsCa.ca.certificatePem).commonName, 'clients-ca v0');
  assert.notEqual(clusterCa.ca.privateKeyPem, clientsCa.ca.privateKeyPem);
  await readPair(clusterName, 'clients');
});

test('actors racing to create the same CA all end up with the one CA stored', async () => {
  const clusterName = 'raced';
  const results = await Promise.all(
    Array.from({ length: 4 }, () =>
      ensureCertificateAuthority(core, { namespace, clusterName, role: 'clients', settings: generated }),
    ),
  );
  const [certSecret, keySecret] = await readPair(clusterName, 'clients');
  for (const result of results) {
    assert.equal(result.ca.certificatePem, decode(certSecret, 'ca.crt'));
    assert.equal(result.ca.privateKeyPem, decode(keySecret, 'ca.key'));
  }
});

test('inside the renewal window the certificate is renewed for the same key and its generation goes up', async () => {
  const clusterName = 'renewed';
  const settings = { generateCertificateAuthority: true, validityDays: 365, renewalDays: 30 };
  const first = await ensureCertificateAuthority(core, { namespace, clusterName, role: 'cluster', settings });
  const leaf = await issueCertificate(first.ca, { commonName: 'broker', validityDays: 30 });
  const [certBefore] = await readPair(clusterName, 'cluster');

  const notAfter = readCertificate(first.ca.certificatePem).notAfter;
  const insideWindow = new Date(notAfter.getTime() - 29 * dayMs);
  const renewed = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'cluster',
    settings,
    now: insideWindow,
  });
  assert.equal(renewed.certGeneration, 1);
  assert.notEqual(renewed.ca.certificatePem, first.ca.certificatePem);
  assert.equal(renewed.ca.privateKeyPem, first.ca.privateKeyPem);
  assert.ok(
    isSignedBy(leaf.certificatePem, renewed.ca.certificatePem),
    'what the old certificate signed still verifies',
  );
  const [certAfter, keyAfter] = await readPair(clusterName, 'cluster');
  assert.equal(decode(certAfter, 'ca.crt'), renewed.ca.certificatePem);
  assert.equal(certAfter.metadata?.annotations?.['strimzi.io/ca-cert-generation'], '1');
  assert.equal(keyAfter.metadata?.annotations?.['strimzi.io/ca-key-generation'], '0');
  assert.equal(decode(certAfter, 'ca.password'), decode(certBefore, 'ca.password'));
});

// An intermediate CA signed by the user's root, given as Strimzi asks: the CA first, then the root.
function makeUserCaChain(directory: string): { certificatePem: string; privateKeyPem: string } {
  const path = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore', cwd: directory });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '20',
    '-subj',
    '/CN=my root',
    '-keyout',
    'root.key',
    '-out',
    'root.crt',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/O=Example/CN=my own CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.csr',
  );
  writeFileSync(path('ca.ext'), 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'ca.csr',
    '-CA',
    'root.crt',
    '-CAkey',
    'root.key',
    '-CAcreateserial',
    '-days',
    '20',
    '-extfile',
    'ca.ext',
    '-out',
    'ca-only.crt',
  );
  return {
    certificatePem: readFileSync(path('ca-only.crt'), 'utf8') + readFileSync(path('root.crt'), 'utf8'),
    privateKeyPem: readFileSync(path('ca.key'), 'utf8'),
  };
}

test('a CA the user provides, here an intermediate with its root, is used as it is, even inside its renewal window', async () => {
  const clusterName = 'own-ca';
  const directory = mkdtempSync(join(tmpdir(), 'own-ca-'));
  try {
    const { certificatePem, privateKeyPem } = makeUserCaChain(directory);
    const names = caSecretNames(clusterName, 'clients');
    const labels = { 'strimzi.io/cluster': clusterName, 'strimzi.io/kind': 'Kafka' };
    const certSecret = await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: names.certSecretName, labels },
        data: { 'ca.crt': Buffer.from(certificatePem).toString('base64') },
      },
    });
    const keySecret = await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: names.keySecretName, labels },
        data: { 'ca.key': Buffer.from(privateKeyPem).toString('base64') },
      },
    });

    const result = await ensureCertificateAuthority(core, {
      namespace,
      clusterName,
      role: 'clients',
      settings: { generateCertificateAuthority: false, validityDays: 365, renewalDays: 30 },
    });
    assert.deepEqual(result, { ca: { certificatePem, privateKeyPem }, certGeneration: 0, keyGeneration: 0 });
    const [certAfter, keyAfter] = await readPair(clusterName, 'clients');
    assert.equal(certAfter.metadata?.resourceVersion, certSecret.metadata?.resourceVersion);
    assert.equal(keyAfter.metadata?.resourceVersion, keySecret.metadata?.resourceVersion);

    const user = await issueCertificate(result.ca, { commonName: 'my-user', validityDays: 10 });
    execFileSync(
      'openssl',
      ['verify', '-CAfile', join(directory, 'root.crt'), '-untrusted', join(directory, 'ca-only.crt')],
      {
        input: user.certificatePem,
      },
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('without generation, a missing CA is a retryable failure that names what to create, and nothing is created', async () => {
  const clusterName = 'no-ca';
  const failure = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'cluster',
    settings: { generateCertificateAuthority: false, validityDays: 365, renewalDays: 30 },
  }).then(
    () => assert.fail('expected a failure'),
    (error: unknown) => error,
  );
  assert.ok(failure instanceof ReconcileFailure, String(failure));
  assert.equal(failure.reason, 'CertificateAuthorityNotFound');
  assert.equal(failure.retryable, true);
  assert.match(failure.message, new RegExp(`Kafka ${namespace}/no-ca`));
  assert.match(failure.message, /spec\.clusterCa\.generateCertificateAuthority is false/);
  assert.match(failure.message, /Secret no-ca-cluster-ca-cert with ca\.crt/);
  assert.match(failure.message, /Secret no-ca-cluster-ca with ca\.key/);
  const secrets = await core.listNamespacedSecret({ namespace, labelSelector: 'strimzi.io/cluster=no-ca' });
  assert.equal(secrets.items.length, 0);
});

test('a force-renew annotation on the certificate Secret renews the certificate once and is removed', async () => {
  const clusterName = 'forced';
  const first = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'clients',
    settings: generated,
  });
  const names = caSecretNames(clusterName, 'clients');
  await core.patchNamespacedSecret(
    {
      namespace,
      name: names.certSecretName,
      body: { metadata: { annotations: { 'strimzi.io/force-renew': 'true' } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const renewed = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'clients',
    settings: generated,
  });
  assert.equal(renewed.certGeneration, first.certGeneration + 1);
  assert.equal(renewed.ca.privateKeyPem, first.ca.privateKeyPem);
  const [certSecret] = await readPair(clusterName, 'clients');
  assert.equal(certSecret.metadata?.annotations?.['strimzi.io/force-renew'], undefined);
  const again = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'clients',
    settings: generated,
  });
  assert.equal(again.certGeneration, renewed.certGeneration);
});

test('a lost certificate Secret is made again from the stored key', async () => {
  const clusterName = 'lost-cert';
  const first = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'cluster',
    settings: generated,
  });
  await core.deleteNamespacedSecret({
    namespace,
    name: caSecretNames(clusterName, 'cluster').certSecretName,
  });
  const remade = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'cluster',
    settings: generated,
  });
  assert.equal(remade.ca.privateKeyPem, first.ca.privateKeyPem);
  const leaf = await issueCertificate(first.ca, { commonName: 'broker', validityDays: 30 });
  assert.ok(isSignedBy(leaf.certificatePem, remade.ca.certificatePem));
});

test('a key that does not match the certificate is a failure naming both Secrets', async () => {
  const clusterName = 'mismatched';
  await ensureCertificateAuthority(core, { namespace, clusterName, role: 'cluster', settings: generated });
  const other = await ensureCertificateAuthority(core, {
    namespace,
    clusterName: 'mismatched-other',
    role: 'cluster',
    settings: generated,
  });
  await core.patchNamespacedSecret(
    {
      namespace,
      name: caSecretNames(clusterName, 'cluster').keySecretName,
      body: { data: { 'ca.key': Buffer.from(other.ca.privateKeyPem).toString('base64') } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await assert.rejects(
    ensureCertificateAuthority(core, { namespace, clusterName, role: 'cluster', settings: generated }),
    (error: unknown) =>
      error instanceof ReconcileFailure &&
      error.reason === 'InvalidCertificateAuthority' &&
      /ca\.key in Secret mismatched-cluster-ca is not the private key of ca\.crt in Secret mismatched-cluster-ca-cert/.test(
        error.message,
      ),
  );
});

test('a renewal window as long as the validity is refused before anything is written', async () => {
  await assert.rejects(
    ensureCertificateAuthority(core, {
      namespace,
      clusterName: 'bad-settings',
      role: 'clients',
      settings: { generateCertificateAuthority: true, validityDays: 30, renewalDays: 30 },
    }),
    (error: unknown) =>
      error instanceof ReconcileFailure &&
      error.reason === 'InvalidCertificateAuthoritySettings' &&
      !error.retryable &&
      /spec\.clientsCa\.renewalDays \(30\) must be less than validityDays \(30\)/.test(error.message),
  );
  const secrets = await core.listNamespacedSecret({
    namespace,
    labelSelector: 'strimzi.io/cluster=bad-settings',
  });
  assert.equal(secrets.items.length, 0);
});

test("CA Secrets made without an owner get the Kafka's owner reference once it is known", async () => {
  const clusterName = 'adopted';
  const first = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'clients',
    settings: generated,
  });
  const ownerObject = await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: clusterName } },
  });
  const owner = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: clusterName,
    uid: ownerObject.metadata?.uid ?? '',
  };
  const adopted = await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'clients',
    settings: generated,
    owner,
  });
  assert.deepEqual(adopted, first);
  const [certSecret, keySecret] = await readPair(clusterName, 'clients');
  for (const secret of [certSecret, keySecret]) {
    assert.deepEqual(
      secret.metadata?.ownerReferences?.map((reference) => reference.uid),
      [owner.uid],
    );
  }
  await ensureCertificateAuthority(core, {
    namespace,
    clusterName,
    role: 'clients',
    settings: generated,
    owner,
  });
  const [certAgain] = await readPair(clusterName, 'clients');
  assert.equal(certAgain.metadata?.resourceVersion, certSecret.metadata?.resourceVersion);
});
