// The KafkaUser kind as the runtime runs it: the caches of the users and of their Secrets, the user
// machine with its effects provided, and the status of each settled state.
import type { KubernetesObject } from '@kubernetes/client-node';
import { fromPromise } from 'xstate';
import type { KafkaClusters } from '../actors/kafka/kafka-clusters.ts';
import { createUserEffects, type UserEffectsOptions } from '../actors/user/user-effects.ts';
import { principalKey } from '../actors/user/user-ownership.ts';
import { userSecretSelector } from '../actors/user/user-secret.ts';
import { buildUserStatus } from '../actors/user/user-status.ts';
import { isForcedRenewal } from '../actors/user/user-tls.ts';
import type { KafkaUser } from '../api/kafka-user.ts';
import { clusterLabel, forceRenewAnnotation } from '../api/labels.ts';
import { kafkaUserType } from '../api/resources.ts';
import {
  type UserContext,
  type UserReconciled,
  type UserReconcileInput,
  userMachine,
} from '../machines/user-machine.ts';
import type { RelatedKind, ResourceCaches, ResourceInformer, ResourceKind } from '../supervisor/contract.ts';

// The index of KafkaUsers by the Kafka cluster they belong to, for the orphan sweep.
const kafkaUserClusterIndex = 'cluster';
// The index of KafkaUsers by their cluster and name (principalKey), to find rivals without a scan.
const kafkaUserPrincipalIndex = 'principal';

export function watchUsers(
  caches: ResourceCaches,
  labelSelector: string | undefined,
  clusters: KafkaClusters,
) {
  return caches.watch<KafkaUser>(kafkaUserType, {
    labelSelector,
    indexers: {
      [kafkaUserClusterIndex]: (user) => [user.metadata?.labels?.[clusterLabel] ?? ''],
      [kafkaUserPrincipalIndex]: (user) => {
        const key = principalKey(clusters.clusterKeyOf(user), user);
        return key === undefined ? [] : [key];
      },
    },
  });
}

// The cached KafkaUsers of one Kafka cluster (by its strimzi.io/cluster label).
export function usersOfCluster(users: ResourceInformer<KafkaUser>, cluster: string): KafkaUser[] {
  return users.byIndex(kafkaUserClusterIndex, cluster);
}

// The users' Secrets, as Strimzi's user operator watches them: a deleted Secret is made again and
// strimzi.io/force-renew is served at once, not at the next resync. A Secret is named as its user.
// The cache keeps only which Secret it is and whether it asks for renewal: whole Secrets (passwords,
// keystores) would fill the heap at 10,000 users, and even their metadata takes ~15 MiB.
const userSecretType = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets' };

export function watchUserSecrets(caches: ResourceCaches) {
  return caches.watch<KubernetesObject>(userSecretType, {
    labelSelector: userSecretSelector,
    metadataOnly: true,
    trim: ({ metadata }) => ({
      metadata: {
        name: metadata?.name,
        namespace: metadata?.namespace,
        uid: metadata?.uid,
        resourceVersion: metadata?.resourceVersion,
        ...(isForcedRenewal({ metadata }) ? { annotations: { [forceRenewAnnotation]: 'true' } } : {}),
      },
    }),
  });
}

const userSecrets: RelatedKind = {
  type: userSecretType,
  ownerKeys: (secret) => [`${secret.metadata?.namespace}/${secret.metadata?.name}`],
  reconcileOnAdd: false,
  needsReconcile: (updated, old) => isForcedRenewal(updated) && !isForcedRenewal(old),
};

export function createUserKind(
  users: ResourceInformer<KafkaUser>,
  options: Omit<UserEffectsOptions, 'usersNaming'>,
): ResourceKind<KafkaUser> {
  const usersNaming = (key: string) => users.byIndex(kafkaUserPrincipalIndex, key);
  const effects = createUserEffects({ ...options, usersNaming });
  return {
    type: kafkaUserType,
    machine: userMachine.provide({
      actors: {
        reconcileUser: fromPromise<UserReconciled, UserReconcileInput>(({ input, signal }) =>
          effects.reconcileUser(input, signal),
        ),
        releaseUser: fromPromise<void, KafkaUser>(({ input }) => effects.releaseUser(input)),
        deleteUser: fromPromise<void, UserReconcileInput>(({ input, signal }) =>
          effects.deleteUser(input, signal),
        ),
      },
    }),
    buildStatus: (state, context, resource, now) =>
      buildUserStatus(state, context as UserContext, resource, now),
    related: [userSecrets],
    claimants: (user) => {
      const key = principalKey(options.clusters.clusterKeyOf(user), user);
      return key === undefined ? [] : usersNaming(key);
    },
  };
}
