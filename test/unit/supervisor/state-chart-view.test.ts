import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { assign, createMachine, fromPromise } from 'xstate';
import type { KafkaTopic } from '../../../src/api/kafka-topic.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';
import { type TopicReconciled, topicMachine } from '../../../src/machines/topic-machine.ts';
import { ActorRegistry } from '../../../src/supervisor/actor-registry.ts';
import type { ResourceKind } from '../../../src/supervisor/contract.ts';
import { createMetrics } from '../../../src/supervisor/metrics.ts';
import { type StateChartView, startStateChartView } from '../../../src/supervisor/state-chart/view/server.ts';
import { waitFor } from '../../support/wait.ts';

const secret = 'hunter2-do-not-show';

// The topic machine with a fake effect that succeeds or fails as the test says.
let reconcileOutcome: 'ready' | 'failed' = 'ready';
const topicKind: ResourceKind = {
  type: { group: 'kafka.strimzi.io', version: 'v1', plural: 'kafkatopics', kind: 'KafkaTopic' },
  machine: topicMachine.provide({
    actors: {
      reconcileTopic: fromPromise<TopicReconciled, KafkaTopic>(async () => {
        if (reconcileOutcome === 'failed') {
          throw new ReconcileFailure('KafkaError', `login failed: password=${secret}`);
        }
        return { topicName: 'orders', topicId: 'topic-id-1' };
      }),
    },
  }),
  buildStatus: () => undefined,
};

// A machine whose context holds credentials, as a careless future machine might.
const userKind: ResourceKind = {
  type: { group: 'kafka.strimzi.io', version: 'v1', plural: 'kafkausers', kind: 'KafkaUser' },
  machine: createMachine({
    id: 'KafkaUser',
    initial: 'pending',
    context: { password: secret, credentials: { 'sasl.jaas.config': secret }, consecutiveFailures: 0 },
    states: {
      pending: { on: { RECONCILE: { target: 'ready', actions: assign({ password: secret }) } } },
      ready: {},
    },
  }),
  buildStatus: () => undefined,
};

const registry = new ActorRegistry({
  kinds: new Map([
    ['KafkaTopic', topicKind],
    ['KafkaUser', userKind],
  ]),
  metrics: createMetrics(),
  logger: pino({ level: 'silent' }),
  onRestarted: () => {},
});
let view: StateChartView;
let base: string;

const resource = (name: string) => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaTopic',
  metadata: { name, namespace: 'team-a', uid: `uid-${name}`, generation: 1 },
  spec: {},
});

before(async () => {
  view = await startStateChartView({
    host: '127.0.0.1',
    port: 0,
    registry,
    kinds: [topicKind, userKind],
    logger: pino({ level: 'silent' }),
    updateIntervalMs: 50,
  });
  base = `http://127.0.0.1:${view.port}`;
});
after(async () => {
  registry.stopAll();
  await view.close();
});

// Reads server-sent events from /events until `until` returns a value.
async function readEvents<T>(
  path: string,
  until: (events: { event: string; data: Record<string, unknown> }[]) => T | undefined,
  whileReading: () => void = () => {},
): Promise<T> {
  const controller = new AbortController();
  const response = await fetch(`${base}${path}`, { signal: controller.signal });
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let buffer = '';
  let started = false;
  const deadline = setTimeout(() => controller.abort(), 10_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended; events so far: ${JSON.stringify(events)}`);
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
        end = buffer.indexOf('\n\n');
      }
      if (!started && events.length > 0) {
        started = true;
        whileReading();
      }
      const result = until(events);
      if (result !== undefined) return result;
    }
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
}

test('the list API shows each live actor with state, last event, last error and retries', async () => {
  reconcileOutcome = 'failed';
  const entry = registry.ensure('KafkaTopic', resource('broken'));
  entry.actor.send({ type: 'RECONCILE', resource: resource('broken') });
  await waitFor('the actor to fail', async () => (entry.state === 'failed' ? true : undefined), 5_000, 10);

  const response = await fetch(`${base}/api/actors`);
  assert.equal(response.status, 200);
  const { actors } = (await response.json()) as { actors: Record<string, unknown>[] };
  const broken = actors.find((actor) => actor.id === 'KafkaTopic/team-a/broken');
  assert.equal(broken?.kind, 'KafkaTopic');
  assert.equal(broken?.namespace, 'team-a');
  assert.equal(broken?.name, 'broken');
  assert.equal(broken?.state, 'failed');
  assert.equal(broken?.lastEvent, 'onError reconcileTopic');
  assert.deepEqual(broken?.lastError, {
    reason: 'KafkaError',
    message: 'login failed: password=[redacted]',
    retryable: true,
  });
  assert.equal(broken?.retries, 1);
  assert.equal(typeof broken?.stateSince, 'string');
});

test("one actor's API gives its recent transitions with the events that caused them", async () => {
  reconcileOutcome = 'ready';
  const entry = registry.ensure('KafkaTopic', resource('orders'));
  entry.actor.send({ type: 'RECONCILE', resource: resource('orders') });
  await waitFor('the actor to be ready', async () => (entry.state === 'ready' ? true : undefined), 5_000, 10);

  const detail = (await (await fetch(`${base}/api/actors/KafkaTopic/team-a/orders`)).json()) as {
    transitions: { from: string; to: string; event: string; at: string }[];
    context: Record<string, unknown>;
    uid: string;
  };
  assert.deepEqual(
    detail.transitions.map(({ from, to, event }) => ({ from, to, event })),
    [
      { from: 'pending', to: 'reconciling', event: 'RECONCILE' },
      { from: 'reconciling', to: 'ready', event: 'onDone reconcileTopic' },
    ],
  );
  assert.ok(detail.transitions.every((t) => !Number.isNaN(Date.parse(t.at))));
  assert.deepEqual(detail.context, {
    topicName: 'orders',
    topicId: 'topic-id-1',
    reconciledGeneration: 1,
    consecutiveFailures: 0,
  });
  assert.equal(detail.uid, 'uid-orders');

  const missing = await fetch(`${base}/api/actors/KafkaTopic/team-a/nothing`);
  assert.equal(missing.status, 404);
  assert.match(
    ((await missing.json()) as { error: string }).error,
    /no live actor for KafkaTopic team-a\/nothing/,
  );
});

test('the event stream sends a snapshot, then each change of state as it happens', async () => {
  reconcileOutcome = 'ready';
  const resourceNow = resource('live');
  const entry = registry.ensure('KafkaTopic', resourceNow);
  const states = await readEvents(
    '/events',
    (events) => {
      const seen = events.flatMap(({ event, data }) => {
        if (event === 'snapshot') {
          const actors = data.actors as { id: string; state: string }[];
          return actors.filter((a) => a.id === 'KafkaTopic/team-a/live').map((a) => a.state);
        }
        const actor = data.actor as { id: string; state: string } | undefined;
        return actor?.id === 'KafkaTopic/team-a/live' ? [actor.state] : [];
      });
      return seen.at(-1) === 'ready' ? seen : undefined;
    },
    () => entry.actor.send({ type: 'RECONCILE', resource: resourceNow }),
  );
  assert.equal(states[0], 'pending', 'the snapshot shows the state before the change');
  assert.equal(states.at(-1), 'ready');

  const removed = await readEvents(
    '/events?actor=KafkaTopic/team-a/live',
    (events) => events.find(({ event }) => event === 'removed')?.data,
    () => registry.remove('KafkaTopic', 'team-a/live'),
  );
  assert.equal(removed.id, 'KafkaTopic/team-a/live');
});

test('no response of the view contains a context field outside the whitelist', async () => {
  const user = registry.ensure('KafkaUser', { metadata: { name: 'alice', namespace: 'team-a', uid: 'u' } });
  user.actor.send({ type: 'RECONCILE' });
  const paths = [
    '/',
    '/api/actors',
    '/api/actors/KafkaUser/team-a/alice',
    '/actors/KafkaUser/team-a/alice',
    '/api/actors/KafkaTopic/team-a/broken',
  ];
  for (const path of paths) {
    const response = await fetch(`${base}${path}`);
    assert.equal(response.status, 200, path);
    const body = await response.text();
    assert.ok(!body.includes(secret), `${path} shows a secret: ${body}`);
  }
  const streamed = await readEvents('/events?actor=KafkaUser/team-a/alice', (events) => events);
  assert.ok(!JSON.stringify(streamed).includes(secret));
  const [snapshot] = streamed;
  assert.equal(snapshot?.event, 'snapshot');
  const [alice] = snapshot.data.actors as { context: object }[];
  assert.deepEqual(alice?.context, { consecutiveFailures: 0 });
});

test('machines export as SVG and Mermaid; an unknown kind gets a 404 naming the known kinds', async () => {
  const svg = await fetch(`${base}/api/machines/KafkaTopic.svg`);
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
  assert.match(await svg.text(), /data-state="reconciling"/);
  const mermaid = await fetch(`${base}/api/machines/KafkaTopic.mmd`);
  assert.match(await mermaid.text(), /^stateDiagram-v2\n/);
  const unknown = await fetch(`${base}/api/machines/Kafka.svg`);
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /known kinds: KafkaTopic, KafkaUser/);
  const machines = (await (await fetch(`${base}/api/machines`)).json()) as { machines: { kind: string }[] };
  assert.deepEqual(
    machines.machines.map((m) => m.kind),
    ['KafkaTopic', 'KafkaUser'],
  );
});

test('the view is read-only and its pages run only scripts and styles it serves itself', async () => {
  const post = await fetch(`${base}/api/actors`, { method: 'POST', body: '{}' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');

  const page = await fetch(`${base}/actors/KafkaTopic/team-a/orders`);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /default-src 'none'/);
  const html = await page.text();
  assert.match(html, /<g class="state active" data-state="ready">/, 'the current state is highlighted');
  assert.doesNotMatch(html, /<script>|<style>|https?:\/\/(?!www\.w3\.org)/, 'nothing inline, nothing remote');
  for (const asset of ['/assets/state-chart-view.js', '/assets/state-chart-view.css']) {
    assert.equal((await fetch(`${base}${asset}`)).status, 200, asset);
  }
  assert.equal((await fetch(`${base}/actors/Nope/a/b`)).status, 404);
});
