// A tls user's certificate, CN=<name>, signed by its cluster's clients CA, and the Secret that
// holds it in Strimzi's layout. The certificate in the Secret is kept while it is signed by the
// current CA and outside its renewal window; `strimzi.io/force-renew: "true"` on the Secret (as
// Strimzi reads it) issues a new one.
import type { V1Secret } from '@kubernetes/client-node';
import type { KafkaUser } from '../../api/kafka-user.ts';
import { forceRenewAnnotation } from '../../api/labels.ts';
import {
  buildPkcs12,
  generatePassword,
  isSignedBy,
  issueCertificate,
  type KeyAndCertificate,
  needsRenewal,
} from '../certificates/certificates.ts';
import { userNameOf } from './user-principal.ts';
import { buildUserSecret, secretValue, type TlsCredentials, tlsSecretData } from './user-secret.ts';

export interface UserCertificateSettings {
  // Defaults for users whose spec.authentication sets neither, as Strimzi's clients CA's.
  validityDays: number;
  renewalDays: number;
}

export function isForcedRenewal(secret: V1Secret | undefined): boolean {
  return secret?.metadata?.annotations?.[forceRenewAnnotation] === 'true';
}

function text(secret: V1Secret | undefined, key: string): string | undefined {
  return secretValue(secret, key)?.toString('utf8') || undefined;
}

// The certificate and key of the Secret when they may stay; undefined when a new one is due.
export function keptCertificate(
  user: KafkaUser,
  current: V1Secret | undefined,
  caCertificatePem: string,
  settings: UserCertificateSettings,
  now: Date,
): KeyAndCertificate | undefined {
  const certificatePem = text(current, 'user.crt');
  const privateKeyPem = text(current, 'user.key');
  if (!certificatePem || !privateKeyPem || isForcedRenewal(current)) return undefined;
  const renewalDays = user.spec?.authentication?.renewalDays ?? settings.renewalDays;
  if (!isSignedBy(certificatePem, caCertificatePem) || needsRenewal(certificatePem, renewalDays, now)) {
    return undefined;
  }
  return { certificatePem, privateKeyPem };
}

export async function buildTlsUserSecret(
  user: KafkaUser,
  current: V1Secret | undefined,
  ca: KeyAndCertificate,
  settings: UserCertificateSettings,
  now: Date,
): Promise<V1Secret> {
  const kept = keptCertificate(user, current, ca.certificatePem, settings, now);
  const issued =
    kept ??
    (await issueCertificate(ca, {
      commonName: userNameOf(user),
      validityDays: user.spec?.authentication?.validityDays ?? settings.validityDays,
    }));
  // A kept certificate keeps its keystore, so clients that loaded it need not reload it.
  const keptStore = kept && secretValue(current, 'user.p12');
  const keptStorePassword = kept && text(current, 'user.password');
  const pkcs12Password = (keptStore && keptStorePassword) || generatePassword();
  const credentials: TlsCredentials = {
    caCertificatePem: ca.certificatePem,
    ...issued,
    pkcs12Password,
    pkcs12:
      keptStore && keptStorePassword
        ? keptStore
        : buildPkcs12({ ...issued, caCertificatePems: [ca.certificatePem] }, pkcs12Password),
  };
  return buildUserSecret(user, tlsSecretData(credentials));
}
