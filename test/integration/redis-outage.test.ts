// Real services: kube-apiserver, Kafka (SASL/SCRAM), and a Redis of this file's own (other test files
// share the environment's, which must not go away under them); the operator as a separate process with
// no periodic resync. Redis is stopped while KafkaTopics and KafkaUsers are created, changed
// and deleted, until the queue has refused each change: the operator says it cannot reconcile, and
// applies every change once Redis is back.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import { runDirectory, startRedisServer } from '../support/environment.ts';
import { freePort } from '../support/free-port.ts';
import { kafkaUserClient } from '../support/kafka-users.ts';
import { readMetric } from '../support/metrics.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('redis-outage');
const { namespace, kafka, core, custom } = fixture;
const topics = fixture.kafkaTopics;
const users = kafkaUserClient(custom, core, namespace);
const suffix = namespace.slice(namespace.lastIndexOf('-') + 1);
const unique = (name: string) => `${name}-${suffix}`;
const topicName = (name: string) => `${name}-${namespace}`;
const redisLog = join(runDirectory, 'logs', `redis-${namespace}.log`);
const observer = new PlatformaticKafkaAdmin(
  { bootstrap: [kafka.bootstrap], clientId: 'redis-outage-observer' },
  { snapshotMaxAgeMs: 0 },
);
const topicObserver = new Admin({ clientId: 'redis-outage-topics', bootstrapBrokers: [kafka.bootstrap] });
let redisPort: number;
let redis: ChildProcess;
let operator: OperatorProcess;
let httpPort: number;

before(async () => {
  redisPort = await freePort();
  redis = await startRedisServer(redisPort, redisLog);
  operator = startOperatorProcess('redis-outage', {
    ...fixture.env,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    // Only events and the reconnect reconcile: what is applied after the outage is the reconnect's doing.
    RESYNC_INTERVAL_MS: '3600000',
  });
  httpPort = await operator.httpPort();
});
after(async () => {
  await users.deleteAll();
  await operator.stop();
  redis.kill();
  await observer.close();
  await topicObserver.close();
  await fixture.cleanup();
});

async function readiness(): Promise<{ status: number; redis: boolean; tookMs: number }> {
  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${httpPort}/readyz`, {
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { checks: { redis: boolean } };
  return { status: response.status, redis: body.checks.redis, tookMs: Date.now() - started };
}

async function retentionOf(name: string): Promise<string | undefined> {
  const [described] = await topicObserver.describeConfigs({
    resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: name }],
  });
  return described?.configs?.find((config) => config.name === 'retention.ms')?.value ?? undefined;
}

test('with Redis gone the operator says it cannot reconcile, and once it is back Kafka matches every change made meanwhile', async () => {
  const scram = { authentication: { type: 'scram-sha-512' as const } };
  await topics.create('kept');
  await topics.create('deleted-meanwhile');
  await users.create(unique('untouched'), scram);
  await users.create(unique('gone-meanwhile'), scram);
  await topics.waitReady('kept');
  await topics.waitReady('deleted-meanwhile');
  const untouched = (await users.waitSettled(unique('untouched'))).user;
  await users.waitSettled(unique('gone-meanwhile'));
  assert.equal((await readiness()).status, 200);

  redis.kill('SIGKILL');
  const outageStarted = Date.now();
  const logsBeforeOutage = operator.logs().length;
  const notReady = await waitFor('/readyz to report Redis down', async () => {
    const answer = await readiness();
    return answer.status === 503 ? answer : undefined;
  });
  assert.equal(notReady.redis, false);
  assert.ok(Date.now() - outageStarted < 10_000, 'not ready within seconds of the loss');
  assert.ok(notReady.tookMs < 3_000, `/readyz answered in ${notReady.tookMs} ms while Redis was down`);
  assert.equal(await readMetric(httpPort, 'kao_redis_connected'), 0);

  const keptGeneration =
    (await topics.patch('kept', { spec: { config: { 'retention.ms': 3_600_000 } } })).metadata?.generation ??
    0;
  await topics.create('created-meanwhile');
  await topics.delete('deleted-meanwhile');
  await users.create(unique('created-meanwhile'), scram);
  await users.delete(unique('gone-meanwhile'));
  // The outage lasts until the queue has refused every change made meanwhile: three of topics (an
  // edit, a creation, a deletion) and two of users, each watch event one refused enqueue at least.
  const refused = (kind: string) =>
    operator
      .logs()
      .slice(logsBeforeOutage)
      .filter((line) => line.msg === 'cannot enqueue reconciles' && line.kind === kind).length;
  await waitFor('the queue to refuse every change made during the outage', async () =>
    refused('KafkaTopic') >= 3 && refused('KafkaUser') >= 2 ? true : undefined,
  );
  const stillNothing = await topics.read('created-meanwhile');
  assert.equal(stillNothing.status, undefined, 'nothing was reconciled without Redis');

  redis = await startRedisServer(redisPort, redisLog);
  await waitFor('/readyz to be ready again', async () =>
    (await readiness()).status === 200 ? true : undefined,
  );
  assert.equal(await readMetric(httpPort, 'kao_redis_connected'), 1);

  await topics.waitReady('kept', { generation: keptGeneration, timeoutMs: 90_000 });
  assert.equal(await retentionOf(topicName('kept')), '3600000');
  await topics.waitReady('created-meanwhile', { timeoutMs: 90_000 });
  await topics.waitGone('deleted-meanwhile');
  const names = await topicObserver.listTopics();
  assert.ok(names.includes(topicName('created-meanwhile')));
  assert.ok(
    !names.includes(topicName('deleted-meanwhile')),
    'the topic deleted meanwhile is gone from Kafka',
  );

  await users.waitSettled(unique('created-meanwhile'));
  await users.waitGone(unique('gone-meanwhile'));
  assert.equal(await observer.hasScramCredential(unique('created-meanwhile')), true);
  assert.equal(await observer.hasScramCredential(unique('gone-meanwhile')), false);
  assert.equal(await observer.hasScramCredential(unique('untouched')), true);
  // The full resync after the reconnect wrote nothing where nothing had changed.
  const after = await users.read(unique('untouched'));
  assert.equal(after.metadata?.resourceVersion, untouched.metadata?.resourceVersion);
});
