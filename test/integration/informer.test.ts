// Real services: kube-apiserver with etcd (built from the Go module proxy); a TCP proxy on 127.0.0.1,
// run by this file, stands between the informer and the apiserver to break the connection for real.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, type TestContext, test } from 'node:test';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { pino } from 'pino';
import { ResourceInformer, type ResourceInformerOptions } from '../../src/supervisor/informer.ts';
import {
  KubernetesResourceSource,
  type ResourceSource,
  type WatchCallbacks,
} from '../../src/supervisor/resource-source.ts';
import { kubeConfigThroughProxy } from '../support/apiserver-proxy.ts';
import { kubernetesEnvironment } from '../support/environment.ts';
import { installTestCrd } from '../support/test-crd.ts';
import { waitFor } from '../support/wait.ts';

const { kubeconfig } = kubernetesEnvironment();
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const custom = kc.makeApiClient(CustomObjectsApi);
const core = kc.makeApiClient(CoreV1Api);

const group = 'informertest.kafka-actor-operator.io';
const version = 'v1';
const plural = 'gadgets';
const run = randomUUID().slice(0, 8);
const namespaces: string[] = [];

interface Gadget extends KubernetesObject {
  spec?: { size?: number };
  status?: { phase?: string };
}

before(async () => {
  await installTestCrd(kc, { group, version, kind: 'Gadget', singular: 'gadget', plural });
});

after(async () => {
  await Promise.all(namespaces.map((name) => core.deleteNamespace({ name })));
});

async function freshNamespace(purpose: string): Promise<string> {
  const name = `informer-${purpose}-${run}`;
  await core.createNamespace({ body: { metadata: { name } } });
  namespaces.push(name);
  return name;
}

function createGadget(namespace: string, name: string, labels: Record<string, string> = {}): Promise<Gadget> {
  return custom.createNamespacedCustomObject({
    group,
    version,
    plural,
    namespace,
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'Gadget',
      metadata: { name, labels: { 'informertest/run': run, ...labels } },
      spec: { size: 1 },
    },
  });
}

function deleteGadget(namespace: string, name: string): Promise<unknown> {
  return custom.deleteNamespacedCustomObject({ group, version, plural, namespace, name });
}

function mergePatchGadget(namespace: string, name: string, body: object, subresource?: 'status') {
  const request = { group, version, plural, namespace, name, body };
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return subresource === 'status'
    ? custom.patchNamespacedCustomObjectStatus(request, mergePatch)
    : custom.patchNamespacedCustomObject(request, mergePatch);
}

// Log lines as the informer wrote them, parsed, so that a test can read what an operator would.
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, destination), lines };
}

type Options = Partial<ResourceInformerOptions<Gadget>> & Pick<ResourceInformerOptions<Gadget>, 'namespaces'>;

function startInformer(t: TestContext, options: Options) {
  const { logger, lines } = capturingLogger();
  const informer = new ResourceInformer<Gadget>({
    kubeConfig: kc,
    group,
    version,
    plural,
    logger,
    ...options,
  });
  const events: string[] = [];
  const key = (gadget: Gadget) => `${gadget.metadata?.namespace}/${gadget.metadata?.name}`;
  informer.on('add', (gadget) => events.push(`add ${key(gadget)}`));
  informer.on('update', (gadget, old) =>
    events.push(
      `update ${key(gadget)} ${old.metadata?.resourceVersion}->${gadget.metadata?.resourceVersion}`,
    ),
  );
  informer.on('delete', (gadget) => events.push(`delete ${key(gadget)}`));
  informer.on('relisted', (gadgets) => events.push(`relisted ${gadgets.map(key).sort().join(',')}`));
  informer.on('error', (error) => events.push(`error ${error.message}`));
  t.after(() => informer.stop());
  return { informer, events, lines, synced: informer.start() };
}

function waitForEvent(events: string[], prefix: string, timeoutMs?: number): Promise<number> {
  return waitFor(
    `an informer event starting with "${prefix}" (seen: ${events.join('; ')})`,
    async () => {
      const at = events.findIndex((event) => event.startsWith(prefix));
      return at >= 0 ? at : undefined;
    },
    timeoutMs,
    50,
  );
}

test('start() resolves after the initial list with existing gadgets cached and relisted, then follows changes', async (t) => {
  const namespace = await freshNamespace('basic');
  await createGadget(namespace, 'early');

  const { informer, events, synced } = startInformer(t, { namespaces: [namespace] });
  await synced;

  assert.equal(informer.hasSynced(), true);
  assert.equal(informer.get(namespace, 'early')?.spec?.size, 1);
  assert.deepEqual(events, [`add ${namespace}/early`, `relisted ${namespace}/early`]);

  const created = await createGadget(namespace, 'late');
  await waitForEvent(events, `add ${namespace}/late`);
  const resized: Gadget = await mergePatchGadget(namespace, 'late', { spec: { size: 5 } });
  await waitForEvent(
    events,
    `update ${namespace}/late ${created.metadata?.resourceVersion}->${resized.metadata?.resourceVersion}`,
  );
  assert.equal(informer.get(namespace, 'late')?.spec?.size, 5);
  await mergePatchGadget(namespace, 'late', { status: { phase: 'Ready' } }, 'status');
  await waitFor('the status change in the cache', async () =>
    informer.get(namespace, 'late')?.status?.phase === 'Ready' ? true : undefined,
  );
  await deleteGadget(namespace, 'early');
  await waitForEvent(events, `delete ${namespace}/early`);

  assert.equal(informer.get(namespace, 'early'), undefined);
  assert.deepEqual(informer.keys(), [`${namespace}/late`]);
  assert.deepEqual(
    informer.list().map((gadget) => gadget.metadata?.name),
    ['late'],
  );
  assert.equal(events.filter((event) => event.startsWith(`update ${namespace}/late`)).length, 2);
});

test('informers see only their namespaces and the gadgets their label selector matches', async (t) => {
  const [first, second] = await Promise.all([freshNamespace('scope-1'), freshNamespace('scope-2')]);
  await Promise.all([
    createGadget(first, 'plain'),
    createGadget(first, 'gold', { tier: 'gold' }),
    createGadget(second, 'plain'),
    createGadget(second, 'gold', { tier: 'gold' }),
  ]);

  const onlyFirst = startInformer(t, { namespaces: [first] });
  const both = startInformer(t, { namespaces: [first, second] });
  // Cluster-wide, narrowed to this run's gold gadgets so that other tests' gadgets stay out.
  const gold = startInformer(t, { namespaces: 'all', labelSelector: `informertest/run=${run},tier=gold` });
  await Promise.all([onlyFirst.synced, both.synced, gold.synced]);

  assert.deepEqual(onlyFirst.informer.keys().sort(), [`${first}/gold`, `${first}/plain`]);
  assert.deepEqual(both.informer.keys().sort(), [
    `${first}/gold`,
    `${first}/plain`,
    `${second}/gold`,
    `${second}/plain`,
  ]);
  assert.deepEqual(gold.informer.keys().sort(), [`${first}/gold`, `${second}/gold`]);
  assert.equal(
    both.events.filter((event) => event.startsWith('relisted')).length,
    2,
    'one relist per namespace',
  );

  await createGadget(second, 'late');
  await waitForEvent(both.events, `add ${second}/late`);
  await createGadget(first, 'late');
  await waitForEvent(both.events, `add ${first}/late`);
  await waitForEvent(onlyFirst.events, `add ${first}/late`);
  assert.ok(!onlyFirst.events.some((event) => event.includes(second)), onlyFirst.events.join('; '));

  // A label change moves a gadget in or out of the selector: the watch reports it as add or delete.
  await mergePatchGadget(first, 'plain', { metadata: { labels: { tier: 'gold' } } });
  await mergePatchGadget(second, 'gold', { metadata: { labels: { tier: 'silver' } } });
  await waitForEvent(gold.events, `add ${first}/plain`);
  await waitForEvent(gold.events, `delete ${second}/gold`);
  assert.deepEqual(gold.informer.keys().sort(), [`${first}/gold`, `${first}/plain`]);
  assert.ok(!gold.events.some((event) => event.includes('/late')), gold.events.join('; '));
});

test('the watchdog restarts a silent watch with a relist, and later changes are still seen', async (t) => {
  const namespace = await freshNamespace('watchdog');
  await createGadget(namespace, 'idle');
  const { informer, events, lines, synced } = startInformer(t, {
    namespaces: [namespace],
    idleRestartMs: 1_500,
  });
  await synced;

  await waitFor('a watchdog restart', async () => (informer.restarts.idle >= 1 ? true : undefined), 20_000);
  await waitFor('the relist after it', async () =>
    events.filter((event) => event === `relisted ${namespace}/idle`).length >= 2 ? true : undefined,
  );
  const restartLine = lines.find((line) => String(line.msg).startsWith('watch silent for 1500 ms'));
  assert.equal(restartLine?.namespace, namespace, JSON.stringify(restartLine));
  assert.equal(restartLine?.resource, `${plural}.${group}/${version}`);
  // The relist found the gadget unchanged: no add, update or delete beyond the first list's add.
  assert.deepEqual(
    events.filter((event) => !event.startsWith('relisted')),
    [`add ${namespace}/idle`],
  );

  await createGadget(namespace, 'after-restart');
  await waitForEvent(events, `add ${namespace}/after-restart`);
  assert.equal(informer.restarts.failed, 0);
});

// Forwards 127.0.0.1:<port> to the apiserver. `cut()` destroys every connection and refuses new ones
// until `restore()`; `freeze()` stops forwarding on the open connections without closing them, as a
// dead peer behind a NAT would, while new connections work; `blackhole()` accepts new connections
// and never answers them.
async function startApiserverProxy() {
  const upstream = new URL(kc.getCurrentCluster()?.server ?? '');
  const sockets = new Set<Socket>();
  let mode: 'forward' | 'refuse' | 'blackhole' = 'forward';
  // Connections the blackhole took and never answered.
  let held = 0;
  const server = createServer((client) => {
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    if (mode === 'blackhole') {
      held += 1;
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      return;
    }
    const apiserver = createConnection(Number(upstream.port), upstream.hostname);
    for (const [socket, peer] of [
      [client, apiserver],
      [apiserver, client],
    ] as const) {
      sockets.add(socket);
      socket.pipe(peer);
      socket.on('error', () => peer.destroy());
      socket.on('close', () => {
        sockets.delete(socket);
        peer.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const cutAll = () => {
    mode = 'refuse';
    for (const socket of sockets) socket.destroy();
  };
  return {
    kubeConfig: kubeConfigThroughProxy(kc, port),
    cut: cutAll,
    freeze() {
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    blackhole() {
      mode = 'blackhole';
    },
    held: () => held,
    restore() {
      mode = 'forward';
    },
    close() {
      cutAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('changes made while the connection to the apiserver is broken are emitted after it recovers', async (t) => {
  const namespace = await freshNamespace('broken');
  await createGadget(namespace, 'doomed');
  const proxy = await startApiserverProxy();
  t.after(() => proxy.close());
  const { informer, events, lines, synced } = startInformer(t, {
    kubeConfig: proxy.kubeConfig,
    namespaces: [namespace],
    backoff: { initialMs: 200, maxMs: 1_000 },
  });
  await synced;
  assert.ok(informer.get(namespace, 'doomed'));

  proxy.cut();
  await waitFor('the informer to fail twice', async () => (informer.restarts.failed >= 2 ? true : undefined));
  await createGadget(namespace, 'born');
  await deleteGadget(namespace, 'doomed');
  const changesMadeAt = events.length;
  await waitFor('another failed attempt', async () => (informer.restarts.failed >= 4 ? true : undefined));
  assert.deepEqual(
    events.slice(changesMadeAt).filter((event) => !event.startsWith('error ')),
    [],
    'only errors are emitted while the apiserver is unreachable',
  );
  assert.equal(informer.get(namespace, 'doomed')?.metadata?.name, 'doomed', 'the cache keeps the last state');

  proxy.restore();
  const added = await waitForEvent(events, `add ${namespace}/born`);
  const deleted = await waitForEvent(events, `delete ${namespace}/doomed`);
  const relisted = await waitForEvent(events, `relisted ${namespace}/born`);
  assert.ok(added >= changesMadeAt && deleted >= changesMadeAt && relisted > Math.max(added, deleted));
  assert.deepEqual(informer.keys(), [`${namespace}/born`]);

  const failure = lines.find((line) => line.level === 40 && String(line.msg).includes('failed'));
  assert.equal(failure?.namespace, namespace, JSON.stringify(failure));
  assert.match(
    String(failure?.msg),
    new RegExp(`${plural}\\.${group.replaceAll('.', '\\.')}.* in namespace ${namespace}`),
  );
  assert.ok(
    events.some((event) => event.startsWith('error ')),
    'failures are emitted as error events',
  );

  await createGadget(namespace, 'after-recovery');
  await waitForEvent(events, `add ${namespace}/after-recovery`);
});

test('a watch the apiserver ends is resumed without a relist, and its real 410 Gone leads to a relist', async (t) => {
  const namespace = await freshNamespace('gone');
  await Promise.all([createGadget(namespace, 'kept'), createGadget(namespace, 'doomed')]);
  // The apiserver ends each watch after a second; the third watch is sent from resourceVersion 1,
  // long compacted out of the watch cache, which the apiserver answers with a 410 ERROR event.
  const apiserver = new KubernetesResourceSource<Gadget>({
    kubeConfig: kc,
    group,
    version,
    plural,
    watchTimeoutSeconds: 1,
    watchInactivityTimeoutMs: 60_000,
  });
  const lists: string[] = [];
  const watchedFrom: string[] = [];
  const listsBeforeWatch: number[] = [];
  const source: ResourceSource<Gadget> = {
    async list(scope) {
      const listed = await apiserver.list(scope);
      lists.push(listed.resourceVersion);
      return listed;
    },
    async watch(scope, resourceVersion, callbacks: WatchCallbacks<Gadget>) {
      watchedFrom.push(resourceVersion);
      listsBeforeWatch.push(lists.length);
      if (watchedFrom.length !== 3) return apiserver.watch(scope, resourceVersion, callbacks);
      await deleteGadget(namespace, 'doomed');
      return apiserver.watch(scope, '1', callbacks);
    },
  };
  const { informer, events, synced } = startInformer(t, { namespaces: [namespace], source });
  await synced;

  await waitFor('the relist after 410 Gone', async () => (lists.length === 2 ? true : undefined), 20_000);
  await waitForEvent(events, `relisted ${namespace}/kept`);
  assert.deepEqual(listsBeforeWatch.slice(0, 4), [1, 1, 1, 2], 'ended watches are resumed without a list');
  assert.equal(watchedFrom[0], lists[0]);
  // Resumed from the list's resourceVersion or from a later bookmark.
  assert.ok(BigInt(watchedFrom[1] ?? '') >= BigInt(lists[0] ?? ''), watchedFrom.join(', '));
  assert.deepEqual(informer.restarts, { idle: 0, expired: 1, failed: 0 });
  assert.deepEqual(events.slice(-2), [`delete ${namespace}/doomed`, `relisted ${namespace}/kept`]);
  assert.deepEqual(informer.keys(), [`${namespace}/kept`]);
});

test('a watch whose connection silently stops delivering is replaced by the watchdog, and what it missed is emitted', async (t) => {
  const namespace = await freshNamespace('frozen');
  await createGadget(namespace, 'doomed');
  const proxy = await startApiserverProxy();
  t.after(() => proxy.close());
  const { informer, events, synced } = startInformer(t, {
    kubeConfig: proxy.kubeConfig,
    namespaces: [namespace],
    idleRestartMs: 3_000,
  });
  await synced;
  // A change seen as a watch event proves that the watch connection is open.
  await createGadget(namespace, 'probe');
  await waitForEvent(events, `add ${namespace}/probe`);
  assert.equal(informer.restarts.idle, 0);

  proxy.freeze();
  await createGadget(namespace, 'born');
  await deleteGadget(namespace, 'doomed');
  assert.equal(
    informer.restarts.idle,
    0,
    'the watchdog fired before the changes were made; raise idleRestartMs',
  );
  const frozenAt = events.length;

  await waitForEvent(events, `add ${namespace}/born`);
  await waitForEvent(events, `delete ${namespace}/doomed`);
  assert.ok(informer.restarts.idle >= 1, 'the watchdog restarted the watch');
  assert.equal(informer.restarts.failed, 0, 'a silent connection reports no error');
  // In the order of a relist's diff, not of the changes: they came from the relist, not the watch.
  assert.deepEqual(events.slice(frozenAt, frozenAt + 3), [
    `delete ${namespace}/doomed`,
    `add ${namespace}/born`,
    `relisted ${namespace}/born,${namespace}/probe`,
  ]);
});

test('stop() abandons a list that the apiserver never answers, and start() rejects', async (t) => {
  const namespace = await freshNamespace('unanswered');
  const proxy = await startApiserverProxy();
  t.after(() => proxy.close());
  proxy.blackhole();
  const { informer, synced } = startInformer(t, { kubeConfig: proxy.kubeConfig, namespaces: [namespace] });
  await waitFor('the list to reach the blackhole', async () => (proxy.held() > 0 ? true : undefined));
  assert.equal(informer.hasSynced(), false);

  const stopping = informer.stop();
  await assert.rejects(synced, /stopped before its first list completed/);
  const outcome = await Promise.race([
    stopping.then(() => 'stopped'),
    new Promise((resolve) => setTimeout(resolve, 5_000, 'still waiting for the list')),
  ]);
  assert.equal(outcome, 'stopped');
  assert.equal(informer.restarts.failed, 0, 'a list abandoned by stop() is not a failure');
});

test('a list of more gadgets than fit in one page gathers every page', async () => {
  const namespace = await freshNamespace('paged');
  const names = ['g1', 'g2', 'g3', 'g4', 'g5'];
  await Promise.all(names.map((name) => createGadget(namespace, name)));
  const apiserver = new KubernetesResourceSource<Gadget>({
    kubeConfig: kc,
    group,
    version,
    plural,
    pageSize: 2,
    watchInactivityTimeoutMs: 60_000,
  });

  const listed = await apiserver.list(namespace);

  assert.deepEqual(listed.items.map((gadget) => gadget.metadata?.name).sort(), names);
  assert.match(listed.resourceVersion, /^\d+$/);
});

test('an event the callbacks cannot take ends the watch with that error, and a refused watch ends with its status', async () => {
  const namespace = await freshNamespace('refused-event');
  const apiserver = new KubernetesResourceSource<Gadget>({
    kubeConfig: kc,
    group,
    version,
    plural,
    watchInactivityTimeoutMs: 60_000,
  });
  const { resourceVersion } = await apiserver.list(namespace);
  const ended = Promise.withResolvers<Error | undefined>();
  const seen: string[] = [];
  await apiserver.watch(namespace, resourceVersion, {
    onEvent: (event) => {
      seen.push(`${event.type} ${(event.object as Gadget).metadata?.name}`);
      throw new Error('the cache cannot take it');
    },
    onEnd: ended.resolve,
  });
  await createGadget(namespace, 'first');
  await createGadget(namespace, 'second');
  const error = await ended.promise;
  assert.match(error?.message ?? '', /watch of gadgets\.informertest.* failed: the cache cannot take it/);
  // The watch stopped at the event it could not deliver.
  assert.deepEqual(seen, ['ADDED first']);

  const refused = Promise.withResolvers<Error | undefined>();
  const forbidden = new KubernetesResourceSource<Gadget>({
    kubeConfig: kc,
    group,
    version,
    plural: 'nonexistents',
    watchInactivityTimeoutMs: 60_000,
  });
  await forbidden.watch(namespace, '', { onEvent: () => {}, onEnd: refused.resolve });
  const refusal = await refused.promise;
  assert.equal((refusal as { status?: number } | undefined)?.status, 404);
});

test('a metadata-only informer of Secrets starts over none, caches their metadata (or what its trim keeps), never their data, and follows add, update and delete', async (t) => {
  const namespace = await freshNamespace('metadata');
  const secret = (name: string) => ({
    metadata: { name, labels: { 'informertest/run': run } },
    stringData: { password: 'not-for-the-cache' },
  });
  const secretsMetadata = {
    namespaces: [namespace],
    group: '',
    version: 'v1',
    plural: 'secrets',
    labelSelector: `informertest/run=${run}`,
    metadataOnly: true,
  };
  const { informer, events, synced } = startInformer(t, secretsMetadata);
  // Started over no Secret at all: an empty metadata list answers `items: null`.
  await synced;
  await core.createNamespacedSecret({ namespace, body: secret('early') });
  await waitForEvent(events, `add ${namespace}/early`);
  const cached = informer.get(namespace, 'early') as KubernetesObject & { data?: unknown };
  assert.equal(cached?.kind, 'PartialObjectMetadata');
  assert.equal(cached?.metadata?.labels?.['informertest/run'], run);
  assert.equal(cached?.data, undefined);

  await core.createNamespacedSecret({ namespace, body: secret('late') });
  await waitForEvent(events, `add ${namespace}/late`);
  await core.patchNamespacedSecret(
    { namespace, name: 'late', body: { metadata: { annotations: { 'strimzi.io/force-renew': 'true' } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await waitForEvent(events, `update ${namespace}/late`);
  const updated = informer.get(namespace, 'late') as KubernetesObject & { data?: unknown };
  assert.equal(updated?.metadata?.annotations?.['strimzi.io/force-renew'], 'true');
  assert.equal(updated?.data, undefined);
  await core.deleteNamespacedSecret({ namespace, name: 'early' });
  await waitForEvent(events, `delete ${namespace}/early`);
  assert.deepEqual(informer.keys(), [`${namespace}/late`]);

  // A trimmed cache keeps what its trim returns, from the list and from the watch alike.
  const keepName = (object: KubernetesObject) => ({
    metadata: {
      name: object.metadata?.name,
      namespace: object.metadata?.namespace,
      resourceVersion: object.metadata?.resourceVersion,
    },
  });
  const trimmed = startInformer(t, { ...secretsMetadata, trim: keepName });
  await trimmed.synced;
  await core.createNamespacedSecret({ namespace, body: secret('watched') });
  await waitForEvent(trimmed.events, `add ${namespace}/watched`);
  for (const name of ['late', 'watched']) {
    assert.deepEqual(Object.keys(trimmed.informer.get(namespace, name) ?? {}), ['metadata']);
    assert.equal(trimmed.informer.get(namespace, name)?.metadata?.labels, undefined);
  }
});
