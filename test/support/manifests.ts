// Manifests as users write them: YAML files of one or more documents, read and applied as they stand.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ApiException, type CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { clusterProgressReasons } from '../../src/actors/cluster/cluster-waits.ts';
import type { Condition } from '../../src/api/conditions.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import { kafkaNodePoolType, kafkaType, resourceTypeForKind } from '../../src/api/resources.ts';
import { testEnvironmentKafkaVersion } from './local-kafka-nodes.ts';
import { waitFor } from './wait.ts';

export type Manifest = KubernetesObject & { spec?: Record<string, unknown> };

/** The documents of one YAML file, empty ones left out. */
export function readManifests(path: string): Manifest[] {
  return (loadAll(readFileSync(path, 'utf8')) as (Manifest | null | undefined)[]).filter(
    (manifest): manifest is Manifest => manifest !== null && manifest !== undefined,
  );
}

export interface ManifestFile {
  /** The file's path under the directory it was found in. */
  file: string;
  manifests: Manifest[];
}

/** Every YAML file under a directory, at any depth, in a stable order. */
export function manifestFilesUnder(directory: string): ManifestFile[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.yaml') || path.endsWith('.yml'))
    .sort()
    .map((path) => ({
      file: relative(directory, join(directory, path)),
      manifests: readManifests(join(directory, path)),
    }));
}

/** The custom resources of kafka.strimzi.io among some manifests (CRDs and other kinds left out). */
export function strimziResources(manifests: readonly Manifest[]): Manifest[] {
  return manifests.filter((manifest) => manifest.apiVersion?.startsWith(`${kafkaType.group}/`));
}

/**
 * Each manifest as the apiserver's dry run takes it: refused, or accepted with a spec other than the one
 * sent (pruning drops unknown fields silently). Empty when every one is kept whole.
 */
export async function dryRunProblems(
  custom: CustomObjectsApi,
  namespace: string,
  files: readonly ManifestFile[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const { file, manifests } of files) {
    for (const manifest of strimziResources(manifests)) {
      const identity = `${file}: ${manifest.kind} ${manifest.metadata?.name}`;
      const version = manifest.apiVersion?.split('/')[1] ?? '';
      try {
        const type = resourceTypeForKind(manifest.kind ?? '');
        const accepted = await custom.createNamespacedCustomObject({
          group: type.group,
          version,
          plural: type.plural,
          namespace,
          body: manifest,
          dryRun: 'All',
        });
        if (!isDeepStrictEqual(accepted.spec, manifest.spec)) {
          problems.push(`${identity} came back as ${JSON.stringify(accepted.spec)}`);
        }
      } catch (error) {
        problems.push(`${identity} was refused: ${error instanceof ApiException ? error.body : error}`);
      }
    }
  }
  return problems;
}

export function conditionOf(resource: Kafka, type: string): Condition | undefined {
  return resource.status?.conditions?.find((condition) => condition.type === type);
}

/** Kafkas and KafkaNodePools in the apiserver, created and read back as a user would. */
export function kafkaClusterClient(custom: CustomObjectsApi) {
  const read = async (namespace: string, name = 'my-cluster'): Promise<Kafka> =>
    (await custom.getNamespacedCustomObject({ ...kafkaType, namespace, name })) as Kafka;

  // The Kafka once a reconcile of its current generation settled Ready or NotReady (other than while
  // its steps are under way: a roll, new pods starting).
  const settled = (namespace: string, name = 'my-cluster', timeoutMs = 120_000): Promise<Kafka> =>
    waitFor(
      `Kafka ${namespace}/${name} to settle`,
      async () => {
        const kafka = await read(namespace, name);
        const notReady = conditionOf(kafka, 'NotReady');
        const done =
          conditionOf(kafka, 'Ready') ??
          (clusterProgressReasons.has(notReady?.reason ?? '') ? undefined : notReady);
        return done && kafka.status?.observedGeneration === kafka.metadata?.generation ? kafka : undefined;
      },
      timeoutMs,
      500,
    );

  return {
    read,
    settled,

    async readPool(namespace: string, name: string): Promise<KafkaNodePool> {
      return (await custom.getNamespacedCustomObject({
        ...kafkaNodePoolType,
        namespace,
        name,
      })) as KafkaNodePool;
    },

    /** The settled Kafka, failing the test unless it is Ready. */
    async ready(namespace: string, name = 'my-cluster'): Promise<Kafka> {
      const kafka = await settled(namespace, name);
      const notReady = conditionOf(kafka, 'NotReady');
      if (notReady)
        throw new Error(`Kafka ${namespace}/${name} NotReady: ${notReady.reason}: ${notReady.message}`);
      if (conditionOf(kafka, 'Ready')?.status !== 'True') {
        throw new Error(
          `Kafka ${namespace}/${name} is not Ready: ${JSON.stringify(kafka.status?.conditions)}`,
        );
      }
      return kafka;
    },

    /** Creates the Kafkas and KafkaNodePools of some manifests, pools first. */
    async createAll(namespace: string, objects: readonly Manifest[]): Promise<void> {
      // Pools first: a Kafka reconciled before its pools exist would plan without them.
      const ordered = [...objects].sort((a, b) => Number(a.kind === 'Kafka') - Number(b.kind === 'Kafka'));
      for (const object of ordered) {
        const type = resourceTypeForKind(object.kind ?? '');
        await custom.createNamespacedCustomObject({
          group: type.group,
          version: object.apiVersion?.split('/')[1] ?? type.version,
          namespace,
          plural: type.plural,
          body: object,
        });
      }
    },
  };
}

/** The single-node example (test/fixtures) on the test environment's Kafka version, its pool as `editPool` leaves it. */
export function singleNodeOnTestKafka(editPool: (pool: KafkaNodePool) => void = () => {}): Manifest[] {
  return readManifests(join(import.meta.dirname, '../fixtures/clusters/single-node.yaml')).map((manifest) => {
    if (manifest.kind === 'Kafka') {
      const kafka = structuredClone(manifest) as Kafka;
      kafka.spec.kafka.version = testEnvironmentKafkaVersion();
      delete kafka.spec.kafka.metadataVersion;
      return kafka;
    }
    const pool = structuredClone(manifest) as KafkaNodePool;
    editPool(pool);
    return pool;
  });
}
