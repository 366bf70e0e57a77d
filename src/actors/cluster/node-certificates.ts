// Each node's server certificate, signed by the cluster CA. An existing certificate is kept while it
// is signed by the current CA, outside its renewal window and covers every name the node needs: a
// new certificate rolls the node, so it is issued only when one of those changes.
import type { V1Secret } from '@kubernetes/client-node';
import {
  isSignedBy,
  issueCertificate,
  type KeyAndCertificate,
  needsRenewal,
  readCertificate,
} from '../certificates/certificates.ts';
import type { ClusterModel, NodeModel } from './cluster-model.ts';
import {
  type CertificateNames,
  nodeCertificateKeys,
  nodeCertificateNames,
} from './desired-objects/node-certificates.ts';

export interface NodeCertificateSettings {
  validityDays: number;
  renewalDays: number;
}

function existingCertificate(node: NodeModel, secret: V1Secret | undefined): KeyAndCertificate | undefined {
  const keys = nodeCertificateKeys(node);
  const certificate = secret?.data?.[keys.certificate];
  const privateKey = secret?.data?.[keys.privateKey];
  if (!certificate || !privateKey) return undefined;
  return {
    certificatePem: Buffer.from(certificate, 'base64').toString('utf8'),
    privateKeyPem: Buffer.from(privateKey, 'base64').toString('utf8'),
  };
}

function stillGood(
  certificate: KeyAndCertificate,
  names: CertificateNames,
  ca: KeyAndCertificate,
  settings: NodeCertificateSettings,
  now: Date,
): boolean {
  if (!isSignedBy(certificate.certificatePem, ca.certificatePem)) return false;
  if (needsRenewal(certificate.certificatePem, settings.renewalDays, now)) return false;
  const facts = readCertificate(certificate.certificatePem);
  return (
    names.dnsNames.every((name) => facts.dnsNames.includes(name)) &&
    names.ipAddresses.every((address) => facts.ipAddresses.includes(address))
  );
}

// The certificate of every node of the model, by node id: kept or newly issued.
export async function ensureNodeCertificates(
  model: ClusterModel,
  ca: KeyAndCertificate,
  secrets: readonly V1Secret[],
  settings: NodeCertificateSettings,
  now = new Date(),
): Promise<Map<number, KeyAndCertificate>> {
  const certificates = new Map<number, KeyAndCertificate>();
  for (const node of model.nodes) {
    const names = nodeCertificateNames(model, node);
    const secret = secrets.find((candidate) => candidate.metadata?.name === node.podName);
    const existing = existingCertificate(node, secret);
    certificates.set(
      node.id,
      existing && stillGood(existing, names, ca, settings, now)
        ? existing
        : await issueCertificate(ca, { ...names, validityDays: settings.validityDays }),
    );
  }
  return certificates;
}
