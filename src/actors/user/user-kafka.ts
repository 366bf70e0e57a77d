// What a KafkaUser's actor changes in Kafka for one name of the user: its ACLs and its quotas made
// exactly the desired ones, or removed. Kafka's refusals become failures users can act on.
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import {
  type AclRule,
  type KafkaAdmin,
  KafkaAdminError,
  kafkaErrorCodes,
  type UserQuotas,
} from '../kafka/kafka-admin.ts';
import { aclChanges } from './user-acls.ts';
import { principalOf } from './user-principal.ts';
import { hasQuotaChanges, quotaChanges } from './user-quotas.ts';

// Kafka answers SECURITY_DISABLED when no authorizer is configured.
const securityDisabled = 54;

export async function reconcileAcls(admin: KafkaAdmin, username: string, desired: AclRule[]): Promise<void> {
  const changes = aclChanges(desired, await admin.describeAcls(principalOf(username)));
  // Additions first: a changed rule never leaves the user's clients without access in between.
  if (changes.create.length > 0) await admin.createAcls(changes.create);
  if (changes.remove.length > 0) await admin.deleteAcls(changes.remove);
}

export async function reconcileQuotas(
  admin: KafkaAdmin,
  username: string,
  desired: UserQuotas,
): Promise<void> {
  const changes = quotaChanges(desired, await admin.describeUserQuotas(username));
  if (hasQuotaChanges(changes)) await admin.alterUserQuotas(username, changes);
}

// Every ACL of the name's principal, with one filter, when it has any.
async function removeAcls(admin: KafkaAdmin, username: string): Promise<void> {
  const principal = principalOf(username);
  if ((await admin.describeAcls(principal)).length > 0) await admin.deleteAclsOf(principal);
}

// Everything Kafka holds for this name: SCRAM credential (when `withCredential`), ACLs and quotas.
export async function removeFromKafka(
  admin: KafkaAdmin,
  username: string,
  withCredential: boolean,
): Promise<void> {
  await Promise.all([
    withCredential ? admin.deleteScramCredential(username) : undefined,
    removeAcls(admin, username),
    reconcileQuotas(admin, username, {}),
  ]);
}

// A request Kafka refused for its content or for lack of rights fails with a reason; the others
// are retried as KafkaError.
export function asUserFailure(error: unknown, identity: string): unknown {
  if (error instanceof ReconcileFailure) return error;
  if (error instanceof KafkaAdminError) {
    if (error.errorCode === kafkaErrorCodes.CLUSTER_AUTHORIZATION_FAILED) {
      return new ReconcileFailure(
        'NotAuthorized',
        `${identity}: ${error.message}; the operator's Kafka principal needs Alter and Describe on the cluster`,
        { cause: error },
      );
    }
    if (error.errorCode === securityDisabled) {
      return new ReconcileFailure(
        'AuthorizationNotEnabled',
        `${identity}: ${error.message}; spec.authorization needs an authorizer on the Kafka cluster ` +
          '(authorizer.class.name), or remove spec.authorization',
        { cause: error },
      );
    }
  }
  if (error instanceof Error) {
    return new ReconcileFailure('KafkaError', `${identity}: ${error.message}`, { cause: error });
  }
  return error;
}
