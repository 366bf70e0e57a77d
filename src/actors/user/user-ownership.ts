// Which KafkaUser owns a Kafka principal. Every KafkaUser acts on both spellings of its name
// (User:<name> and, after a change of authentication, User:CN=<name>), so KafkaUsers of one name
// in one cluster, in different namespaces, would share one credential and one set of ACLs, and
// deleting either would take the other's. The oldest owns the principal; the others write nothing.
// An unmanaged KafkaUser (strimzi.io/managed: "false") owns nothing: it writes nothing to Kafka,
// so another KafkaUser of the name takes the principal over, as with KafkaTopics.
import type { KafkaUser } from '../../api/kafka-user.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { isUnmanaged } from '../../machines/resource-machine.ts';
import type { ReservedPrincipals } from '../kafka/kafka-clusters.ts';
import { firstClaimant } from '../kubernetes/claim-order.ts';
import { identityOf, otherUsernameOf, principalOf, userNameOf, usernameOf } from './user-principal.ts';

// What a KafkaUser is indexed under: its cluster's key and its name; undefined without a cluster.
export function principalKey(clusterKey: string | undefined, user: KafkaUser): string | undefined {
  return clusterKey === undefined ? undefined : `${clusterKey}/${userNameOf(user)}`;
}

function namespacedName(user: KafkaUser): string {
  return `${user.metadata?.namespace}/${user.metadata?.name}`;
}

// Of a KafkaUser and the others with its principal key, the one created first (then by namespace
// and name) owns the principal, unless unmanaged. One being deleted keeps it until its finalizer has
// cleaned Kafka, so that no successor writes what that clean-up removes.
export function owningUser(user: KafkaUser, others: readonly KafkaUser[]): KafkaUser {
  const rivals = others.filter((other) => other.metadata?.uid !== user.metadata?.uid && !isUnmanaged(other));
  // Of two created in the same second, the one that already serves the principal (Ready with it once)
  // keeps it.
  return firstClaimant([user, ...rivals], (candidate) => candidate.status?.username !== undefined);
}

// The refusal of a KafkaUser whose principal another owns; undefined when it owns it itself.
export function principalConflict(user: KafkaUser, owner: KafkaUser): ReconcileFailure | undefined {
  if (owner.metadata?.uid === user.metadata?.uid) return undefined;
  return new ReconcileFailure(
    'ResourceConflict',
    `${identityOf(user)}: Kafka user ${userNameOf(user)} is owned by KafkaUser ${namespacedName(owner)}, which ` +
      'is older and names the same user of the same Kafka cluster; nothing is written to Kafka for this one. ' +
      'Rename or delete one of the two',
    { retryable: false },
  );
}

// The refusal of a KafkaUser whose name is the operator's own principal or a super user's: giving
// it a password or ACLs would take the operator's access, or hand a super user's to whoever wrote it.
export function reservedConflict(
  user: KafkaUser,
  reserved: ReservedPrincipals,
): ReconcileFailure | undefined {
  const principals = [usernameOf(user), otherUsernameOf(user)].map(principalOf);
  const operator = principals.find((principal) => principal === reserved.operator);
  const superUser = principals.find((principal) => reserved.superUsers.has(principal));
  const whose = operator
    ? `${operator} is the principal this operator logs in to the cluster with`
    : superUser && `${superUser} is a super user of the cluster (super.users)`;
  if (!whose) return undefined;
  return new ReconcileFailure(
    'ResourceConflict',
    `${identityOf(user)}: ${whose}; no KafkaUser may own it, and nothing is written to Kafka for this one. ` +
      'Rename the KafkaUser',
    { retryable: false },
  );
}
