// The operator's own certificate for a cluster it runs, as Strimzi's cluster operator has one: signed
// by the cluster CA with the subject CN=cluster-operator,O=io.strimzi (a super user of the brokers),
// kept in the Secret <cluster>-cluster-operator-certs. With it the operator reaches the cluster's admin
// API on the replication listener.
import type { V1Secret } from '@kubernetes/client-node';
import type { ClusterModel } from '../../machines/cluster-model.ts';
import type { KeyAndCertificate } from '../certificates/certificates.ts';
import { clusterLabels, kafkaOwnerReference } from './desired-objects/object-metadata.ts';
import { type CertificateSettings, certificateIn, keepOrIssue } from './node-certificates.ts';

const commonName = 'cluster-operator';
// The Secret's keys, also read by the topic and user operators to reach the cluster.
export const operatorCertificateKeys = { certificate: `${commonName}.crt`, privateKey: `${commonName}.key` };

export function operatorCertificateSecretName(cluster: string): string {
  return `${cluster}-cluster-operator-certs`;
}

export async function ensureOperatorCertificate(
  model: ClusterModel,
  ca: KeyAndCertificate,
  secrets: readonly V1Secret[],
  settings: CertificateSettings,
): Promise<KeyAndCertificate> {
  const secret = secrets.find(
    (candidate) => candidate.metadata?.name === operatorCertificateSecretName(model.name),
  );
  return keepOrIssue(certificateIn(secret, operatorCertificateKeys), { commonName }, ca, settings);
}

export function buildOperatorCertificateSecret(
  model: ClusterModel,
  certificate: KeyAndCertificate,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: operatorCertificateSecretName(model.name),
      namespace: model.namespace,
      labels: clusterLabels(model),
      ownerReferences: [kafkaOwnerReference(model)],
    },
    data: {
      [operatorCertificateKeys.certificate]: Buffer.from(certificate.certificatePem).toString('base64'),
      [operatorCertificateKeys.privateKey]: Buffer.from(certificate.privateKeyPem).toString('base64'),
    },
  };
}
