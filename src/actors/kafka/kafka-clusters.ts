// Finds the Kafka cluster a resource belongs to, from its strimzi.io/cluster label, and keeps one
// admin client per cluster. Clusters this operator does not run are configured in KAFKA_CLUSTERS.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import type { ExternalKafkaCluster } from '../../supervisor/config.ts';
import type { KafkaAdmin } from './kafka-admin.ts';
import type { KafkaConnectionSettings } from './platformatic-admin.ts';

export const clusterLabel = 'strimzi.io/cluster';

export type SecretReader = (namespace: string, name: string) => Promise<Record<string, string>>;
export type AdminFactory = (settings: KafkaConnectionSettings) => KafkaAdmin;

export interface KafkaClustersOptions {
  clusters: Record<string, ExternalKafkaCluster>;
  readSecret: SecretReader;
  createAdmin: AdminFactory;
  clientId: string;
}

export class KafkaClusters {
  readonly #options: KafkaClustersOptions;
  readonly #admins = new Map<string, Promise<KafkaAdmin>>();

  constructor(options: KafkaClustersOptions) {
    this.#options = options;
  }

  clusterOf(resource: KubernetesObject): string {
    const cluster = resource.metadata?.labels?.[clusterLabel];
    if (!cluster) {
      throw new ReconcileFailure(
        'InvalidResource',
        `${resource.kind} ${resource.metadata?.namespace}/${resource.metadata?.name} has no ${clusterLabel} label: ` +
          'set it to the name of the Kafka cluster it belongs to',
        { retryable: false },
      );
    }
    return cluster;
  }

  async adminFor(resource: KubernetesObject): Promise<KafkaAdmin> {
    const name = this.clusterOf(resource);
    const cluster = this.#options.clusters[name];
    if (!cluster) {
      throw new ReconcileFailure(
        'KafkaClusterNotFound',
        `Kafka cluster ${name} (label ${clusterLabel}) is not known to this operator: configure it in KAFKA_CLUSTERS ` +
          'or fix the label',
      );
    }
    let admin = this.#admins.get(name);
    if (!admin) {
      admin = this.#connect(name, cluster);
      this.#admins.set(name, admin);
      // A failed connection attempt is not cached: the next reconcile tries again.
      admin.catch(() => this.#admins.delete(name));
    }
    return admin;
  }

  async #connect(name: string, cluster: ExternalKafkaCluster): Promise<KafkaAdmin> {
    const settings: KafkaConnectionSettings = {
      bootstrap: cluster.bootstrap.split(','),
      clientId: `${this.#options.clientId}-${name}`,
      tls: cluster.tls,
    };
    if (cluster.credentialsSecret) {
      const [namespace = '', secretName = ''] = cluster.credentialsSecret.split('/');
      const data = await this.#options.readSecret(namespace, secretName).catch((error: unknown) => {
        throw new ReconcileFailure(
          'KafkaCredentialsNotFound',
          `cannot read Secret ${cluster.credentialsSecret} with the credentials for Kafka cluster ${name}: ` +
            `${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      });
      if (!data.username || !data.password) {
        throw new ReconcileFailure(
          'KafkaCredentialsNotFound',
          `Secret ${cluster.credentialsSecret} for Kafka cluster ${name} must hold the keys username and password`,
        );
      }
      settings.sasl = { username: data.username, password: data.password };
    }
    return this.#options.createAdmin(settings);
  }

  async close(): Promise<void> {
    const admins = await Promise.allSettled(this.#admins.values());
    this.#admins.clear();
    await Promise.all(admins.map((a) => (a.status === 'fulfilled' ? a.value.close() : undefined)));
  }
}
