// A SCRAM-SHA-512 user's password and its credential in Kafka. The password is the one a Secret
// the user names holds, else the one already in the user's Secret, else a new one; Kafka keeps
// only a salted hash, so the user's Secret records which password was applied (as a hash of its
// own) and an idle reconcile writes nothing to Kafka.
import { createHash } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { KafkaUser } from '../../api/kafka-user.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { generatePassword } from '../certificates/certificates.ts';
import type { KafkaAdmin } from '../kafka/kafka-admin.ts';
import { authenticationOf, identityOf } from './user-principal.ts';
import { buildUserSecret, secretValue } from './user-secret.ts';

// Strimzi's default length of generated SCRAM passwords.
export const generatedPasswordLength = 32;

export const appliedPasswordAnnotation = 'kafka-actor-operator/scram-password-hash';

// Salted with the KafkaUser's uid: equal passwords of two users give different values.
export function appliedPasswordHash(user: KafkaUser, password: string): string {
  return createHash('sha256')
    .update(`${user.metadata?.uid ?? ''}:${password}`)
    .digest('base64url');
}

export type SecretReader = (namespace: string, name: string) => Promise<V1Secret | undefined>;

// The password the user should have now. Throws when the Secret the spec names cannot give one.
export async function desiredPassword(
  user: KafkaUser,
  userSecret: V1Secret | undefined,
  readSecret: SecretReader,
): Promise<string> {
  const reference = user.spec?.authentication?.password?.valueFrom?.secretKeyRef;
  if (reference?.name && reference.key) {
    const namespace = user.metadata?.namespace ?? '';
    const source = await readSecret(namespace, reference.name);
    if (!source) {
      throw new ReconcileFailure(
        'SecretNotFound',
        `${identityOf(user)}: Secret ${namespace}/${reference.name} with the password ` +
          '(spec.authentication.password.valueFrom.secretKeyRef) does not exist; create it or fix the reference',
      );
    }
    const password = secretValue(source, reference.key)?.toString('utf8');
    if (!password) {
      throw new ReconcileFailure(
        'InvalidResource',
        `${identityOf(user)}: Secret ${namespace}/${reference.name} has no non-empty key ${reference.key} ` +
          'with the password; add it or fix spec.authentication.password.valueFrom.secretKeyRef',
      );
    }
    return password;
  }
  const kept = secretValue(userSecret, 'password')?.toString('utf8');
  return kept || generatePassword(generatedPasswordLength);
}

// Makes Kafka's credential the password's; returns the hash to record on the user's Secret.
export async function ensureScramCredential(
  admin: KafkaAdmin,
  user: KafkaUser,
  username: string,
  password: string,
  userSecret: V1Secret | undefined,
): Promise<string> {
  const hash = appliedPasswordHash(user, password);
  const recorded = userSecret?.metadata?.annotations?.[appliedPasswordAnnotation];
  if (recorded === hash && (await admin.hasScramCredential(username))) return hash;
  await admin.upsertScramCredential(username, password);
  return hash;
}

// What a reconcile of a SCRAM user that keeps its password in its own Secret confirmed: the Secret's
// resourceVersion (any write to the Secret changes it) and everything of the user the Secret is built
// from besides the password (name, uid, labels, template, authentication). Undefined for the other
// authentications and for a password from another Secret, which are read at every reconcile.
export function userSecretConfirmation(
  user: KafkaUser,
  resourceVersion: string | undefined,
): string | undefined {
  const authentication = user.spec?.authentication;
  if (!resourceVersion || authenticationOf(user) !== 'scram-sha-512' || authentication?.password)
    return undefined;
  return createHash('sha256')
    .update(JSON.stringify([resourceVersion, buildUserSecret(user, {}).metadata, authentication]))
    .digest('base64url');
}
