// Certificates of a cluster's parts: issued with Strimzi's organization, kept while good, issued again
// when the CA, the names or the subject no longer fit (a new node certificate rolls the node).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import {
  generateCertificateAuthority,
  issueCertificate,
  type KeyAndCertificate,
} from '../../../src/actors/certificates/certificates.ts';
import { keepOrIssue } from '../../../src/actors/cluster/node-certificates.ts';

const settings = { validityDays: 30, renewalDays: 5 };
const request = { commonName: 'my-cluster-kafka', dnsNames: ['my-cluster-kafka-bootstrap.kafka.svc'] };
const ca = await generateCertificateAuthority({ commonName: 'cluster-ca', validityDays: 365 });

const subjectOf = (certificate: KeyAndCertificate) => new X509Certificate(certificate.certificatePem).subject;

test('a certificate is issued with O=io.strimzi, and kept on the next reconcile', async () => {
  const issued = await keepOrIssue(undefined, request, ca, settings);
  assert.match(subjectOf(issued), /CN=my-cluster-kafka/);
  assert.match(subjectOf(issued), /O=io\.strimzi/);
  assert.equal(await keepOrIssue(issued, request, ca, settings), issued);
});

test('a certificate is issued again for a new name, another CA, another subject or inside its renewal window', async () => {
  const issued = await keepOrIssue(undefined, request, ca, settings);
  const moreNames = { ...request, dnsNames: [...request.dnsNames, 'broker-0.example.com'] };
  assert.notEqual(await keepOrIssue(issued, moreNames, ca, settings), issued);
  const otherCa = await generateCertificateAuthority({ commonName: 'other-ca', validityDays: 365 });
  assert.notEqual(await keepOrIssue(issued, request, otherCa, settings), issued);
  const withoutOrganization = await issueCertificate(ca, { ...request, validityDays: 30 });
  assert.notEqual(await keepOrIssue(withoutOrganization, request, ca, settings), withoutOrganization);
  const expiring = await issueCertificate(ca, { ...request, organization: 'io.strimzi', validityDays: 3 });
  assert.notEqual(await keepOrIssue(expiring, request, ca, settings), expiring);
});

test('names to cover as well are taken on by a certificate issued anew, and never make one be issued', async () => {
  const alsoCover = ['192.0.2.1', 'node-1.example.com'];
  const issued = await keepOrIssue(undefined, request, ca, settings, new Date(), alsoCover);
  const names = new X509Certificate(issued.certificatePem).subjectAltName ?? '';
  for (const name of ['my-cluster-kafka-bootstrap.kafka.svc', 'node-1.example.com', '192.0.2.1']) {
    assert.ok(names.includes(name), `${name} in ${names}`);
  }
  const plain = await keepOrIssue(undefined, request, ca, settings);
  assert.equal(await keepOrIssue(plain, request, ca, settings, new Date(), ['192.0.2.9']), plain);
});

test('a stored certificate that does not parse is issued anew, as a missing one is', async () => {
  const issued = await keepOrIssue(undefined, request, ca, settings);
  const cutShort = { ...issued, certificatePem: issued.certificatePem.slice(0, 200) };
  const notPem = { ...issued, certificatePem: 'not a certificate' };
  for (const unreadable of [cutShort, notPem]) {
    const reissued = await keepOrIssue(unreadable, request, ca, settings);
    assert.notEqual(reissued.certificatePem, unreadable.certificatePem);
    assert.match(subjectOf(reissued), /CN=my-cluster-kafka/);
  }
});
