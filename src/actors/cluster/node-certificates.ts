// Certificates the cluster CA signs for the cluster's parts: each node's server certificate and the
// operator's own. An existing certificate is kept while it is signed by the current CA, outside its
// renewal window and covers every name it must: a new node certificate rolls the node, so it is
// issued only when one of those changes.
import { X509Certificate } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { ClusterModel } from '../../machines/cluster-model.ts';
import {
  type CertificateRequest,
  isSignedBy,
  issueCertificate,
  type KeyAndCertificate,
  needsRenewal,
  readCertificate,
} from '../certificates/certificates.ts';
import {
  nodeCertificateKeys,
  nodeCertificateNames,
  subjectAlternativeNames,
} from './desired-objects/node-certificates.ts';

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
  let facts: ReturnType<typeof readCertificate>;
  try {
    facts = readCertificate(certificate.certificatePem);
  } catch {
    // Its Secret edited by hand or cut short: of no use, so a new one is issued as for a missing one.
    return false;
  }
  if (!isSignedBy(certificate.certificatePem, ca.certificatePem)) return false;
  if (needsRenewal(certificate.certificatePem, settings.renewalDays, now)) return false;
  return (
    facts.commonName === request.commonName &&
    new X509Certificate(certificate.certificatePem).subject
      .split('\n')
      .includes(`O=${strimziOrganization}`) &&
    (request.dnsNames ?? []).every((name) => facts.dnsNames.includes(name)) &&
    (request.ipAddresses ?? []).every((address) => facts.ipAddresses.includes(address))
  );
}

// `alsoCover` names the certificate takes on when it is issued anew, without requiring them of one kept.
export async function keepOrIssue(
  existing: KeyAndCertificate | undefined,
  request: CertificateRequestOfPart,
  ca: KeyAndCertificate,
  settings: CertificateSettings,
  now = new Date(),
  alsoCover: readonly string[] = [],
): Promise<KeyAndCertificate> {
  if (existing && stillGood(existing, request, ca, settings, now)) return existing;
  return issueCertificate(ca, {
    ...request,
    ...subjectAlternativeNames([...(request.dnsNames ?? []), ...(request.ipAddresses ?? []), ...alsoCover]),
    organization: strimziOrganization,
    validityDays: settings.validityDays,
  });
}

/** The Kubernetes nodes' addresses that brokers behind TLS nodeport listeners are reached by. */
export interface NodePortAddresses {
  /** Each such broker's own node's addresses, which its certificate must name. */
  byBroker: ReadonlyMap<number, readonly string[]>;
  /** Every node's: a certificate issued anew names them all, so that it holds wherever the pod runs next. */
  everyNode: readonly string[];
}

const noNodePortAddresses: NodePortAddresses = { byBroker: new Map(), everyNode: [] };

// The certificate of every node of the model, by node id: kept or newly issued.
export async function ensureNodeCertificates(
  model: ClusterModel,
  ca: KeyAndCertificate,
  secrets: readonly V1Secret[],
  settings: CertificateSettings,
  nodePorts: NodePortAddresses = noNodePortAddresses,
  now = new Date(),
): Promise<Map<number, KeyAndCertificate>> {
  const certificates = new Map<number, KeyAndCertificate>();
  for (const node of model.nodes) {
    const secret = secrets.find((candidate) => candidate.metadata?.name === node.podName);
    const existing = certificateIn(secret, nodeCertificateKeys(node));
    const ownNode = nodePorts.byBroker.get(node.id);
    certificates.set(
      node.id,
      await keepOrIssue(
        existing,
        nodeCertificateNames(model, node, ownNode),
        ca,
        settings,
        now,
        ownNode ? nodePorts.everyNode : [],
      ),
    );
  }
  return certificates;
}
