// The Secret of a KafkaUser as Strimzi lays it out, so applications that mount Strimzi's Secrets
// keep working: named as the user, labelled as Strimzi labels it, owned by the KafkaUser.
import type { V1Secret } from '@kubernetes/client-node';
import type { KafkaUser } from '../../api/kafka-user.ts';
import { kindLabel } from '../../api/labels.ts';
import { userNameOf } from './user-principal.ts';

// Strimzi's user operator's name in the app.kubernetes.io labels of the Secrets it makes.
const userOperatorName = 'strimzi-user-operator';

// The KafkaUser's labels the Secret inherits: Strimzi leaves out app.kubernetes.io/* (but part-of).
const excludedLabel = /^app\.kubernetes\.io\/(?!part-of)|^kustomize\.toolkit\.fluxcd\.io/;

export function userSecretName(user: KafkaUser): string {
  return userNameOf(user);
}

// A label value of at most 63 characters that does not end in a separator, as Strimzi trims it.
function labelValue(value: string): string {
  return value.slice(0, 63).replace(/[-._]+$/, '');
}

// The Secrets the user operator makes, and only those, carry this label.
export const userSecretSelector = `${kindLabel}=KafkaUser`;

export function userSecretLabels(user: KafkaUser): Record<string, string> {
  const name = userNameOf(user);
  const inherited = Object.entries(user.metadata?.labels ?? {}).filter(([key]) => !excludedLabel.test(key));
  return {
    ...Object.fromEntries(inherited),
    [kindLabel]: 'KafkaUser',
    'app.kubernetes.io/name': userOperatorName,
    'app.kubernetes.io/instance': labelValue(name),
    'app.kubernetes.io/part-of': labelValue(`strimzi-${name}`),
    'app.kubernetes.io/managed-by': userOperatorName,
    ...user.spec?.template?.secret?.metadata?.labels,
  };
}

export function isOwnedBy(secret: V1Secret, user: KafkaUser): boolean {
  return isOwnedByUid(secret, user.metadata?.uid);
}

// Strimzi's JAAS line for Kafka clients, character for character.
export function saslJaasConfig(username: string, password: string): string {
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`;
}

export function scramSecretData(username: string, password: string): Record<string, Buffer> {
  return {
    password: Buffer.from(password),
    'sasl.jaas.config': Buffer.from(saslJaasConfig(username, password)),
  };
}

export interface TlsCredentials {
  caCertificatePem: string;
  certificatePem: string;
  privateKeyPem: string;
  pkcs12: Buffer;
  pkcs12Password: string;
}

export function tlsSecretData(credentials: TlsCredentials): Record<string, Buffer> {
  return {
    'ca.crt': Buffer.from(credentials.caCertificatePem),
    'user.crt': Buffer.from(credentials.certificatePem),
    'user.key': Buffer.from(credentials.privateKeyPem),
    'user.p12': credentials.pkcs12,
    'user.password': Buffer.from(credentials.pkcs12Password),
  };
}

// `annotations`: the operator's own bookkeeping, besides the template's.
export function buildUserSecret(
  user: KafkaUser,
  data: Record<string, Buffer>,
  annotations: Record<string, string> = {},
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: userSecretName(user),
      namespace: user.metadata?.namespace,
      labels: userSecretLabels(user),
      annotations: { ...user.spec?.template?.secret?.metadata?.annotations, ...annotations },
      ownerReferences: [
        {
          apiVersion: user.apiVersion,
          kind: user.kind,
          name: userNameOf(user),
          uid: user.metadata?.uid ?? '',
          blockOwnerDeletion: true,
          controller: false,
        },
      ],
    },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, value.toString('base64')])),
  };
}

// The key's content of a Secret read from the apiserver.
export function secretValue(secret: V1Secret | undefined, key: string): Buffer | undefined {
  const encoded = secret?.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64');
}

// Whether applying `desired` would change what `current` holds (labels, annotations, owner, data).
export function secretDiffers(desired: V1Secret, current: V1Secret | undefined): boolean {
  if (!current) return true;
  const subset = (wanted: Record<string, string> = {}, held: Record<string, string> = {}) =>
    Object.entries(wanted).every(([key, value]) => held[key] === value);
  const sameKeys = (a: object = {}, b: object = {}) =>
    Object.keys(a).sort().join() === Object.keys(b).sort().join();
  return !(
    subset(desired.metadata?.labels, current.metadata?.labels) &&
    subset(desired.metadata?.annotations, current.metadata?.annotations) &&
    subset(desired.data, current.data) &&
    sameKeys(desired.data, current.data) &&
    isOwnedByUid(current, desired.metadata?.ownerReferences?.[0]?.uid)
  );
}

function isOwnedByUid(secret: V1Secret, uid: string | undefined): boolean {
  return secret.metadata?.ownerReferences?.some((owner) => owner.uid === uid) ?? false;
}
