// Shared set-up of the runtime's integration tests and benchmarks: the real apiserver (CRDs installed),
// Kafka, Redis, a fresh namespace, and the operator's settings pointing at all of them.

import { randomUUID } from 'node:crypto';
import { ApiException, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { PooledKubeConfig } from '../../src/actors/kubernetes/pooled-kube-config.ts';
import { installCustomResourceDefinitions } from '../../src/api/install.ts';
import { kafkaEnvironment, kubernetesEnvironment, redisEnvironment } from './environment.ts';
import { kafkaTopicClient } from './kafka-topics.ts';
import { waitFor } from './wait.ts';

// Resolves once the apiserver has deleted a namespace and everything in it.
export async function namespaceGone(core: CoreV1Api, namespace: string): Promise<void> {
  await waitFor(
    `namespace ${namespace} deleted`,
    () =>
      core.readNamespace({ name: namespace }).then(
        () => undefined,
        (error: unknown) => (error instanceof ApiException && error.code === 404 ? true : undefined),
      ),
    600_000,
    1_000,
  );
}

// `clusters`: more Kafka clusters (name: SASL bootstrap) the operator reaches with the same admin.
export async function operatorFixture(prefix: string, clusters: Record<string, string> = {}) {
  const kubernetes = kubernetesEnvironment();
  const kafka = kafkaEnvironment();
  const redis = redisEnvironment();
  const kc = new PooledKubeConfig();
  kc.loadFromFile(kubernetes.kubeconfig);
  await installCustomResourceDefinitions(kc);
  const namespace = `${prefix}-${randomUUID().slice(0, 8)}`;
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // The operator logs in to Kafka with SCRAM credentials from a Secret, as it would in production.
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: 'kafka-admin' },
      stringData: { username: kafka.adminUser, password: kafka.adminPassword },
    },
  });
  const env: Record<string, string> = {
    KUBECONFIG: kubernetes.kubeconfig,
    OPERATOR_NAMESPACE: namespace,
    WATCH_NAMESPACES: namespace,
    REDIS_URL: redis.url,
    // Each test file gets its own queue in the shared Redis.
    QUEUE_PREFIX: `kao-${namespace}`,
    LOG_LEVEL: 'debug',
    KAFKA_CLUSTERS: JSON.stringify(
      Object.fromEntries(
        Object.entries({ 'test-cluster': kafka.bootstrapSasl, ...clusters }).map(([name, bootstrap]) => [
          name,
          { bootstrap, credentialsSecret: `${namespace}/kafka-admin` },
        ]),
      ),
    ),
  };
  const custom = kc.makeApiClient(CustomObjectsApi);
  return {
    kc,
    kafka,
    redis,
    namespace,
    env,
    core,
    custom,
    // KafkaTopics in the fixture's namespace, labelled for its 'test-cluster'.
    kafkaTopics: kafkaTopicClient(custom, namespace),
    // untilGone: wait while the apiserver deletes the namespace's objects, so a benchmark's next
    // run does not share the machine with that work.
    cleanup: async (options: { untilGone?: boolean } = {}) => {
      await core.deleteNamespace({ name: namespace });
      if (options.untilGone) await namespaceGone(core, namespace);
      await kc.closePools();
    },
  };
}
