// Strimzi's Secret layout for a cluster's two CAs, so that clients and tools written for Strimzi find
// them: <cluster>-cluster-ca-cert (ca.crt, ca.p12, ca.password) and <cluster>-cluster-ca (ca.key), and
// the same for the clients CA. Pure: Secrets in, Secrets out.

import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { V1OwnerReference, V1Secret } from '@kubernetes/client-node';
import {
  caCertGenerationAnnotation,
  caKeyGenerationAnnotation,
  clusterLabel,
  componentTypeLabel,
  kindLabel,
  nameLabel,
} from '../../api/labels.ts';
import { buildPkcs12, type KeyAndCertificate } from './certificates.ts';

export type CaRole = 'cluster' | 'clients';

export const caCertificateKey = 'ca.crt';
export const caPrivateKeyKey = 'ca.key';
export const caTruststoreKey = 'ca.p12';
export const caTruststorePasswordKey = 'ca.password';

export interface CaSecretNames {
  certSecretName: string;
  keySecretName: string;
}

export interface CaSecretsContent {
  ca: KeyAndCertificate;
  certGeneration: number;
  keyGeneration: number;
}

export function caSecretNames(cluster: string, role: CaRole): CaSecretNames {
  return { certSecretName: `${cluster}-${role}-ca-cert`, keySecretName: `${cluster}-${role}-ca` };
}

// Strimzi's CA subject: the key generation in the CN keeps old and new CAs apart during a key replacement.
export function caSubject(role: CaRole, keyGeneration: number): { commonName: string; organization: string } {
  return { commonName: `${role}-ca v${keyGeneration}`, organization: 'io.strimzi' };
}

export function caSecretLabels(cluster: string): Record<string, string> {
  return {
    [clusterLabel]: cluster,
    [kindLabel]: 'Kafka',
    [nameLabel]: 'strimzi',
    [componentTypeLabel]: 'certificate-authority',
    'app.kubernetes.io/name': 'certificate-authority',
    'app.kubernetes.io/instance': labelValue(cluster),
    'app.kubernetes.io/part-of': labelValue(`strimzi-${cluster}`),
    'app.kubernetes.io/managed-by': 'strimzi-cluster-operator',
  };
}

export interface CaSecretsInput {
  namespace: string;
  clusterName: string;
  role: CaRole;
  ca: KeyAndCertificate;
  certGeneration: number;
  keyGeneration: number;
  truststorePassword: string;
  owner?: V1OwnerReference;
}

export function buildCaSecrets(input: CaSecretsInput): { certSecret: V1Secret; keySecret: V1Secret } {
  const { namespace, clusterName, role, ca, owner } = input;
  const names = caSecretNames(clusterName, role);
  const metadata = (name: string, annotations: Record<string, string>) => ({
    name,
    namespace,
    labels: caSecretLabels(clusterName),
    annotations,
    ...(owner ? { ownerReferences: [owner] } : {}),
  });
  const truststore = buildPkcs12({ caCertificatePems: [ca.certificatePem] }, input.truststorePassword);
  return {
    certSecret: {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: metadata(names.certSecretName, {
        [caCertGenerationAnnotation]: String(input.certGeneration),
      }),
      data: {
        [caCertificateKey]: base64(ca.certificatePem),
        [caTruststoreKey]: truststore.toString('base64'),
        [caTruststorePasswordKey]: base64(input.truststorePassword),
      },
    },
    keySecret: {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: metadata(names.keySecretName, { [caKeyGenerationAnnotation]: String(input.keyGeneration) }),
      data: { [caPrivateKeyKey]: base64(ca.privateKeyPem) },
    },
  };
}

// What is missing from the pair, in words a user can act on; empty when both are complete.
export function missingCaSecretData(
  names: CaSecretNames,
  certSecret: V1Secret | undefined,
  keySecret: V1Secret | undefined,
): string[] {
  const missing: string[] = [];
  if (!certSecret) missing.push(`Secret ${names.certSecretName}`);
  else if (!certSecret.data?.[caCertificateKey])
    missing.push(`${caCertificateKey} in Secret ${names.certSecretName}`);
  if (!keySecret) missing.push(`Secret ${names.keySecretName}`);
  else if (!keySecret.data?.[caPrivateKeyKey])
    missing.push(`${caPrivateKeyKey} in Secret ${names.keySecretName}`);
  return missing;
}

export function readCaSecrets(
  certSecret: V1Secret | undefined,
  keySecret: V1Secret | undefined,
): CaSecretsContent {
  const certificatePem = decoded(certSecret, caCertificateKey);
  const privateKeyPem = decoded(keySecret, caPrivateKeyKey);
  const keyType = createPrivateKey(privateKeyPem).asymmetricKeyType;
  if (keyType !== 'rsa') {
    throw new Error(
      `${caPrivateKeyKey} in Secret ${keySecret?.metadata?.name} is an ${keyType} key; the CA key must be RSA`,
    );
  }
  if (!certificateMatchesKey(certificatePem, privateKeyPem)) {
    throw new Error(
      `${caPrivateKeyKey} in Secret ${keySecret?.metadata?.name} is not the private key of ${caCertificateKey} in Secret ${certSecret?.metadata?.name}`,
    );
  }
  return {
    ca: { certificatePem, privateKeyPem },
    certGeneration: generation(certSecret, caCertGenerationAnnotation),
    keyGeneration: generation(keySecret, caKeyGenerationAnnotation),
  };
}

// Strimzi counts from 0 and reads a missing annotation as 0.
export function generation(secret: V1Secret | undefined, annotation: string): number {
  const value = Number.parseInt(secret?.metadata?.annotations?.[annotation] ?? '', 10);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}

function decoded(secret: V1Secret | undefined, key: string): string {
  if (!secret) throw new Error(`the Secret that should hold ${key} does not exist`);
  const value = secret.data?.[key];
  if (!value) throw new Error(`Secret ${secret.metadata?.name} has no ${key}`);
  return Buffer.from(value, 'base64').toString('utf8');
}

function certificateMatchesKey(certificatePem: string, privateKeyPem: string): boolean {
  const fromKey = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
  const fromCertificate = new X509Certificate(certificatePem).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  return fromKey.equals(fromCertificate);
}

// As Strimzi's: at most 63 characters, ending in an alphanumeric, so a long cluster name stays valid.
function labelValue(value: string): string {
  return value.slice(0, 63).replace(/[-_.]+$/, '');
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
