// How topics and users reach a Kafka cluster this operator runs, as Strimzi's entity operator does: only
// when the Kafka's spec.entityOperator asks for the topic (or user) operator, once the cluster is Ready,
// on the replication listener with the operator's own certificate from the cluster CA (a super user).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Kafka } from '../../api/kafka.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { caCertificateKey, caSecretNames } from '../certificates/ca-secrets.ts';
import { operatorCertificateKeys, operatorCertificateSecretName } from '../cluster/operator-certificate.ts';
import { type ClusterAccess, replicationAccess } from '../cluster/partition-replica-check.ts';

export type SecretReader = (namespace: string, name: string) => Promise<Record<string, string>>;

// The part of spec.entityOperator a resource needs: users need the user operator, topics the topic operator.
function entityOperatorPart(resource: KubernetesObject): 'topicOperator' | 'userOperator' {
  return resource.kind === 'KafkaUser' ? 'userOperator' : 'topicOperator';
}

function describe(resource: KubernetesObject): string {
  return `${resource.kind ?? 'resource'} ${resource.metadata?.namespace}/${resource.metadata?.name}`;
}

export function isKafkaReady(kafka: Kafka): boolean {
  return (kafka.status?.conditions ?? []).some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );
}

// Refuses a resource whose Kafka runs no operator for it, or is not Ready yet.
export function checkManagedCluster(kafka: Kafka, resource: KubernetesObject): void {
  const cluster = `Kafka ${kafka.metadata.namespace}/${kafka.metadata.name}`;
  const part = entityOperatorPart(resource);
  if (!kafka.spec.entityOperator?.[part]) {
    throw new ReconcileFailure(
      'EntityOperatorNotEnabled',
      `${describe(resource)} belongs to ${cluster}, which runs no ${part === 'topicOperator' ? 'topic' : 'user'} ` +
        `operator: set spec.entityOperator.${part} (an empty {} is enough) on the Kafka`,
    );
  }
  if (!isKafkaReady(kafka)) {
    const notReady = kafka.status?.conditions?.find((condition) => condition.type === 'NotReady');
    const why = notReady ? ` (${notReady.reason}: ${notReady.message})` : '';
    throw new ReconcileFailure(
      'KafkaClusterNotReady',
      `${describe(resource)} waits for ${cluster} to be Ready${why}; it is retried until it is`,
    );
  }
}

// The operator's certificate and the cluster CA, read from the Secrets the cluster operator keeps.
export async function managedClusterAccess(kafka: Kafka, readSecret: SecretReader): Promise<ClusterAccess> {
  const namespace = kafka.metadata.namespace ?? 'default';
  const name = kafka.metadata.name ?? '';
  const read = async (secret: string, keys: string[]): Promise<Record<string, string>> => {
    const data = await readSecret(namespace, secret).catch((error: unknown) => {
      throw new ReconcileFailure(
        'KafkaCredentialsNotFound',
        `cannot read Secret ${namespace}/${secret} of Kafka ${namespace}/${name}: ` +
          `${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    });
    const missing = keys.filter((key) => !data[key]);
    if (missing.length > 0) {
      throw new ReconcileFailure(
        'KafkaCredentialsNotFound',
        `Secret ${namespace}/${secret} of Kafka ${namespace}/${name} lacks ${missing.join(', ')}; ` +
          'the cluster operator writes it while reconciling the Kafka',
      );
    }
    return data;
  };
  const { certificate: certificateKey, privateKey } = operatorCertificateKeys;
  const operator = await read(operatorCertificateSecretName(name), [certificateKey, privateKey]);
  const ca = await read(caSecretNames(name, 'cluster').certSecretName, [caCertificateKey]);
  return replicationAccess(
    { name, namespace },
    { certificatePem: ca[caCertificateKey] ?? '' },
    { certificatePem: operator[certificateKey] ?? '', privateKeyPem: operator[privateKey] ?? '' },
  );
}
