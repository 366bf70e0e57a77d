// What a new KafkaUser and a deleted one cost this machine, measured without the operator
// (bench/machine-costs.ts), with the operator's own code for each write. A new SCRAM user with 3
// ACLs: the user's create, the finalizer, the Secret (server-side apply), the status and the Event
// in the apiserver; its SCRAM credential and ACLs in Kafka. A deleted one: the user's delete, the
// credential, ACLs and Secret removed, and the finalizer taken off (the apiserver then deletes it).

import { PlatformaticKafkaAdmin } from '../src/actors/kafka/platformatic-admin.ts';
import { resourceRef } from '../src/actors/kubernetes/custom-resources.ts';
import { desiredAcls } from '../src/actors/user/user-acls.ts';
import { userFinalizer } from '../src/actors/user/user-effects.ts';
import { principalOf } from '../src/actors/user/user-principal.ts';
import { appliedPasswordAnnotation, appliedPasswordHash } from '../src/actors/user/user-scram.ts';
import { buildUserSecret, scramSecretData } from '../src/actors/user/user-secret.ts';
import { UserSecretStore } from '../src/actors/user/user-secret-store.ts';
import type { KafkaUser } from '../src/api/kafka-user.ts';
import { kafkaUserType } from '../src/api/resources.ts';
import { kafkaUserApi, kafkaUserClient } from '../test/support/kafka-users.ts';
import { benchUserSpec, inParallel } from './bench-support.ts';
import {
  costNamespace,
  describeStepCosts,
  type Fixture,
  type MachineCosts,
  measureStepCosts,
  sampleRound,
} from './machine-costs.ts';

export const newUser = 'a new user';
export const deletedUser = 'a deleted user';

export async function measureUserCosts(fixture: Fixture, sample: number): Promise<MachineCosts> {
  const { namespace, resources, events, remove } = await costNamespace(fixture);
  const secrets = new UserSecretStore(fixture.kc);
  // The operator's admin: its writes are batched as the operator batches them.
  const admin = new PlatformaticKafkaAdmin({ bootstrap: [fixture.kafka.bootstrap], clientId: 'bench-costs' });
  const names: string[] = [];
  const created = new Map<string, KafkaUser>();
  // Each user's Secret's resourceVersion as applied: the operator deletes it at the one it confirmed.
  const secretVersions = new Map<string, string>();
  const password = 'p'.repeat(32);
  const user = (name: string) => created.get(name) as KafkaUser;
  const aclsOf = (name: string) => desiredAcls(user(name), principalOf(name));

  const roundOf = (round: number) => {
    const { each } = sampleRound(
      names,
      Array.from({ length: sample }, (_, i) => `cost-${round}-${i}-${namespace}`),
    );
    return {
      [newUser]: {
        'create (the user)': each(async (name) => {
          const body = {
            apiVersion: 'kafka.strimzi.io/v1',
            kind: 'KafkaUser',
            metadata: { name, labels: { 'strimzi.io/cluster': 'test-cluster' } },
            spec: benchUserSpec(name),
          };
          created.set(
            name,
            (await fixture.custom.createNamespacedCustomObject({
              ...kafkaUserApi,
              namespace,
              body,
            })) as KafkaUser,
          );
        }),
        finalizer: each(async (name) => {
          await resources.addFinalizer(kafkaUserType, user(name), userFinalizer);
          // As the operator's cache has it by the time it deletes the user.
          const { metadata } = user(name);
          created.set(name, { ...user(name), metadata: { ...metadata, finalizers: [userFinalizer] } });
        }),
        'Kafka SCRAM credential': each((name) => admin.upsertScramCredential(name, password)),
        'Kafka ACLs': each((name) => admin.createAcls(aclsOf(name))),
        Secret: each(async (name) => {
          const applied = await secrets.apply(
            buildUserSecret(user(name), scramSecretData(name, password), {
              [appliedPasswordAnnotation]: appliedPasswordHash(user(name), password),
            }),
          );
          secretVersions.set(name, applied.metadata?.resourceVersion ?? '');
        }),
        status: each((name) =>
          resources.patchStatus(kafkaUserType, resourceRef(user(name)), {
            observedGeneration: 1,
            username: name,
            secret: name,
            conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }],
          }),
        ),
        Event: each((name) =>
          events.record(user(name), {
            type: 'Normal',
            reason: 'StateReady',
            message: 'KafkaUser is ready',
          }),
        ),
      },
      [deletedUser]: {
        'delete (the user)': each((name) =>
          fixture.custom.deleteNamespacedCustomObject({ ...kafkaUserApi, namespace, name }),
        ),
        'Kafka SCRAM credential': each((name) => admin.deleteScramCredential(name)),
        'Kafka ACLs': each((name) => admin.deleteAclsOf(principalOf(name))),
        Secret: each(async (name) => {
          if (!(await secrets.deleteAt(namespace, name, secretVersions.get(name) ?? '')))
            throw new Error(`the Secret ${namespace}/${name} changed after it was applied: not deleted`);
        }),
        'finalizer (then deleted)': each((name) =>
          resources.removeFinalizer(kafkaUserType, user(name), userFinalizer),
        ),
      },
    };
  };
  try {
    return await measureStepCosts(roundOf, sample);
  } finally {
    // Whatever a failed measurement left: credentials, ACLs, finalizers.
    await inParallel(names, 32, async (name) => {
      await admin.deleteScramCredential(name);
      if (created.has(name)) await admin.deleteAclsOf(principalOf(name));
    });
    await admin.close();
    const users = kafkaUserClient(fixture.custom, fixture.core, namespace);
    for (const left of await users.list()) {
      await users.patch(left.metadata.name ?? '', { metadata: { finalizers: null } });
    }
    await remove();
  }
}

export function describeUserCosts(costs: MachineCosts, sample: number): string {
  return describeStepCosts(costs, sample, 'user');
}
