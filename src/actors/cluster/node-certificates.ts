// Certificates the cluster CA signs for the cluster's parts: each node's server certificate and the
// operator's own. An existing certificate is kept while it is signed by the current CA, outside its
// renewal window and covers every name it must: a new node certificate rolls the node, so it is
// issued only when one of those changes.
import { X509Certificate } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import {
  type CertificateRequest,
  isSignedBy,
  issueCertificate,
  type KeyAndCertificate,
  needsRenewal,
  readCertificate,
} from '../certificates/certificates.ts';
import type { ClusterModel } from './cluster-model.ts';
import { nodeCertificateKeys, nodeCertificateNames } from './desired-objects/node-certificates.ts';

// The organization of every certificate of a cluster's parts: the brokers' and the operator's principals
// (CN=<name>,O=io.strimzi) are the super users the broker configuration names.
export const strimziOrganization = 'io.strimzi';

export interface CertificateSettings {
  validityDays: number;
  renewalDays: number;
}

// The certificate and key a Secret holds under these keys, when it holds both.
export function certificateIn(
  secret: V1Secret | undefined,
  keys: { certificate: string; privateKey: string },
): KeyAndCertificate | undefined {
  const certificate = secret?.data?.[keys.certificate];
  const privateKey = secret?.data?.[keys.privateKey];
  if (!certificate || !privateKey) return undefined;
  return {
    certificatePem: Buffer.from(certificate, 'base64').toString('utf8'),
    privateKeyPem: Buffer.from(privateKey, 'base64').toString('utf8'),
  };
}

// What a part's certificate must say; the organization is always Strimzi's.
type CertificateRequestOfPart = Omit<CertificateRequest, 'validityDays' | 'organization'>;

function stillGood(
  certificate: KeyAndCertificate,
  request: CertificateRequestOfPart,
  ca: KeyAndCertificate,
  settings: CertificateSettings,
  now: Date,
): boolean {
  if (!isSignedBy(certificate.certificatePem, ca.certificatePem)) return false;
  if (needsRenewal(certificate.certificatePem, settings.renewalDays, now)) return false;
  const facts = readCertificate(certificate.certificatePem);
  return (
    facts.commonName === request.commonName &&
    new X509Certificate(certificate.certificatePem).subject
      .split('\n')
      .includes(`O=${strimziOrganization}`) &&
    (request.dnsNames ?? []).every((name) => facts.dnsNames.includes(name)) &&
    (request.ipAddresses ?? []).every((address) => facts.ipAddresses.includes(address))
  );
}

export async function keepOrIssue(
  existing: KeyAndCertificate | undefined,
  request: CertificateRequestOfPart,
  ca: KeyAndCertificate,
  settings: CertificateSettings,
  now = new Date(),
): Promise<KeyAndCertificate> {
  if (existing && stillGood(existing, request, ca, settings, now)) return existing;
  return issueCertificate(ca, {
    ...request,
    organization: strimziOrganization,
    validityDays: settings.validityDays,
  });
}

// The certificate of every node of the model, by node id: kept or newly issued.
export async function ensureNodeCertificates(
  model: ClusterModel,
  ca: KeyAndCertificate,
  secrets: readonly V1Secret[],
  settings: CertificateSettings,
  now = new Date(),
): Promise<Map<number, KeyAndCertificate>> {
  const certificates = new Map<number, KeyAndCertificate>();
  for (const node of model.nodes) {
    const secret = secrets.find((candidate) => candidate.metadata?.name === node.podName);
    const existing = certificateIn(secret, nodeCertificateKeys(node));
    certificates.set(
      node.id,
      await keepOrIssue(existing, nodeCertificateNames(model, node), ca, settings, now),
    );
  }
  return certificates;
}
