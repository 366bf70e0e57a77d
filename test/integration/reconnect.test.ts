// Real services: kube-apiserver (reached through a TCP proxy the test can cut), Kafka, Redis
// (restarted by the test); the operator as a separate process.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KafkaTopic } from '../../src/api/kafka-topic.ts';
import { kafkaTopicType } from '../../src/api/resources.ts';
import { runDirectory, withRedisDown } from '../support/environment.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('reconnect');
const topics = {
  group: kafkaTopicType.group,
  version: kafkaTopicType.version,
  plural: kafkaTopicType.plural,
};
let operator: OperatorProcess;
let proxy: TcpProxy;

before(async () => {
  const apiserver = new URL(fixture.kc.getCurrentCluster()?.server ?? '');
  proxy = await startTcpProxy(apiserver.hostname, Number(apiserver.port));
  // The operator reaches the apiserver only through the proxy.
  const proxied = new KubeConfig();
  proxied.loadFromString(
    fixture.kc.exportConfig().replace(apiserver.origin, `https://127.0.0.1:${proxy.port}`),
  );
  const kubeconfig = join(runDirectory, `kubeconfig-proxied-${fixture.namespace}`);
  writeFileSync(kubeconfig, proxied.exportConfig());
  operator = startOperatorProcess('reconnect', { ...fixture.env, KUBECONFIG: kubeconfig });
  await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await proxy.close();
  await fixture.cleanup();
});

async function readTopic(name: string): Promise<KafkaTopic> {
  return (await fixture.custom.getNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    name,
  })) as KafkaTopic;
}

async function createTopic(name: string): Promise<void> {
  await fixture.custom.createNamespacedCustomObject({
    ...topics,
    namespace: fixture.namespace,
    body: {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaTopic',
      metadata: { name, labels: { 'strimzi.io/cluster': 'test-cluster' } },
      spec: { topicName: `${name}-${fixture.namespace}`, partitions: 1, replicas: 1 },
    },
  });
}

function observed(name: string, generation?: number) {
  return waitFor(
    `KafkaTopic ${name} to be Ready${generation ? ` at generation ${generation}` : ''}`,
    async () => {
      const topic = await readTopic(name);
      const ready = topic.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return ready && (!generation || topic.status?.observedGeneration === generation) ? topic : undefined;
    },
    90_000,
  );
}

test('a change made while Redis is restarted is reconciled afterwards', async () => {
  await createTopic('through-redis-restart');
  await observed('through-redis-restart');
  let generation = 0;
  await withRedisDown(async () => {
    const patched = (await fixture.custom.patchNamespacedCustomObject(
      {
        ...topics,
        namespace: fixture.namespace,
        name: 'through-redis-restart',
        body: { spec: { config: { 'retention.ms': 120_000 } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as KafkaTopic;
    generation = patched.metadata?.generation ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  });
  const topic = await observed('through-redis-restart', generation);
  assert.equal(topic.status?.observedGeneration, generation);
});

test('a resource created while the watch is broken is reconciled once the apiserver is reachable again', async () => {
  await createTopic('before-the-cut');
  await observed('before-the-cut');
  await proxy.cut();
  try {
    await createTopic('during-the-cut');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(
      (await readTopic('during-the-cut')).status,
      undefined,
      'nothing reconciled it while cut off',
    );
  } finally {
    await proxy.restore();
  }
  const topic = await observed('during-the-cut');
  assert.ok(topic.status?.topicId);
  const restarts = operator.logs().filter((line) => line.msg?.includes('restart') || line.msg === 'listed');
  assert.ok(restarts.length >= 2, 'the informer listed again after the break');
});
