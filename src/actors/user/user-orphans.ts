// Kafka users that no KafkaUser describes: left alone unless USER_OPERATOR_DELETE_ORPHANS=true,
// because deleting them (as Strimzi does) has locked out users created by other means. When on,
// every resync interval, while this replica leads, the users of each cluster that have a SCRAM
// credential, an ACL or a quota but no KafkaUser lose all three — except the operator's own
// principal, the brokers' super users and the names the ignore pattern matches.
import type { Logger } from 'pino';
import type { KafkaUser } from '../../api/kafka-user.ts';
import { clusterLabel } from '../../api/labels.ts';
import type { KafkaAdmin } from '../kafka/kafka-admin.ts';
import type { ExternalKafkaCluster, KafkaClusters } from '../kafka/kafka-clusters.ts';
import { removeFromKafka } from './user-kafka.ts';
import { otherUsernameOf, usernameOf } from './user-principal.ts';

const principalPrefix = 'User:';

// The user names Kafka holds for the cluster that no KafkaUser accounts for, in name order.
export function orphanUsernames(
  inKafka: Iterable<string>,
  kafkaUsers: readonly KafkaUser[],
  keep: (username: string) => boolean,
): string[] {
  // Both spellings of each KafkaUser: its other name is cleaned by its own reconcile.
  const known = new Set(kafkaUsers.flatMap((user) => [usernameOf(user), otherUsernameOf(user)]));
  return [...new Set(inKafka)].filter((name) => !known.has(name) && !keep(name)).sort();
}

export async function kafkaUsernames(admin: KafkaAdmin): Promise<string[]> {
  const [scram, principals, quotas] = await Promise.all([
    admin.listScramUsers(),
    admin.listAclPrincipals(),
    admin.listQuotaUsers(),
  ]);
  const aclUsers = principals
    .filter((principal) => principal.startsWith(principalPrefix))
    .map((principal) => principal.slice(principalPrefix.length));
  return [...scram, ...aclUsers, ...quotas];
}

export interface OrphanSweepOptions {
  clusters: string[];
  adminFor: (cluster: string) => Promise<KafkaAdmin>;
  // The user names never deleted in the cluster: the operator's own and the super users'.
  reservedUsernames: (cluster: string) => Promise<ReadonlySet<string>>;
  // The watched KafkaUsers of the cluster; undefined while the informer has not synced.
  kafkaUsersOf: (cluster: string) => readonly KafkaUser[] | undefined;
  ignored: RegExp | undefined;
  logger: Logger;
}

// One sweep over every cluster; returns what was deleted, per cluster.
export async function sweepOrphanUsers(options: OrphanSweepOptions): Promise<Record<string, string[]>> {
  const deleted: Record<string, string[]> = {};
  for (const cluster of options.clusters) {
    const kafkaUsers = options.kafkaUsersOf(cluster);
    if (!kafkaUsers) continue;
    const admin = await options.adminFor(cluster);
    const reserved = await options.reservedUsernames(cluster);
    const keep = (name: string) => reserved.has(name) || (options.ignored?.test(name) ?? false);
    const orphans = orphanUsernames(await kafkaUsernames(admin), kafkaUsers, keep);
    for (const name of orphans) {
      await removeFromKafka(admin, name, !name.startsWith('CN='));
      options.logger.info({ cluster, kafkaUser: name }, 'deleted a Kafka user that no KafkaUser describes');
    }
    deleted[cluster] = orphans;
  }
  return deleted;
}

// Sweeps every `intervalMs` until `signal` aborts (this replica stops leading). A failed sweep is
// logged and tried again at the next interval.
export function startOrphanSweeps(
  options: OrphanSweepOptions,
  intervalMs: number,
  signal: AbortSignal,
): void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepOrphanUsers(options)
      .catch((error: unknown) => options.logger.error({ err: error }, 'deleting orphan Kafka users failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

export interface OrphanSweepSources {
  kafkaClusters: Record<string, ExternalKafkaCluster>;
  clusters: KafkaClusters;
  kafkaUsersOf: OrphanSweepOptions['kafkaUsersOf'];
  ignored: RegExp | undefined;
  logger: Logger;
}

// The sweep over the clusters of KAFKA_CLUSTERS.
export function orphanSweepOver(sources: OrphanSweepSources): OrphanSweepOptions {
  const labelled = (cluster: string) => ({ metadata: { labels: { [clusterLabel]: cluster } } });
  return {
    clusters: Object.keys(sources.kafkaClusters),
    adminFor: (cluster) => sources.clusters.adminFor(labelled(cluster)),
    reservedUsernames: async (cluster) => {
      const { operator, superUsers } = await sources.clusters.reservedPrincipals(labelled(cluster));
      const principals = [...superUsers, ...(operator ? [operator] : [])];
      return new Set(
        principals.flatMap((p) => (p.startsWith(principalPrefix) ? [p.slice(principalPrefix.length)] : [])),
      );
    },
    kafkaUsersOf: sources.kafkaUsersOf,
    ignored: sources.ignored,
    logger: sources.logger,
  };
}
