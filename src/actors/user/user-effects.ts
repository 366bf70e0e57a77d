// What a KafkaUser's actor does to the world (Kubernetes is the source of truth, Kafka follows):
// check the spec, make the credential (SCRAM password or TLS certificate), the ACLs and the quotas
// in Kafka exactly the spec's, write the user's Secret, and undo it all through the finalizer;
// let go of an unmanaged user without touching Kafka or its Secret.
import type { CoreV1Api, KubeConfig, KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { Kafka } from '../../api/kafka.ts';
import type { KafkaUser } from '../../api/kafka-user.ts';
import { forceRenewAnnotation, managedAnnotation } from '../../api/labels.ts';
import { kafkaUserType } from '../../api/resources.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { isUnmanaged } from '../../machines/resource-machine.ts';
import type { UserReconciled, UserReconcileInput } from '../../machines/user-machine.ts';
import { caSettingsFrom, ensureCertificateAuthority } from '../certificates/certificate-authority.ts';
import type { KeyAndCertificate } from '../certificates/certificates.ts';
import type { KafkaAdmin } from '../kafka/kafka-admin.ts';
import type { KafkaClusters } from '../kafka/kafka-clusters.ts';
import type { CustomResources } from '../kubernetes/custom-resources.ts';
import type { EventToRecord } from '../kubernetes/event-recorder.ts';
import { ListedUserSecrets } from './listed-user-secrets.ts';
import { desiredAcls } from './user-acls.ts';
import { asUserFailure, reconcileAcls, reconcileQuotas, removeFromKafka } from './user-kafka.ts';
import { owningUser, principalConflict, principalKey, reservedConflict } from './user-ownership.ts';
import {
  authenticationOf,
  identityOf,
  otherUsernameOf,
  principalOf,
  userNameOf,
  usernameOf,
} from './user-principal.ts';
import { desiredQuotas } from './user-quotas.ts';
import {
  appliedPasswordAnnotation,
  desiredPassword,
  ensureScramCredential,
  userSecretConfirmation,
} from './user-scram.ts';
import {
  buildUserSecret,
  isOwnedBy,
  scramSecretData,
  secretDiffers,
  userSecretName,
  userSecretSelector,
} from './user-secret.ts';
import { UserSecretStore } from './user-secret-store.ts';
import { buildTlsUserSecret, isForcedRenewal, type UserCertificateSettings } from './user-tls.ts';
import { validateUser } from './user-validation.ts';

// The same name as Strimzi's topic operator finalizer, for the user operator.
export const userFinalizer = 'strimzi.io/user-operator';

export interface UserEffectsOptions {
  clusters: KafkaClusters;
  resources: CustomResources;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  useFinalizers: boolean;
  certificates: UserCertificateSettings;
  // The Kafka of this name in this namespace when this operator runs it: its spec.clientsCa rules the CA.
  findKafka?: (namespace: string, name: string) => Kafka | undefined;
  // The watched KafkaUsers with this principalKey, in every namespace (an index of the informer's cache).
  usersNaming: (principalKey: string) => readonly KafkaUser[];
  // The user's Secret as the watch caches it (its name, resourceVersion and force-renew annotation);
  // without it every reconcile reads the Secret.
  cachedSecret?: (namespace: string, name: string) => KubernetesObject | undefined;
  // A Kubernetes Event on the KafkaUser, for what the operator did that its status does not tell.
  recordEvent: (user: KafkaUser, event: EventToRecord) => Promise<void>;
}

// A Secret of the user's name that was not made for it (no owner reference to it) is someone else's:
// never overwritten, read for a password or deleted.
function checkSecretOwnership(user: KafkaUser, current: V1Secret | undefined): void {
  const makesSecret = ['scram-sha-512', 'tls'].includes(authenticationOf(user) ?? '');
  if (!current || !makesSecret || isOwnedBy(current, user)) return;
  throw new ReconcileFailure(
    'SecretConflict',
    `${identityOf(user)}: Secret ${user.metadata?.namespace}/${userSecretName(user)} exists and was not made for ` +
      'this KafkaUser (it has no owner reference to it); it is left as it is and nothing is written to Kafka. ' +
      'Delete or rename that Secret, or rename the KafkaUser; a password of your own goes in ' +
      'spec.authentication.password.valueFrom',
    { retryable: false },
  );
}

function checkSpec(user: KafkaUser): void {
  const problems = validateUser(user);
  if (problems.length > 0) {
    throw new ReconcileFailure('InvalidResource', `${identityOf(user)}: ${problems.join('; ')}`, {
      retryable: false,
    });
  }
}

export function createUserEffects(options: UserEffectsOptions) {
  const { clusters, resources, useFinalizers } = options;
  const secrets = new UserSecretStore(options.kubeConfig);
  const listedSecrets = new ListedUserSecrets((namespace) => secrets.list(namespace, userSecretSelector));

  // Why this user may not act on its principal in Kafka, in reconcile and deletion alike.
  async function ownershipConflict(user: KafkaUser): Promise<ReconcileFailure | undefined> {
    const key = principalKey(clusters.clusterKeyOf(user), user);
    const rival =
      key === undefined ? undefined : principalConflict(user, owningUser(user, options.usersNaming(key)));
    if (rival) return rival;
    const reserved = await clusters.reservedPrincipals(user).catch((error: unknown) => {
      throw asUserFailure(error, identityOf(user));
    });
    return reservedConflict(user, reserved);
  }

  // The clients CA of the user's cluster, in the user's namespace; created when absent, so the
  // user operator works before (or without) the cluster operator that owns it. For a cluster this
  // operator runs, the Kafka's spec.clientsCa decides (a user-provided CA is never generated).
  async function clientsCa(user: KafkaUser): Promise<KeyAndCertificate> {
    const namespace = user.metadata?.namespace ?? '';
    const clusterName = clusters.clusterOf(user);
    const kafka = options.findKafka?.(namespace, clusterName);
    const { ca } = await ensureCertificateAuthority(options.core, {
      namespace,
      clusterName,
      role: 'clients',
      settings: caSettingsFrom(kafka ? (kafka.spec?.clientsCa ?? {}) : options.certificates),
    });
    return ca;
  }

  // The user's credential, prepared before Kafka changes (a missing password Secret or clients CA
  // changes nothing). The function returned sets it in Kafka when it lives there, and returns the
  // Secret that holds it, or undefined for the authentications without one (tls-external, none).
  async function prepareCredential(admin: KafkaAdmin, user: KafkaUser, current: V1Secret | undefined) {
    const type = authenticationOf(user);
    if (type === 'scram-sha-512') {
      const password = await desiredPassword(user, current, (namespace, name) =>
        secrets.read(namespace, name),
      );
      return async () => {
        const hash = await ensureScramCredential(admin, user, usernameOf(user), password, current);
        return buildUserSecret(user, scramSecretData(userNameOf(user), password), {
          [appliedPasswordAnnotation]: hash,
        });
      };
    }
    const secret =
      type === 'tls'
        ? await buildTlsUserSecret(user, current, await clientsCa(user), options.certificates, new Date())
        : undefined;
    return async () => secret;
  }

  // The name the authentication does not imply holds nothing: after a change of authentication
  // type its ACLs and quotas go, and the SCRAM credential unless SCRAM. A user never reconciled
  // has nothing under either name (deletion cleans both).
  async function cleanOtherName(admin: KafkaAdmin, user: KafkaUser): Promise<void> {
    const reported = user.status?.username;
    if (!reported || reported === usernameOf(user)) return;
    await Promise.all([
      removeFromKafka(admin, otherUsernameOf(user), false),
      authenticationOf(user) === 'scram-sha-512' ? undefined : admin.deleteScramCredential(userNameOf(user)),
    ]);
  }

  // Whether the user's Secret is, by its resourceVersion in the watch's cache, still the one the
  // last reconcile confirmed for this user, and Kafka still holds its credential: then the Secret
  // needs neither a read nor a write. Anything else (no confirmation, not cached, renewal asked,
  // another version, no credential) is answered by reading the Secret.
  async function secretStillConfirmed(
    admin: KafkaAdmin,
    user: KafkaUser,
    confirmedSecret: string | undefined,
  ): Promise<boolean> {
    if (confirmedVersion(user, confirmedSecret) === undefined) return false;
    return admin.hasScramCredential(usernameOf(user)).catch((error: unknown) => {
      throw asUserFailure(error, identityOf(user));
    });
  }

  // The resourceVersion of the user's Secret in the watch's cache when it is the one the last
  // reconcile confirmed (owned by this user, as it was made), with no renewal asked.
  function confirmedVersion(user: KafkaUser, confirmedSecret: string | undefined): string | undefined {
    if (confirmedSecret === undefined || !options.cachedSecret) return undefined;
    const cached = options.cachedSecret(user.metadata?.namespace ?? '', userSecretName(user));
    const version = cached?.metadata?.resourceVersion;
    if (!cached || isForcedRenewal(cached)) return undefined;
    return userSecretConfirmation(user, version) === confirmedSecret ? version : undefined;
  }

  // The user's Secret: from the namespace's listing while it is what the watch's cache has, else read.
  async function readUserSecret(namespace: string, name: string): Promise<V1Secret | undefined> {
    const cachedVersion = options.cachedSecret?.(namespace, name)?.metadata?.resourceVersion;
    const listed =
      cachedVersion === undefined ? undefined : await listedSecrets.take(namespace, name, cachedVersion);
    return listed ?? secrets.read(namespace, name);
  }

  // Deletes the user's Secret when this user owns it: without reading it when the cached version
  // is the confirmed one (the apiserver refuses the delete if the Secret changed since).
  async function deleteOwnSecret(user: KafkaUser, confirmedSecret: string | undefined): Promise<void> {
    const namespace = user.metadata?.namespace ?? '';
    const name = userSecretName(user);
    const version = confirmedVersion(user, confirmedSecret);
    if (version !== undefined && (await secrets.deleteAt(namespace, name, version))) return;
    const current = await secrets.read(namespace, name);
    if (current && isOwnedBy(current, user)) await secrets.delete(current);
  }

  // The finalizer, then the credential (written by `writeCredential`), ACLs and quotas in Kafka.
  async function reconcileInKafka<T>(
    admin: KafkaAdmin,
    user: KafkaUser,
    writeCredential: () => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    signal.throwIfAborted();
    // The finalizer goes on before the credential exists, so none is ever left without one.
    if (useFinalizers) await resources.addFinalizer(kafkaUserType, user, userFinalizer);
    const username = usernameOf(user);
    let written: T;
    try {
      [written] = await Promise.all([
        writeCredential(),
        reconcileAcls(admin, username, desiredAcls(user, principalOf(username))),
        reconcileQuotas(admin, username, desiredQuotas(user)),
        cleanOtherName(admin, user),
      ]);
    } catch (error) {
      throw asUserFailure(error, identityOf(user));
    }
    signal.throwIfAborted();
    return written;
  }

  // The signal aborts when this replica stops leading: no Kafka write starts after that.
  async function reconcileUser(
    { user, confirmedSecret }: UserReconcileInput,
    signal: AbortSignal,
  ): Promise<UserReconciled> {
    checkSpec(user);
    const conflict = await ownershipConflict(user);
    if (conflict) throw conflict;
    const namespace = user.metadata?.namespace ?? '';
    const username = usernameOf(user);
    const secretName = userSecretName(user);
    const admin = await clusters.adminFor(user);
    if (await secretStillConfirmed(admin, user, confirmedSecret)) {
      await reconcileInKafka(admin, user, async () => undefined, signal);
      return { username, secretName, confirmedSecret };
    }
    const current = await readUserSecret(namespace, secretName);
    checkSecretOwnership(user, current);
    const writeCredential = await prepareCredential(admin, user, current);
    const secret = await reconcileInKafka(admin, user, writeCredential, signal);
    if (secret) {
      let written = secretDiffers(secret, current) ? await secrets.apply(secret) : current;
      // Served: the request is taken off, so the next reconcile keeps the new certificate.
      if (isForcedRenewal(current))
        written = await secrets.removeAnnotation(namespace, secretName, forceRenewAnnotation);
      const confirmed = userSecretConfirmation(user, written?.metadata?.resourceVersion);
      return { username, secretName, ...(confirmed && { confirmedSecret: confirmed }) };
    }
    // tls-external and no authentication have no Secret: one this user owned goes.
    if (current && isOwnedBy(current, user)) await secrets.delete(current);
    return { username };
  }

  async function removePrincipal(user: KafkaUser, signal: AbortSignal): Promise<void> {
    const admin = await clusters.adminFor(user);
    signal.throwIfAborted();
    try {
      // Both names: the authentication may have changed since the last reconcile.
      await Promise.all([
        removeFromKafka(admin, userNameOf(user), true),
        removeFromKafka(admin, `CN=${userNameOf(user)}`, false),
      ]);
    } catch (error) {
      throw asUserFailure(error, identityOf(user));
    }
  }

  // strimzi.io/managed: "false": the operator lets go — finalizer off; Kafka and the Secret untouched.
  async function releaseUser(user: KafkaUser): Promise<void> {
    await resources.removeFinalizer(kafkaUserType, user, userFinalizer);
  }

  // Removes the credential, ACLs and quotas of a user this KafkaUser owns, and the Secret made for
  // it; returns why Kafka is left as it is otherwise.
  async function cleanUp(
    user: KafkaUser,
    confirmedSecret: string | undefined,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    if (isUnmanaged(user)) return `${managedAnnotation} is "false"`;
    // A user whose principal another owns leaves Kafka as it is: what is there is the owner's.
    const conflict = await ownershipConflict(user);
    if (!conflict) await removePrincipal(user, signal);
    await deleteOwnSecret(user, confirmedSecret);
    return conflict?.message;
  }

  async function deleteUser(
    { user, confirmedSecret }: UserReconcileInput,
    signal: AbortSignal,
  ): Promise<void> {
    // Without our finalizer this operator never reconciled the user, or already cleaned up.
    if (!user.metadata?.finalizers?.includes(userFinalizer)) return;
    const keptBecause = await cleanUp(user, confirmedSecret, signal);
    if (keptBecause) {
      await options.recordEvent(user, {
        type: 'Normal',
        reason: 'UserKept',
        message: `Kafka user ${userNameOf(user)} kept: this KafkaUser does not manage it (${keptBecause})`,
      });
    }
    await resources.removeFinalizer(kafkaUserType, user, userFinalizer);
  }

  return { reconcileUser, releaseUser, deleteUser };
}
