// Real services: kube-apiserver (reached through a TCP proxy the test can cut), Kafka, Redis
// (restarted by the test); the operator as a separate process.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startApiserverProxy } from '../support/apiserver-proxy.ts';
import { runDirectory, withRedisDown } from '../support/environment.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import type { TcpProxy } from '../support/tcp-proxy.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('reconnect');
const topics = fixture.kafkaTopics;
// Waits here include a reconnect to Redis or to the apiserver.
const readyTimeoutMs = 90_000;
let operator: OperatorProcess;
let proxy: TcpProxy;

before(async () => {
  // The operator reaches the apiserver only through the proxy.
  const proxied = await startApiserverProxy(fixture.kc);
  proxy = proxied.proxy;
  const kubeconfig = join(runDirectory, `kubeconfig-proxied-${fixture.namespace}`);
  writeFileSync(kubeconfig, proxied.kubeConfig.exportConfig());
  operator = startOperatorProcess('reconnect', { ...fixture.env, KUBECONFIG: kubeconfig });
  await operator.httpPort();
});
after(async () => {
  await operator.stop();
  await proxy.close();
  await fixture.cleanup();
});

const refusedEnqueues = () =>
  operator.logs().filter((line) => line.msg === 'cannot enqueue reconciles' && line.kind === 'KafkaTopic');

test('a change made while Redis is restarted is reconciled afterwards', async () => {
  await topics.create('through-redis-restart');
  await topics.waitReady('through-redis-restart', { timeoutMs: readyTimeoutMs });
  let generation = 0;
  await withRedisDown(async () => {
    const refusedBefore = refusedEnqueues().length;
    const patched = await topics.patch('through-redis-restart', {
      spec: { config: { 'retention.ms': 120_000 } },
    });
    generation = patched.metadata?.generation ?? 0;
    // Redis stays down until the operator has seen the change and could not queue it.
    await waitFor('the change to be refused by the queue', async () =>
      refusedEnqueues().length > refusedBefore ? true : undefined,
    );
  });
  const topic = await topics.waitReady('through-redis-restart', { generation, timeoutMs: readyTimeoutMs });
  assert.equal(topic.status?.observedGeneration, generation);
});

const failedWatches = () =>
  operator
    .logs()
    .filter(
      (line) =>
        String(line.resource).startsWith('kafkatopics.') &&
        line.level >= 40 &&
        line.msg.includes('relisting in'),
    );

test('a resource created while the watch is broken is reconciled once the apiserver is reachable again', async () => {
  await topics.create('before-the-cut');
  await topics.waitReady('before-the-cut', { timeoutMs: readyTimeoutMs });
  await proxy.cut();
  try {
    const failedBefore = failedWatches().length;
    await topics.create('during-the-cut');
    // Two attempts to reach the apiserver after the resource existed: the operator tried, and could not see it.
    await waitFor('two failed relists of the topics', async () =>
      failedWatches().length >= failedBefore + 2 ? true : undefined,
    );
    assert.equal(
      (await topics.read('during-the-cut')).status,
      undefined,
      'nothing reconciled it while cut off',
    );
  } finally {
    await proxy.restore();
  }
  const topic = await topics.waitReady('during-the-cut', { timeoutMs: readyTimeoutMs });
  assert.ok(topic.status?.topicId);
  const restarts = operator.logs().filter((line) => line.msg?.includes('restart') || line.msg === 'listed');
  assert.ok(restarts.length >= 2, 'the informer listed again after the break');
});
