// The project's cluster fixtures (test/fixtures: v1 clusters with node pools and legacy v1beta2 ones) as
// the operator reads them: the Kafka and its KafkaNodePools of one file, placed in a namespace with a uid,
// a legacy 3.4.0 raised to a supported version.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { AssignedAddresses } from '../../src/actors/cluster/broker-config/advertised-addresses.ts';
import { buildClusterModel } from '../../src/actors/cluster/cluster-model.ts';
import {
  buildDesiredObjects,
  type DesiredObjectInputs,
  type DesiredObjects,
} from '../../src/actors/cluster/desired-objects/desired-objects.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import type { KafkaNodePool } from '../../src/api/kafka-node-pool.ts';
import type { ClusterModel } from '../../src/machines/cluster-model.ts';

export const fixturesDirectory = join(import.meta.dirname, '../fixtures');
export const clustersDirectory = join(fixturesDirectory, 'clusters');
export const legacyDirectory = join(fixturesDirectory, 'legacy');

export interface ClusterFixture {
  /** The file name, e.g. separate-roles-jbod.yaml. */
  file: string;
  kafka: Kafka;
  pools: KafkaNodePool[];
}

/** Every cluster and legacy fixture, as runnable clusters. */
export function clusterFixtures(options: FixtureOptions = {}): ClusterFixture[] {
  return [clustersDirectory, legacyDirectory].flatMap((directory) =>
    readdirSync(directory)
      .filter((file) => file.endsWith('.yaml'))
      .sort()
      .map((file) => readClusterFixture(join(directory, file), options)),
  );
}

export interface FixtureOptions {
  /** Where the resources live; default kafka. */
  namespace?: string;
  /** The Kafka's uid; default a fixed one. */
  uid?: string;
  /** The Kafka version to run instead of the file's; a legacy 3.x always becomes 4.2.1. */
  version?: string;
}

export function readClusterFixture(path: string, options: FixtureOptions = {}): ClusterFixture {
  const namespace = options.namespace ?? 'kafka';
  const documents = loadAll(readFileSync(path, 'utf8')) as (Kafka | KafkaNodePool)[];
  const kafka = structuredClone(documents.find((document) => document.kind === 'Kafka') as Kafka);
  kafka.metadata = {
    ...kafka.metadata,
    namespace,
    uid: options.uid ?? '6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7',
  };
  const version = kafka.spec.kafka.version;
  // The legacy fixtures are written for Kafka 3.4.0 (ZooKeeper); the operator runs 4.x only.
  if (options.version || version?.startsWith('3.')) kafka.spec.kafka.version = options.version ?? '4.2.1';
  const pools = documents
    .filter((document): document is KafkaNodePool => document.kind === 'KafkaNodePool')
    .map((pool) => ({ ...pool, metadata: { ...pool.metadata, namespace } }));
  return { file: path.split('/').at(-1) ?? path, kafka, pools };
}

export function fixtureModel(fixture: ClusterFixture): ClusterModel {
  return buildClusterModel(fixture.kafka, fixture.pools, { podNodeIds: {} });
}

/** What Kubernetes would assign: a node port per broker of every nodeport listener, a host per load balancer. */
export function assignedAddressesFor(model: ClusterModel): AssignedAddresses {
  return Object.fromEntries(
    model.listeners.map((listener, index) => [
      listener.name,
      Object.fromEntries(
        model.nodes.map((node) => [
          node.id,
          { nodePort: 31000 + 100 * index + node.id, host: `lb-${node.id}.example` },
        ]),
      ),
    ]),
  );
}

/** The inputs the cluster effects would pass, with a placeholder certificate per node. */
export function fixtureInputs(
  model: ClusterModel,
  overrides: Partial<DesiredObjectInputs> = {},
): DesiredObjectInputs {
  return {
    nodeCertificates: new Map(
      model.nodes.map((node) => [
        node.id,
        { certificatePem: `certificate of ${node.podName}`, privateKeyPem: 'key' },
      ]),
    ),
    caGenerations: { clusterCaCert: 0, clusterCaKey: 0, clientsCaCert: 0 },
    assignedAddresses: assignedAddressesFor(model),
    operator: { namespace: 'operator', podLabels: { 'app.kubernetes.io/name': 'kafka-actor-operator' } },
    brokerAgentJar: Buffer.from('the broker agent jar').toString('base64'),
    ...overrides,
  };
}

export function fixtureObjects(fixture: ClusterFixture): { model: ClusterModel; desired: DesiredObjects } {
  const model = fixtureModel(fixture);
  return { model, desired: buildDesiredObjects(model, fixtureInputs(model)) };
}
