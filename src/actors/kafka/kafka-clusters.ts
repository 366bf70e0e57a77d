// Finds the Kafka cluster a resource belongs to, from its strimzi.io/cluster label, and keeps one
// admin client per cluster: a cluster configured in KAFKA_CLUSTERS (one this operator does not run),
// else a Kafka of that name in the resource's namespace that this operator runs.
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Kafka } from '../../api/kafka.ts';
import { clusterLabel } from '../../api/labels.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { superUserPrincipals } from '../cluster/broker-config/authorization-config.ts';
import type { ClusterAccess } from '../cluster/partition-replica-check.ts';
import type { KafkaAdmin } from './kafka-admin.ts';
import { checkManagedCluster, managedClusterAccess, type SecretReader } from './managed-cluster-access.ts';
import type { KafkaConnectionSettings } from './platformatic-admin.ts';

export type { SecretReader };

// A Kafka cluster the operator does not run, as KAFKA_CLUSTERS configures it.
export interface ExternalKafkaCluster {
  bootstrap: string;
  // A Secret (namespace/name) with `username` and `password` for SASL/SCRAM-SHA-512; absent: no SASL.
  credentialsSecret?: string;
  tls?: boolean;
  // The brokers' super.users (User:<name> principals): Kafka does not disclose it, and no
  // KafkaUser may take one of them.
  superUsers?: string[];
}

export type AdminFactory = (settings: KafkaConnectionSettings) => KafkaAdmin;

// The principals of a cluster that no resource may take: the one this operator logs in as (when
// it logs in with a user name) and the brokers' super users (as KAFKA_CLUSTERS lists them for a
// cluster this operator does not run; Kafka keeps super.users to itself).
export interface ReservedPrincipals {
  operator: string | undefined;
  superUsers: ReadonlySet<string>;
}

export interface KafkaClustersOptions {
  clusters: Record<string, ExternalKafkaCluster>;
  readSecret: SecretReader;
  createAdmin: AdminFactory;
  clientId: string;
  // The Kafkas this operator runs, from the informer's cache: no API call per reconcile.
  findKafka?: (namespace: string, name: string) => Kafka | undefined;
  // Development and tests only: reaches a managed cluster from outside Kubernetes, where
  // <cluster>-kafka-bootstrap.<namespace>.svc does not resolve (e.g. adds a tls `lookup`).
  reachManaged?: (access: ClusterAccess, kafka: Kafka) => ClusterAccess;
  // How often a managed cluster's Secrets are read again, so that renewed certificates are used (default 1 min).
  credentialsRecheckMs?: number;
  now?: () => number;
}

// What a managed cluster's Secrets held, as a digest: the keys themselves are not kept twice.
function digestOf(access: ClusterAccess): string {
  return createHash('sha256')
    .update(JSON.stringify([access.tls?.ca, access.tls?.cert, access.tls?.key]))
    .digest('hex');
}

export class KafkaClusters {
  readonly #options: KafkaClustersOptions;
  readonly #admins = new Map<string, Promise<KafkaAdmin>>();
  // Managed clusters: what their Secrets held when last read, and a re-read under way.
  readonly #credentials = new Map<string, { digest: string; readAt: number }>();
  readonly #rechecks = new Map<string, Promise<void>>();
  // The principal this operator logs in as, by cluster key (SASL clusters of KAFKA_CLUSTERS).
  readonly #operatorPrincipals = new Map<string, string>();

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

  // One key for every resource that reaches the same cluster: one of KAFKA_CLUSTERS is shared by
  // every namespace, any other is the Kafka of that name in the resource's own namespace.
  // Undefined without the label.
  clusterKeyOf(resource: KubernetesObject): string | undefined {
    const name = resource.metadata?.labels?.[clusterLabel];
    if (!name) return undefined;
    return this.#options.clusters[name]
      ? `external:${name}`
      : `managed:${resource.metadata?.namespace}/${name}`;
  }

  async adminFor(resource: KubernetesObject): Promise<KafkaAdmin> {
    const name = this.clusterOf(resource);
    const clusterKey = this.clusterKeyOf(resource) ?? '';
    const cluster = this.#options.clusters[name];
    if (cluster) return this.#cached(clusterKey, () => this.#connect(clusterKey, name, cluster));
    const namespace = resource.metadata?.namespace;
    const kafka = namespace ? this.#options.findKafka?.(namespace, name) : undefined;
    // Keyed by the Kafka's uid too: a Kafka deleted and made again has new certificates.
    const prefix = `${clusterKey}@`;
    const key = `${prefix}${kafka?.metadata.uid}`;
    for (const stale of [...this.#admins.keys()].filter((k) => k.startsWith(prefix) && k !== key)) {
      this.#forget(stale);
    }
    if (!kafka) {
      throw new ReconcileFailure(
        'KafkaClusterNotFound',
        `Kafka cluster ${name} (label ${clusterLabel}) is not known to this operator: configure it in KAFKA_CLUSTERS, ` +
          `create a Kafka ${name} in namespace ${namespace} (with RUN_KAFKA_CLUSTERS on), or fix the label`,
      );
    }
    checkManagedCluster(kafka, resource);
    const known = this.#credentials.get(key);
    if (known && this.#now() - known.readAt >= (this.#options.credentialsRecheckMs ?? 60_000)) {
      await this.#recheck(key, kafka, known.digest);
    }
    return this.#cached(key, () => this.#connectManaged(key, kafka));
  }

  // Known once the cluster is reached (adminFor): the operator's principal is read with its credentials.
  async reservedPrincipals(resource: KubernetesObject): Promise<ReservedPrincipals> {
    await this.adminFor(resource);
    const name = this.clusterOf(resource);
    const external = this.#options.clusters[name];
    if (external) {
      return {
        operator: this.#operatorPrincipals.get(this.clusterKeyOf(resource) ?? ''),
        superUsers: new Set(external.superUsers),
      };
    }
    const kafka = this.#options.findKafka?.(resource.metadata?.namespace ?? '', name);
    const superUsers = superUserPrincipals(name, kafka?.spec.kafka.authorization?.superUsers ?? []);
    // The operator's own certificate (CN=cluster-operator) is one of the cluster's super users.
    return { operator: undefined, superUsers: new Set(superUsers) };
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  // Reads a managed cluster's Secrets again, once for all callers: a renewed certificate or CA replaces the admin.
  #recheck(key: string, kafka: Kafka, digest: string): Promise<void> {
    let running = this.#rechecks.get(key);
    if (!running) {
      running = managedClusterAccess(kafka, this.#options.readSecret)
        .then((access) => {
          if (digestOf(access) === digest) this.#credentials.set(key, { digest, readAt: this.#now() });
          else this.#forget(key);
        })
        .finally(() => this.#rechecks.delete(key));
      this.#rechecks.set(key, running);
    }
    return running;
  }

  #cached(key: string, connect: () => Promise<KafkaAdmin>): Promise<KafkaAdmin> {
    let admin = this.#admins.get(key);
    if (!admin) {
      admin = connect();
      this.#admins.set(key, admin);
      // A failed connection attempt is not cached: the next reconcile tries again.
      admin.catch(() => this.#admins.delete(key));
    }
    return admin;
  }

  // The admin of a Kafka deleted, made again or with new certificates: closed; one that never connected has nothing to close.
  #forget(key: string): void {
    const admin = this.#admins.get(key);
    this.#admins.delete(key);
    this.#credentials.delete(key);
    admin?.then((a) => a.close()).catch(() => undefined);
  }

  async #connectManaged(key: string, kafka: Kafka): Promise<KafkaAdmin> {
    const access = await managedClusterAccess(kafka, this.#options.readSecret);
    this.#credentials.set(key, { digest: digestOf(access), readAt: this.#now() });
    const reached = this.#options.reachManaged?.(access, kafka) ?? access;
    return this.#options.createAdmin({
      bootstrap: reached.bootstrap,
      clientId: `${this.#options.clientId}-${kafka.metadata.namespace}-${kafka.metadata.name}`,
      tls: reached.tls,
    });
  }

  async #connect(key: string, name: string, cluster: ExternalKafkaCluster): Promise<KafkaAdmin> {
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
      this.#operatorPrincipals.set(key, `User:${data.username}`);
    }
    return this.#options.createAdmin(settings);
  }

  async close(): Promise<void> {
    const admins = await Promise.allSettled(this.#admins.values());
    this.#admins.clear();
    this.#credentials.clear();
    await Promise.all(admins.map((a) => (a.status === 'fulfilled' ? a.value.close() : undefined)));
  }
}
