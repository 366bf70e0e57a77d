// KafkaUsers in one namespace as tests and benchmarks use them: create, read, change, delete, and
// wait until the operator has done its part; and the user's Secret as applications read it.
import {
  ApiException,
  type CoreV1Api,
  type CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { Kafka, logLevel } from 'kafkajs';
import type { Condition } from '../../src/api/conditions.ts';
import type { KafkaUser, KafkaUserSpec } from '../../src/api/kafka-user.ts';
import { kafkaUserType } from '../../src/api/resources.ts';
import { waitFor } from './wait.ts';

export const kafkaUserApi = {
  group: kafkaUserType.group,
  version: kafkaUserType.version,
  plural: kafkaUserType.plural,
};

export function isReady(user: KafkaUser): boolean {
  return user.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export interface ScramCredentials {
  username: string;
  password: string;
}

// kafkajs, an independent client, logging in as a user on the SASL listener.
export function scramClient(bootstrapSasl: string, { username, password }: ScramCredentials): Kafka {
  return new Kafka({
    clientId: `user-test-${username}`,
    brokers: [bootstrapSasl],
    sasl: { mechanism: 'scram-sha-512', username, password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 5_000,
  });
}

// Whether Kafka accepts the credentials; false when it refuses the login, and throws on anything else.
export async function scramLogsIn(bootstrapSasl: string, credentials: ScramCredentials): Promise<boolean> {
  const admin = scramClient(bootstrapSasl, credentials).admin();
  try {
    await admin.connect();
    await admin.disconnect();
    return true;
  } catch (error) {
    if (/SASL|authentication/i.test(String(error))) return false;
    throw error;
  }
}

export function kafkaUserClient(custom: CustomObjectsApi, core: CoreV1Api, namespace: string) {
  const read = async (name: string): Promise<KafkaUser> =>
    (await custom.getNamespacedCustomObject({ ...kafkaUserApi, namespace, name })) as KafkaUser;

  const waitUntil = <T>(
    name: string,
    what: string,
    accept: (user: KafkaUser) => T | undefined,
    timeoutMs?: number,
  ) => waitFor(`KafkaUser ${namespace}/${name} ${what}`, async () => accept(await read(name)), timeoutMs);

  const createFromManifest = async (body: object): Promise<void> => {
    await custom.createNamespacedCustomObject({ ...kafkaUserApi, namespace, body });
  };

  return {
    read,
    waitUntil,
    createFromManifest,

    // Labelled for the fixture's 'test-cluster' unless told otherwise.
    create(name: string, spec: KafkaUserSpec, cluster = 'test-cluster'): Promise<void> {
      return createFromManifest({
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'KafkaUser',
        metadata: { name, labels: { 'strimzi.io/cluster': cluster } },
        spec,
      });
    },

    async patch(name: string, mergePatch: object): Promise<KafkaUser> {
      return (await custom.patchNamespacedCustomObject(
        { ...kafkaUserApi, namespace, name, body: mergePatch },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as KafkaUser;
    },

    async delete(name: string): Promise<void> {
      await custom.deleteNamespacedCustomObject({ ...kafkaUserApi, namespace, name });
    },

    // Deletes every KafkaUser of the namespace and waits until the operator's finalizer has let each go:
    // the broker is shared, so a test file's users leave it with the file.
    async deleteAll(): Promise<void> {
      const names = (await this.list()).map((user) => user.metadata.name ?? '');
      for (const name of names) await this.delete(name);
      for (const name of names) await this.waitGone(name);
    },

    async list(): Promise<KafkaUser[]> {
      return (
        (await custom.listNamespacedCustomObject({ ...kafkaUserApi, namespace })) as { items: KafkaUser[] }
      ).items;
    },

    // A Ready condition, True or False, for the current generation.
    waitSettled(name: string, timeoutMs?: number): Promise<{ user: KafkaUser; ready: Condition }> {
      return waitUntil(
        name,
        'to settle',
        (user) => {
          const ready = user.status?.conditions?.find((c) => c.type === 'Ready');
          return ready && user.status?.observedGeneration === user.metadata?.generation
            ? { user, ready }
            : undefined;
        },
        timeoutMs,
      );
    },

    // Ready at the current generation; a transient failure on the way (retried with backoff) is no failure.
    waitReady(name: string): Promise<KafkaUser> {
      return waitUntil(name, 'to be Ready', (user) => {
        const ready = user.status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status === 'True' && user.status?.observedGeneration === user.metadata?.generation
          ? user
          : undefined;
      });
    },

    waitGone(name: string): Promise<true> {
      return waitFor(`KafkaUser ${namespace}/${name} to be gone`, () =>
        read(name).then(
          () => undefined,
          (error: unknown) => {
            if (error instanceof ApiException && error.code === 404) return true;
            throw error;
          },
        ),
      );
    },

    // The user's Secret's keys, decoded; undefined while it does not exist.
    async secret(name: string): Promise<Record<string, Buffer> | undefined> {
      const secret = await core.readNamespacedSecret({ namespace, name }).catch((error: unknown) => {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw error;
      });
      if (!secret) return undefined;
      return Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
      );
    },
  };
}
