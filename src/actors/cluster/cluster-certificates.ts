// The certificates a cluster runs with: the cluster and clients CAs (in Strimzi's Secrets, by the
// certificates module), the operator's own certificate, and the CA generations the pods carry so that
// a new CA rolls them. The nodes' certificates follow once the model is final (node-certificates.ts).
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import type { Kafka } from '../../api/kafka.ts';
import { caKeyGenerationAnnotation } from '../../api/labels.ts';
import type { ClusterModel } from '../../machines/cluster-model.ts';
import { caSecretNames, generation } from '../certificates/ca-secrets.ts';
import {
  type CaRole,
  caSettingsFrom,
  ensureCertificateAuthority,
} from '../certificates/certificate-authority.ts';
import type { KeyAndCertificate } from '../certificates/certificates.ts';
import { type KubernetesObjects, secretType } from '../kubernetes/kubernetes-objects.ts';
import type { CaGenerations } from './desired-objects/node-pod.ts';
import { kafkaOwnerReference } from './desired-objects/object-metadata.ts';
import type { CertificateSettings } from './node-certificates.ts';
import { ensureOperatorCertificate } from './operator-certificate.ts';

export interface ClusterAuthorities {
  clusterCa: KeyAndCertificate;
  caGenerations: CaGenerations;
  // How long the certificates the cluster CA signs are valid (spec.clusterCa).
  settings: CertificateSettings;
  operatorCertificate: KeyAndCertificate;
}

const caRoles: CaRole[] = ['cluster', 'clients'];

// The CA Secrets, which no desired-object builder makes: pruning keeps them by these ids.
export function caSecretIds(cluster: string): string[] {
  return caRoles.flatMap((role) => {
    const names = caSecretNames(cluster, role);
    return [`Secret/${names.certSecretName}`, `Secret/${names.keySecretName}`];
  });
}

export async function ensureClusterAuthorities(
  core: CoreV1Api,
  api: KubernetesObjects,
  kafka: Kafka,
  model: ClusterModel,
  secrets: readonly V1Secret[],
): Promise<ClusterAuthorities> {
  const options = (role: CaRole, spec: Kafka['spec']['clusterCa']) => ({
    namespace: model.namespace,
    clusterName: model.name,
    role,
    settings: caSettingsFrom(spec),
    ...(spec?.generateSecretOwnerReference !== false && { owner: kafkaOwnerReference(model) }),
  });
  const [cluster, clients] = await Promise.all([
    ensureCertificateAuthority(core, options('cluster', kafka.spec.clusterCa)),
    ensureCertificateAuthority(core, options('clients', kafka.spec.clientsCa)),
  ]);
  const clusterCaKey = await api.get<V1Secret>(
    secretType,
    model.namespace,
    caSecretNames(model.name, 'cluster').keySecretName,
  );
  const settings = caSettingsFrom(kafka.spec.clusterCa);
  return {
    clusterCa: cluster.ca,
    caGenerations: {
      clusterCaCert: cluster.certGeneration,
      clusterCaKey: generation(clusterCaKey, caKeyGenerationAnnotation),
      clientsCaCert: clients.certGeneration,
    },
    settings,
    operatorCertificate: await ensureOperatorCertificate(model, cluster.ca, secrets, settings),
  };
}
