// Runs the operator on the local environment (test/env/up.sh): installs the CRDs, points the
// operator at the local Kafka as cluster "local", applies an example KafkaTopic and reports
// progress until it is Ready. Stops cleanly on Ctrl-C.

import { ApiException, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { PooledKubeConfig } from '../src/actors/kubernetes/pooled-kube-config.ts';
import { installCustomResourceDefinitions } from '../src/api/install.ts';
import type { KafkaTopic } from '../src/api/kafka-topic.ts';
import { kafkaTopicType } from '../src/api/resources.ts';
import { loadConfig } from '../src/config.ts';
import { startOperator } from '../src/operator.ts';
import { createLogger } from '../src/supervisor/logger.ts';
import { describeRedis } from '../src/supervisor/reconcile-queue.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through npm start, which starts the environment`);
  return value;
}

const namespace = 'default';
const kubeConfig = new PooledKubeConfig();
kubeConfig.loadFromFile(required('KUBECONFIG'));
await installCustomResourceDefinitions(kubeConfig);

const core = kubeConfig.makeApiClient(CoreV1Api);
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const credentials = { username: required('KAFKA_ADMIN_USER'), password: required('KAFKA_ADMIN_PASSWORD') };
await core
  .createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'local-kafka-admin' }, stringData: credentials },
  })
  .catch((error: unknown) => {
    if (!(error instanceof ApiException && error.code === 409)) throw error;
  });

const config = loadConfig({
  ...process.env,
  OPERATOR_NAMESPACE: namespace,
  WATCH_NAMESPACES: namespace,
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: process.env.HTTP_PORT ?? '8080',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  KAFKA_CLUSTERS: JSON.stringify({
    local: {
      bootstrap: required('KAFKA_BOOTSTRAP_SASL'),
      credentialsSecret: `${namespace}/local-kafka-admin`,
    },
  }),
});
const operator = await startOperator(config, createLogger(config.logLevel), kubeConfig);

const topics = {
  group: kafkaTopicType.group,
  version: kafkaTopicType.version,
  plural: kafkaTopicType.plural,
};
const example = {
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaTopic',
  metadata: { name: 'my-topic', labels: { 'strimzi.io/cluster': 'local' } },
  spec: { partitions: 3, replicas: 1, config: { 'retention.ms': 7200000, 'segment.bytes': 1073741824 } },
};
await custom.createNamespacedCustomObject({ ...topics, namespace, body: example }).catch((error: unknown) => {
  if (!(error instanceof ApiException && error.code === 409)) throw error;
});

const started = Date.now();
for (;;) {
  const topic = (await custom.getNamespacedCustomObject({
    ...topics,
    namespace,
    name: 'my-topic',
  })) as KafkaTopic;
  const ready = topic.status?.conditions?.find((c) => c.type === 'Ready');
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `[${seconds}s] KafkaTopic ${namespace}/my-topic: ${ready ? `Ready=${ready.status}` : 'pending'}`,
  );
  if (ready?.status === 'True') {
    console.log(`  Kafka topic ${topic.status?.topicName} (id ${topic.status?.topicId})`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

console.log(`
The operator is running (Ctrl-C stops it).
  kubectl:   KUBECONFIG=${process.env.KUBECONFIG} ${process.env.KUBECTL ?? 'kubectl'} get kafkatopics
  Kafka:     ${process.env.KAFKA_BOOTSTRAP} (PLAINTEXT), ${process.env.KAFKA_BOOTSTRAP_SASL} (SCRAM-SHA-512, user ${credentials.username}, Secret ${namespace}/local-kafka-admin)
  Redis:     ${describeRedis(config.redis)}
  operator:  http://127.0.0.1:${operator.httpPort}/metrics, /readyz
Apply your own KafkaTopics with the label strimzi.io/cluster: local.`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    operator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
