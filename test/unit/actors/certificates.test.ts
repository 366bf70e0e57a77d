// The certificate authority's crypto, checked by node:crypto and by the tools users have: openssl
// for chains and PKCS#12 stores, Java's keytool for the stores Kafka's clients load.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, createServer } from 'node:tls';
import {
  buildPkcs12,
  generateCertificateAuthority,
  generatePassword,
  isSignedBy,
  issueCertificate,
  type KeyAndCertificate,
  needsRenewal,
  pemCertificates,
  readCertificate,
  renewCertificateAuthority,
} from '../../../src/actors/certificates/certificates.ts';

const dayMs = 24 * 60 * 60 * 1000;

describe('certificates', () => {
  let directory: string;
  let ca: KeyAndCertificate;
  let otherCa: KeyAndCertificate;
  let leaf: KeyAndCertificate;

  const file = (name: string, content: string | Buffer) => {
    const path = join(directory, name);
    writeFileSync(path, content);
    return path;
  };

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'certificates-test-'));
    [ca, otherCa] = await Promise.all([
      generateCertificateAuthority({
        commonName: 'cluster-ca v0',
        organization: 'io.strimzi',
        validityDays: 365,
      }),
      generateCertificateAuthority({
        commonName: 'cluster-ca v0',
        organization: 'io.strimzi',
        validityDays: 365,
      }),
    ]);
    leaf = await issueCertificate(ca, {
      commonName: 'my-cluster-kafka',
      organization: 'io.strimzi',
      dnsNames: ['my-cluster-kafka-bootstrap.ns.svc', '*.my-cluster-kafka-brokers.ns.svc'],
      ipAddresses: ['10.0.0.7', 'fd00::7'],
      validityDays: 30,
    });
  });

  after(() => rmSync(directory, { recursive: true, force: true }));

  test('a CA is self-signed, marked CA:true and allowed to sign certificates', () => {
    const facts = readCertificate(ca.certificatePem);
    assert.equal(facts.commonName, 'cluster-ca v0');
    assert.equal(facts.isCertificateAuthority, true);
    assert.ok(isSignedBy(ca.certificatePem, ca.certificatePem));
    const text = execFileSync(
      'openssl',
      ['x509', '-in', file('ca.crt', ca.certificatePem), '-noout', '-text'],
      {
        encoding: 'utf8',
      },
    );
    assert.match(text, /Subject: O = io.strimzi, CN = cluster-ca v0/);
    assert.match(text, /CA:TRUE/);
    assert.match(text, /Certificate Sign/);
  });

  test('a leaf certificate carries the CN and every DNS name and IP address asked for', () => {
    const facts = readCertificate(leaf.certificatePem);
    assert.equal(facts.commonName, 'my-cluster-kafka');
    assert.deepEqual(facts.dnsNames, [
      'my-cluster-kafka-bootstrap.ns.svc',
      '*.my-cluster-kafka-brokers.ns.svc',
    ]);
    assert.deepEqual(facts.ipAddresses, ['10.0.0.7', 'fd00::7']);
    assert.equal(facts.isCertificateAuthority, false);
    const validDays = (facts.notAfter.getTime() - Date.now()) / dayMs;
    assert.ok(validDays > 29.9 && validDays <= 30, `valid for ${validDays} days`);
  });

  test('a leaf certificate serves both TLS servers and clients', () => {
    const text = execFileSync(
      'openssl',
      ['x509', '-in', file('usage.crt', leaf.certificatePem), '-noout', '-text'],
      {
        encoding: 'utf8',
      },
    );
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    assert.match(text, /CA:FALSE/);
  });

  test('a leaf verifies against its CA, in node:crypto and in openssl, and not against another CA', () => {
    assert.ok(isSignedBy(leaf.certificatePem, ca.certificatePem));
    assert.equal(isSignedBy(leaf.certificatePem, otherCa.certificatePem), false);
    const leafFile = file('leaf.crt', leaf.certificatePem);
    const verified = spawnSync('openssl', [
      'verify',
      '-CAfile',
      file('chain-ca.crt', ca.certificatePem),
      leafFile,
    ]);
    assert.equal(verified.status, 0, verified.stderr.toString());
    const refused = spawnSync('openssl', [
      'verify',
      '-CAfile',
      file('other-ca.crt', otherCa.certificatePem),
      leafFile,
    ]);
    assert.notEqual(refused.status, 0);
  });

  test('a server and a client with certificates from one CA complete a mutual TLS handshake', async () => {
    const server = await issueCertificate(ca, {
      commonName: 'broker-0',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 1,
    });
    const client = await issueCertificate(ca, { commonName: 'my-user', validityDays: 1 });
    const peers: string[] = [];
    const listener = createServer(
      { key: server.privateKeyPem, cert: server.certificatePem, ca: ca.certificatePem, requestCert: true },
      (socket) => {
        peers.push(String(socket.getPeerCertificate().subject?.CN));
        socket.end();
      },
    );
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    try {
      for (const host of ['localhost', '127.0.0.1']) {
        const socket = connect({
          host: '127.0.0.1',
          port,
          ...(host === 'localhost' ? { servername: host } : {}),
          ca: ca.certificatePem,
          key: client.privateKeyPem,
          cert: client.certificatePem,
        });
        await once(socket, 'secureConnect');
        assert.equal(socket.authorized, true, String(socket.authorizationError));
        await once(socket, 'end');
        socket.destroy();
      }
      assert.deepEqual(peers, ['my-user', 'my-user']);
    } finally {
      listener.close();
    }
  });

  test('a renewed CA keeps its key, so what it signed before still verifies', async () => {
    const renewed = await renewCertificateAuthority(ca.privateKeyPem, {
      commonName: 'cluster-ca v0',
      organization: 'io.strimzi',
      validityDays: 365,
    });
    assert.notEqual(renewed.certificatePem, ca.certificatePem);
    assert.ok(isSignedBy(leaf.certificatePem, renewed.certificatePem));
  });

  test('a keystore opens in openssl with its password and not with another', () => {
    const password = generatePassword();
    const p12 = file('user.p12', buildPkcs12({ ...leaf, caCertificatePems: [ca.certificatePem] }, password));
    const opened = spawnSync('openssl', ['pkcs12', '-in', p12, '-passin', `pass:${password}`, '-nodes'], {
      encoding: 'utf8',
    });
    assert.equal(opened.status, 0, opened.stderr);
    assert.match(opened.stdout, /subject=O = io.strimzi, CN = my-cluster-kafka/);
    assert.match(opened.stdout, /BEGIN PRIVATE KEY/);
    const wrong = spawnSync('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:not-the-password', '-nokeys']);
    assert.notEqual(wrong.status, 0);
  });

  test('a keystore uses AES-256 and SHA-256, and Java decrypts its key with the CA chain', () => {
    const password = generatePassword();
    const p12 = file(
      'java-user.p12',
      buildPkcs12({ ...leaf, caCertificatePems: [ca.certificatePem] }, password),
    );
    const info = spawnSync(
      'openssl',
      ['pkcs12', '-in', p12, '-passin', `pass:${password}`, '-info', '-noout'],
      {
        encoding: 'utf8',
      },
    );
    assert.match(info.stderr, /MAC: sha256/);
    assert.match(info.stderr, /PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    // Copying the entry makes Java decrypt the private key, which listing alone does not.
    const copy = join(directory, 'java-copy.p12');
    execFileSync(
      'keytool',
      [
        '-importkeystore',
        '-noprompt',
        '-srckeystore',
        p12,
        '-srcstoretype',
        'PKCS12',
        '-srcstorepass',
        password,
        '-destkeystore',
        copy,
        '-deststoretype',
        'PKCS12',
        '-deststorepass',
        'copy-password',
      ],
      { stdio: 'ignore' },
    );
    const listed = execFileSync(
      'keytool',
      ['-list', '-v', '-keystore', copy, '-storepass', 'copy-password'],
      {
        encoding: 'utf8',
      },
    );
    assert.match(listed, /Alias name: my-cluster-kafka/);
    assert.match(listed, /Entry type: PrivateKeyEntry/);
    assert.match(listed, /Certificate chain length: 2/);
  });

  test('a truststore holds only CA certificates, which Java loads as trusted entries', () => {
    const password = generatePassword();
    const p12 = file(
      'ca.p12',
      buildPkcs12({ caCertificatePems: [ca.certificatePem, otherCa.certificatePem] }, password),
    );
    const certificates = execFileSync(
      'openssl',
      ['pkcs12', '-in', p12, '-passin', `pass:${password}`, '-nokeys'],
      { encoding: 'utf8' },
    );
    assert.equal(certificates.match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.doesNotMatch(certificates, /PRIVATE KEY/);
    const listed = execFileSync(
      'keytool',
      ['-list', '-storetype', 'PKCS12', '-keystore', p12, '-storepass', password],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(listed.match(/trustedCertEntry/g)?.length, 2, listed);
    const wrong = spawnSync('keytool', [
      '-list',
      '-storetype',
      'PKCS12',
      '-keystore',
      p12,
      '-storepass',
      'nope',
    ]);
    assert.notEqual(wrong.status, 0);
  });

  test('a CA chain given as one PEM bundle goes into the stores certificate by certificate', () => {
    const bundle = ca.certificatePem + otherCa.certificatePem;
    assert.deepEqual(pemCertificates(bundle), [ca.certificatePem.trim(), otherCa.certificatePem.trim()]);
    const password = generatePassword();
    const p12 = file('bundle.p12', buildPkcs12({ caCertificatePems: [bundle] }, password));
    const listed = execFileSync(
      'keytool',
      ['-list', '-storetype', 'PKCS12', '-keystore', p12, '-storepass', password],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(listed.match(/trustedCertEntry/g)?.length, 2, listed);
    assert.equal(readCertificate(bundle).commonName, 'cluster-ca v0');
  });

  test('a keystore needs both the certificate and its key', () => {
    assert.throws(
      () => buildPkcs12({ certificatePem: leaf.certificatePem, caCertificatePems: [] }, 'password'),
      /both the certificate and its private key/,
    );
  });

  test('renewal is due from renewalDays before expiry on, and not a moment earlier', () => {
    const { notAfter } = readCertificate(leaf.certificatePem);
    const windowOpens = new Date(notAfter.getTime() - 5 * dayMs);
    assert.equal(needsRenewal(leaf.certificatePem, 5, new Date(windowOpens.getTime() - 1000)), false);
    assert.equal(needsRenewal(leaf.certificatePem, 5, windowOpens), true);
    assert.equal(needsRenewal(leaf.certificatePem, 5, new Date(notAfter.getTime() + dayMs)), true);
    assert.equal(needsRenewal(leaf.certificatePem, 0, new Date()), false);
  });

  test('passwords are alphanumeric, 12 characters unless asked otherwise, and differ', () => {
    assert.match(generatePassword(), /^[A-Za-z0-9]{12}$/);
    assert.match(generatePassword(32), /^[A-Za-z0-9]{32}$/);
    assert.notEqual(generatePassword(32), generatePassword(32));
  });
});
