// Keeps a cluster's CA (cluster or clients) in its two Strimzi Secrets: creates it when absent, renews
// its certificate inside the renewal window, or uses the user's own when the operator must not generate.
// Racing actors converge on one CA: every write fails on a conflict, and a conflict means read again.
import type { CoreV1Api, V1OwnerReference, V1Secret } from '@kubernetes/client-node';
import {
  caCertGenerationAnnotation,
  caKeyGenerationAnnotation,
  forceRenewAnnotation,
} from '../../api/labels.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { adoptSecrets, isConflict, readSecret, writeSecret } from './ca-secret-writes.ts';
import {
  buildCaSecrets,
  type CaRole,
  type CaSecretNames,
  caCertificateKey,
  caPrivateKeyKey,
  caSecretNames,
  caSubject,
  caTruststorePasswordKey,
  generation,
  missingCaSecretData,
  readCaSecrets,
} from './ca-secrets.ts';
import {
  generateCertificateAuthority,
  generatePassword,
  type KeyAndCertificate,
  needsRenewal,
  renewCertificateAuthority,
} from './certificates.ts';

export type { CaRole } from './ca-secrets.ts';

export interface CaSettings {
  generateCertificateAuthority: boolean;
  validityDays: number;
  renewalDays: number;
}

export interface CertificateAuthorityOptions {
  namespace: string;
  clusterName: string;
  role: CaRole;
  settings: CaSettings;
  owner?: V1OwnerReference;
  now?: Date;
}

// Strimzi's defaults for spec.clusterCa and spec.clientsCa.
export function caSettingsFrom(spec?: {
  generateCertificateAuthority?: boolean;
  validityDays?: number;
  renewalDays?: number;
}): CaSettings {
  return {
    generateCertificateAuthority: spec?.generateCertificateAuthority ?? true,
    validityDays: spec?.validityDays ?? 365,
    renewalDays: spec?.renewalDays ?? 30,
  };
}

export interface CertificateAuthority {
  ca: KeyAndCertificate;
  certGeneration: number;
  keyGeneration: number;
}

// Each conflict means another actor wrote the Secrets in between; reading again settles it.
const attemptsOnConflict = 3;

export async function ensureCertificateAuthority(
  core: CoreV1Api,
  options: CertificateAuthorityOptions,
): Promise<CertificateAuthority> {
  checkSettings(options);
  for (let attempt = 1; ; attempt++) {
    try {
      return await reconcileOnce(core, options);
    } catch (error) {
      if (!isConflict(error) || attempt >= attemptsOnConflict) throw error;
    }
  }
}

async function reconcileOnce(
  core: CoreV1Api,
  options: CertificateAuthorityOptions,
): Promise<CertificateAuthority> {
  const { namespace, clusterName, role, settings } = options;
  const names = caSecretNames(clusterName, role);
  const [certSecret, keySecret] = await Promise.all([
    readSecret(core, namespace, names.certSecretName),
    readSecret(core, namespace, names.keySecretName),
  ]);
  if (!settings.generateCertificateAuthority) {
    const missing = missingCaSecretData(names, certSecret, keySecret);
    if (missing.length > 0) throw userCaNotFound(options, names, missing);
    return readStoredCa(options, certSecret, keySecret);
  }
  if (!keySecret?.data?.[caPrivateKeyKey]) return createCa(core, options, certSecret, keySecret);
  if (
    !certSecret?.data?.[caCertificateKey] ||
    certSecret.metadata?.annotations?.[forceRenewAnnotation] === 'true'
  ) {
    return renewCa(core, options, certSecret, keySecret);
  }
  const current = readStoredCa(options, certSecret, keySecret);
  if (needsRenewal(current.ca.certificatePem, settings.renewalDays, options.now ?? new Date())) {
    return renewCa(core, options, certSecret, keySecret);
  }
  await adoptSecrets(core, options.owner, [certSecret, keySecret]);
  return current;
}

// A certificate valid no longer than its renewal window would be renewed, and everything it signed
// rolled, on every reconcile.
function checkSettings({ namespace, clusterName, role, settings }: CertificateAuthorityOptions): void {
  if (settings.generateCertificateAuthority && settings.renewalDays >= settings.validityDays) {
    const field = role === 'cluster' ? 'clusterCa' : 'clientsCa';
    throw new ReconcileFailure(
      'InvalidCertificateAuthoritySettings',
      `Kafka ${namespace}/${clusterName}: spec.${field}.renewalDays (${settings.renewalDays}) must be less than validityDays (${settings.validityDays}); change one of them.`,
      { retryable: false },
    );
  }
}

// A new key and certificate. The key Secret is written first: the actor whose write wins owns the
// key, and a loser re-reads and at most adds a certificate for the winner's key.
async function createCa(
  core: CoreV1Api,
  options: CertificateAuthorityOptions,
  certSecret: V1Secret | undefined,
  keySecret: V1Secret | undefined,
): Promise<CertificateAuthority> {
  const keyGeneration = keySecret ? generation(keySecret, caKeyGenerationAnnotation) + 1 : 0;
  const certGeneration = certSecret ? generation(certSecret, caCertGenerationAnnotation) + 1 : 0;
  const ca = await generateCertificateAuthority({
    ...caSubject(options.role, keyGeneration),
    validityDays: options.settings.validityDays,
  });
  const desired = buildCaSecrets({
    ...options,
    ca,
    certGeneration,
    keyGeneration,
    truststorePassword: generatePassword(),
  });
  await writeSecret(core, desired.keySecret, keySecret);
  await writeSecret(core, desired.certSecret, certSecret);
  return { ca, certGeneration, keyGeneration };
}

// The same key, a new certificate and the next certificate generation.
async function renewCa(
  core: CoreV1Api,
  options: CertificateAuthorityOptions,
  certSecret: V1Secret | undefined,
  keySecret: V1Secret,
): Promise<CertificateAuthority> {
  const keyGeneration = generation(keySecret, caKeyGenerationAnnotation);
  const certGeneration = certSecret ? generation(certSecret, caCertGenerationAnnotation) + 1 : 0;
  const privateKeyPem = Buffer.from(keySecret.data?.[caPrivateKeyKey] ?? '', 'base64').toString('utf8');
  const ca = await renewCertificateAuthority(privateKeyPem, {
    ...caSubject(options.role, keyGeneration),
    validityDays: options.settings.validityDays,
  });
  const existingPassword = certSecret?.data?.[caTruststorePasswordKey];
  const desired = buildCaSecrets({
    ...options,
    ca,
    certGeneration,
    keyGeneration,
    truststorePassword: existingPassword
      ? Buffer.from(existingPassword, 'base64').toString('utf8')
      : generatePassword(),
  });
  await writeSecret(core, desired.certSecret, certSecret);
  return { ca, certGeneration, keyGeneration };
}

function readStoredCa(
  options: CertificateAuthorityOptions,
  certSecret: V1Secret | undefined,
  keySecret: V1Secret | undefined,
): CertificateAuthority {
  try {
    return readCaSecrets(certSecret, keySecret);
  } catch (error) {
    throw new ReconcileFailure(
      'InvalidCertificateAuthority',
      `Kafka ${options.namespace}/${options.clusterName}: the ${options.role} CA in its Secrets cannot be used: ${(error as Error).message}. Put a matching PEM certificate and private key there.`,
      { retryable: true, cause: error },
    );
  }
}

function userCaNotFound(options: CertificateAuthorityOptions, names: CaSecretNames, missing: string[]) {
  const field = options.role === 'cluster' ? 'clusterCa' : 'clientsCa';
  return new ReconcileFailure(
    'CertificateAuthorityNotFound',
    `Kafka ${options.namespace}/${options.clusterName}: spec.${field}.generateCertificateAuthority is false, so the operator uses your own ${options.role} CA, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing. Create Secret ${names.certSecretName} with ${caCertificateKey} (the CA certificate, PEM) and Secret ${names.keySecretName} with ${caPrivateKeyKey} (its private key, PEM), labelled strimzi.io/cluster=${options.clusterName} and strimzi.io/kind=Kafka.`,
    { retryable: true },
  );
}
