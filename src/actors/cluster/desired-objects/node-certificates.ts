// The server certificate of each node: the names it must cover (every address the node is reached by)
// and the Secret that holds it, in Strimzi's layout: Secret `<pod>` with `<pod>.crt` and `<pod>.key`.
// Issuing is an effect (the cluster CA signs); these builders are pure.
import { isIP } from 'node:net';
import type { V1Secret } from '@kubernetes/client-node';
import { caCertGenerationAnnotation } from '../../../api/labels.ts';
import type { ClusterModel, NodeModel } from '../../../machines/cluster-model.ts';
import type { KeyAndCertificate } from '../../certificates/certificates.ts';
import {
  bootstrapServiceName,
  brokersServiceName,
  listenerBootstrapServiceName,
  perBrokerServiceName,
} from '../cluster-names.ts';
import { hashStub } from './content-hash.ts';
import { exposedListeners } from './listener-services.ts';
import { isBroker, kafkaComponentName, kafkaOwnerReference, nodeLabels } from './object-metadata.ts';

const clusterDomain = 'cluster.local';

export interface CertificateNames {
  /** Strimzi's subject common name for node certificates: `<cluster>-kafka`. */
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
}

/**
 * The names a node's certificate covers: the bootstrap and brokers services and the node's own DNS name in
 * every form a client may use; for brokers also the services, hosts and advertised hosts of exposed
 * listeners, and `extraAddresses` (e.g. load balancer or Kubernetes node addresses the effect has found).
 * Controller-only nodes get no external names, so that listener changes never roll them.
 */
export function nodeCertificateNames(
  model: ClusterModel,
  node: NodeModel,
  extraAddresses: readonly string[] = [],
): CertificateNames {
  const brokers = brokersServiceName(model.name);
  const names = [
    ...serviceDnsNames(model.namespace, bootstrapServiceName(model.name)),
    ...serviceDnsNames(model.namespace, brokers),
    `${node.podName}.${brokers}.${model.namespace}.svc`,
    `${node.podName}.${brokers}.${model.namespace}.svc.${clusterDomain}`,
  ];
  if (isBroker(node)) {
    for (const listener of exposedListeners(model)) {
      const broker = listener.brokers.find((entry) => entry.nodeId === node.id);
      names.push(
        ...serviceDnsNames(model.namespace, listenerBootstrapServiceName(model.name, listener.name)),
        ...serviceDnsNames(
          model.namespace,
          perBrokerServiceName(model.name, node.pool, listener.name, node.id),
        ),
        ...listener.bootstrap.alternativeNames,
        ...[listener.bootstrap.host, broker?.host, broker?.advertisedHost].filter(
          (host) => host !== undefined,
        ),
      );
    }
    names.push(...extraAddresses);
  }
  return { commonName: kafkaComponentName(model.name), ...subjectAlternativeNames(names) };
}

/** Names as a certificate holds them: DNS names and IP addresses, each once. */
export function subjectAlternativeNames(names: readonly string[]): {
  dnsNames: string[];
  ipAddresses: string[];
} {
  const unique = [...new Set(names)];
  return {
    dnsNames: unique.filter((name) => isIP(name) === 0),
    ipAddresses: unique.filter((name) => isIP(name) !== 0),
  };
}

/** The four names of a service: short, with namespace, .svc and the full cluster domain. */
export function serviceDnsNames(namespace: string, service: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.${clusterDomain}`,
  ];
}

export function nodeCertificateKeys(node: NodeModel): { certificate: string; privateKey: string } {
  return { certificate: `${node.podName}.crt`, privateKey: `${node.podName}.key` };
}

/** strimzi.io/server-cert-hash of the pod: changes exactly when the node's certificate does. */
export function serverCertificateHash(certificate: KeyAndCertificate): string {
  return hashStub(certificate.certificatePem);
}

/** The node's certificate Secret; `caCertGeneration` is the cluster CA certificate generation that signed it. */
export function buildNodeCertificateSecret(
  model: ClusterModel,
  node: NodeModel,
  certificate: KeyAndCertificate,
  caCertGeneration: number,
): V1Secret {
  const keys = nodeCertificateKeys(node);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: node.podName,
      namespace: model.namespace,
      labels: nodeLabels(model, node),
      annotations: { [caCertGenerationAnnotation]: String(caCertGeneration) },
      ownerReferences: [kafkaOwnerReference(model)],
    },
    data: {
      [keys.certificate]: Buffer.from(certificate.certificatePem).toString('base64'),
      [keys.privateKey]: Buffer.from(certificate.privateKeyPem).toString('base64'),
    },
  };
}
