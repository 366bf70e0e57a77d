// Builds and runs one operator replica from its configuration, each part after what it reads:
// Kubernetes clients, the caches, the Kafka connections, the kinds it serves (reading the caches), the
// supervisor, leader election and the HTTP server.
import { readFileSync } from 'node:fs';
import { CoreV1Api, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { startBrokerRacks } from './actors/cluster/broker-racks.ts';
import { AdminPartitionReplicaCheck } from './actors/cluster/partition-replica-check.ts';
import { PlatformaticClusterHealthAdmin } from './actors/kafka/cluster-health-admin.ts';
import { KafkaClusters } from './actors/kafka/kafka-clusters.ts';
import { PlatformaticKafkaAdmin } from './actors/kafka/platformatic-admin.ts';
import { CustomResources } from './actors/kubernetes/custom-resources.ts';
import { EventRecorder, type EventToRecord } from './actors/kubernetes/event-recorder.ts';
import { KubernetesObjects } from './actors/kubernetes/kubernetes-objects.ts';
import { PooledKubeConfig } from './actors/kubernetes/pooled-kube-config.ts';
import { secretDataReader } from './actors/kubernetes/secret-data.ts';
import { orphanSweepOver, startOrphanSweeps } from './actors/user/user-orphans.ts';
import { ConfigError, type OperatorConfig } from './config.ts';
import { createClusterKind, watchClusters } from './kinds/cluster-kind.ts';
import { createTopicKind, watchTopics } from './kinds/topic-kind.ts';
import { createUserKind, usersOfCluster, watchUserSecrets, watchUsers } from './kinds/user-kind.ts';
import { startHttpServer } from './supervisor/http-server.ts';
import { LeaderElector } from './supervisor/leader-election.ts';
import { createMetrics } from './supervisor/metrics.ts';
import { ReconcileQueue, verifyRedisCredentials } from './supervisor/reconcile-queue.ts';
import { ApiserverAuthorizer, type GuardedService } from './supervisor/request-authorizer.ts';
import { ResourceCaches } from './supervisor/resource-caches.ts';
import { startStateChartView } from './supervisor/state-chart/view/server.ts';
import { Supervisor } from './supervisor/supervisor.ts';
import { WriteFence } from './supervisor/write-fence.ts';

// The brokers' readiness agent, shipped to every cluster the operator runs: without it no broker turns Ready.
function readBrokerAgentJar(path: string): string {
  try {
    return readFileSync(path).toString('base64');
  } catch (error) {
    throw new ConfigError(
      `BROKER_AGENT_JAR: cannot read the brokers' readiness agent at ${path} (bash kafka-agent/build.sh ` +
        `builds it): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export interface RunningOperator {
  httpPort: number;
  // undefined while the view is off (STATE_CHART_VIEW_PORT unset).
  stateChartViewPort: number | undefined;
  supervisor: Supervisor;
  elector: LeaderElector;
  stop(): Promise<void>;
}

// status.operatorLastSuccessfulVersion of the Kafka clusters this operator reconciled.
const operatorVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

// The chart's selector labels of the operator's pods: the clusters' network policies let them in.
const operatorPodLabels = {
  'app.kubernetes.io/name': 'kafka-actor-operator',
  'app.kubernetes.io/component': 'operator',
};

// /readyz answers within a probe's usual timeout even while Redis hangs.
const redisPingTimeoutMs = 1_000;
// A broker pod whose rack could not be written (its node lacks the label, the apiserver failed) is tried again.
const rackRetryMs = 10_000;

export function loadKubeConfig(): PooledKubeConfig {
  const kubeConfig = new PooledKubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}

export async function startOperator(config: OperatorConfig, logger: Logger, kubeConfig = loadKubeConfig()) {
  const metrics = createMetrics();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const resources = new CustomResources(kubeConfig);
  const caches = new ResourceCaches({
    kubeConfig,
    namespaces: config.watchNamespaces,
    idleRestartMs: config.informerIdleRestartMs,
    logger,
  });
  // The Kafkas this operator runs (none unless RUN_KAFKA_CLUSTERS is on: no informer, nothing cached).
  const kafkaClusters = config.runKafkaClusters ? watchClusters(caches, config.labelSelector) : undefined;
  const findKafka = (namespace: string, name: string) => kafkaClusters?.kafkas.get(namespace, name);
  // Open while this replica holds the Lease: no Kafka write of a former leader's work goes out.
  const fence = new WriteFence();
  const clusters = new KafkaClusters({
    clusters: config.kafkaClusters,
    clientId: 'kafka-actor-operator',
    createAdmin: (settings) =>
      new PlatformaticKafkaAdmin(settings, {
        requests: metrics.kafkaRequests,
        fence: () => fence.check('Kafka write'),
      }),
    findKafka,
    readSecret: secretDataReader(core),
  });
  const topics = watchTopics(caches, config.labelSelector);
  const users = watchUsers(caches, config.labelSelector, clusters);
  const userSecrets = watchUserSecrets(caches);
  await verifyRedisCredentials(config.redis, logger);
  const queue = new ReconcileQueue({
    redis: config.redis,
    prefix: config.queuePrefix,
    concurrency: config.reconcileConcurrency,
    coalesceMs: config.coalesceMs,
    lockDurationMs: config.lease.durationMs,
    logger,
  });
  const events = new EventRecorder(kubeConfig, 'kafka-actor-operator', config.identity);
  // An Event that cannot be written is logged; it does not fail what it reports.
  const recordEvent = (resource: KubernetesObject, event: EventToRecord) =>
    events
      .record(resource, event)
      .catch((error: unknown) =>
        logger.warn({ err: error, event: event.reason }, 'could not record a Kubernetes Event'),
      );
  const topicKind = createTopicKind(topics, {
    clusters,
    resources,
    useFinalizers: config.useFinalizers,
    maxPartitions: config.maxTopicPartitions,
    recordEvent,
  });
  const userKind = createUserKind(users, {
    clusters,
    resources,
    kubeConfig,
    core,
    useFinalizers: config.useFinalizers,
    certificates: {
      validityDays: config.users.certificateValidityDays,
      renewalDays: config.users.certificateRenewalDays,
    },
    findKafka,
    cachedSecret: (namespace, name) => userSecrets.get(namespace, name),
    recordEvent,
  });
  const objects = new KubernetesObjects(kubeConfig);
  const kinds = kafkaClusters
    ? [
        topicKind,
        userKind,
        createClusterKind(kafkaClusters, {
          api: objects,
          core,
          resources,
          replicaCheck: new AdminPartitionReplicaCheck({ timeoutMs: 5_000 }),
          openClusterAdmin: (access) => new PlatformaticClusterHealthAdmin({ ...access, timeoutMs: 5_000 }),
          recordEvent,
          operator: { namespace: config.operatorNamespace, podLabels: operatorPodLabels },
          operationTimeoutMs: config.operationTimeoutMs,
          brokerAgentJar: readBrokerAgentJar(config.brokerAgentJar),
          operatorVersion,
        }),
      ]
    : [topicKind, userKind];
  const supervisor = new Supervisor({
    caches,
    kinds,
    resyncIntervalMs: config.resyncIntervalMs,
    retry: config.retry,
    queue,
    resources,
    events,
    metrics,
    logger,
  });
  const orphanSweep = orphanSweepOver({
    kafkaClusters: config.kafkaClusters,
    clusters,
    kafkaUsersOf: (cluster) => (caches.hasSynced() ? usersOfCluster(users, cluster) : undefined),
    ignored: config.users.ignoredUsers,
    logger,
  });
  const elector = new LeaderElector({
    kubeConfig,
    namespace: config.operatorNamespace,
    leaseName: config.lease.name,
    identity: config.identity,
    leaseDurationMs: config.lease.durationMs,
    renewDeadlineMs: config.lease.renewDeadlineMs,
    retryPeriodMs: config.lease.retryPeriodMs,
    logger,
    onStartedLeading: (signal) => {
      logger.info({ identity: config.identity }, 'leading: reconciling');
      fence.open();
      signal.addEventListener('abort', () => {
        fence.close();
        supervisor
          .stopReconciling('leadership lost')
          .catch((error: unknown) => logger.error({ err: error }, 'stopping the reconcile worker failed'));
      });
      supervisor.startReconciling();
      if (config.users.deleteOrphans) startOrphanSweeps(orphanSweep, config.resyncIntervalMs, signal);
      if (kafkaClusters) {
        startBrokerRacks(
          kafkaClusters.pods,
          { api: objects, recordEvent, logger, retryMs: rackRetryMs },
          signal,
        );
      }
    },
    onStoppedLeading: () => supervisor.stopReconciling('leadership released'),
    onNewLeader: (identity) => logger.info({ leader: identity }, 'observed leader'),
  });

  const guardedBy = (service: GuardedService | undefined) =>
    service ? new ApiserverAuthorizer(kubeConfig, service, logger) : undefined;
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    registry: metrics.registry,
    metricsAuthorizer: guardedBy(config.http.metricsAuthorization),
    logger,
    readiness: async () => {
      const redis = await queue.ping(redisPingTimeoutMs).catch(() => false);
      const checks = {
        informersSynced: supervisor.hasSynced(),
        redis,
        leadershipKnown: elector.leaderKnown(),
      };
      return { ready: Object.values(checks).every(Boolean), checks };
    },
  });
  const stateChartView = config.stateChartView
    ? await startStateChartView({
        ...config.stateChartView,
        authorizer: guardedBy(config.stateChartView.authorization),
        registry: supervisor.registry,
        kinds,
        logger,
      })
    : undefined;
  // Said before the informers sync, which waits as long as RBAC or the apiserver stop it.
  logger.info({ httpPort: http.port, stateChartViewPort: stateChartView?.port }, 'serving HTTP');
  await supervisor.start();
  elector.start();
  logger.info(
    {
      identity: config.identity,
      namespaces: config.watchNamespaces,
      httpPort: http.port,
      stateChartViewPort: stateChartView?.port,
    },
    'operator started',
  );

  return {
    httpPort: http.port,
    stateChartViewPort: stateChartView?.port,
    supervisor,
    elector,
    async stop() {
      // Drain while still leading, so that no follower starts before this replica's work is over.
      await supervisor.stopReconciling('shutting down', config.shutdownDrainMs);
      await elector.stop();
      await supervisor.stop();
      await queue.close();
      await clusters.close();
      await stateChartView?.close();
      await new Promise((resolve) => http.server.close(resolve));
      await kubeConfig.closePools();
    },
  } satisfies RunningOperator;
}
