// The informer's restart paths driven by a scripted source in place of the apiserver: 410 Gone cannot
// be provoked on demand from a fresh etcd in every form (HTTP 410 needs the watch cache off).
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { ResourceInformer } from '../../../src/supervisor/informer.ts';
import {
  type ListedObjects,
  ResourceRequestError,
  type ResourceSource,
  type WatchCallbacks,
  type WatchStream,
} from '../../../src/supervisor/resource-source.ts';
import { holdsThroughout, waitFor } from '../../support/wait.ts';

interface OpenWatch {
  namespace: string | undefined;
  resourceVersion: string;
  callbacks: WatchCallbacks<KubernetesObject>;
  aborted: boolean;
}

// Holds the "server's" objects; each change bumps a resourceVersion as etcd would.
class ScriptedSource implements ResourceSource<KubernetesObject> {
  readonly objects = new Map<string, KubernetesObject>();
  readonly lists: (string | undefined)[] = [];
  readonly watches: OpenWatch[] = [];
  listFailure: Error | undefined;
  #resourceVersion = 100;

  put(namespace: string, name: string): KubernetesObject {
    const object = { kind: 'Gadget', metadata: { namespace, name, resourceVersion: this.#next() } };
    this.objects.set(`${namespace}/${name}`, object);
    return object;
  }

  remove(namespace: string, name: string): void {
    this.objects.delete(`${namespace}/${name}`);
    this.#next();
  }

  bookmark(): string {
    const resourceVersion = this.#next();
    this.lastWatch().callbacks.onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion } } });
    return resourceVersion;
  }

  lastWatch(): OpenWatch {
    const watch = this.watches.at(-1);
    assert.ok(watch, 'no watch was opened');
    return watch;
  }

  async list(namespace: string | undefined): Promise<ListedObjects<KubernetesObject>> {
    this.lists.push(namespace);
    if (this.listFailure) throw this.listFailure;
    const items = [...this.objects.values()].filter((o) => !namespace || o.metadata?.namespace === namespace);
    return { items, resourceVersion: String(this.#resourceVersion) };
  }

  async watch(
    namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<KubernetesObject>,
  ): Promise<WatchStream> {
    const watch = { namespace, resourceVersion, callbacks, aborted: false };
    this.watches.push(watch);
    return {
      abort: () => {
        watch.aborted = true;
      },
    };
  }

  #next(): string {
    this.#resourceVersion += 1;
    return String(this.#resourceVersion);
  }
}

function recordEvents(informer: ResourceInformer<KubernetesObject>): string[] {
  const events: string[] = [];
  const name = (object: KubernetesObject) => object.metadata?.name;
  informer.on('add', (object) => events.push(`add ${name(object)}`));
  informer.on('update', (object) => events.push(`update ${name(object)}`));
  informer.on('delete', (object) => events.push(`delete ${name(object)}`));
  informer.on('relisted', (objects) => events.push(`relisted ${objects.map(name).sort().join(',')}`));
  informer.on('error', (error) => events.push(`error ${error.message}`));
  return events;
}

function startInformer(t: TestContext, source: ScriptedSource, idleRestartMs = 60_000) {
  const informer = new ResourceInformer<KubernetesObject>({
    kubeConfig: new KubeConfig(),
    group: 'informertest.kafka-actor-operator.io',
    version: 'v1',
    plural: 'gadgets',
    namespaces: ['ns'],
    idleRestartMs,
    backoff: { initialMs: 10, maxMs: 50 },
    logger: pino({ level: 'silent' }),
    source,
  });
  const events = recordEvents(informer);
  t.after(() => informer.stop());
  return { informer, events, synced: informer.start() };
}

async function changesWhileExpired(t: TestContext, expire: (watch: OpenWatch) => void) {
  const source = new ScriptedSource();
  source.put('ns', 'unchanged');
  source.put('ns', 'changed');
  source.put('ns', 'doomed');
  const { informer, events, synced } = startInformer(t, source);
  await synced;
  await waitFor('the first watch', async () => source.watches[0]);
  events.length = 0;

  source.put('ns', 'changed');
  source.remove('ns', 'doomed');
  source.put('ns', 'born');
  expire(source.lastWatch());
  await waitFor('the relist after 410', async () => (source.watches.length === 2 ? true : undefined));

  assert.deepEqual(events, [
    'delete doomed',
    'add born',
    'update changed',
    'relisted born,changed,unchanged',
  ]);
  assert.equal(source.watches[0]?.aborted, true);
  assert.equal(source.lastWatch().resourceVersion, String(106));
  assert.deepEqual(informer.restarts, { idle: 0, expired: 1, failed: 0 });
  assert.deepEqual(informer.keys().sort(), ['ns/born', 'ns/changed', 'ns/unchanged']);
}

test('a 410 ERROR event on the watch leads to a relist whose diff emits only what changed, then relisted', (t) =>
  changesWhileExpired(t, (watch) =>
    watch.callbacks.onEvent({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' },
    }),
  ));

test('a watch request answered with HTTP 410 leads to a relist with the same diff', (t) =>
  changesWhileExpired(t, (watch) =>
    watch.callbacks.onEnd(new ResourceRequestError('watch of gadgets failed: HTTP 410', 410, undefined)),
  ));

test('a watch the server ends is resumed from the last bookmark without a relist', async (t) => {
  const source = new ScriptedSource();
  const { events, synced } = startInformer(t, source);
  await synced;
  await waitFor('the first watch', async () => source.watches[0]);
  const bookmarked = source.bookmark();
  source.lastWatch().callbacks.onEnd(undefined);
  await waitFor('the resumed watch', async () => source.watches[1]);

  assert.equal(source.lastWatch().resourceVersion, bookmarked);
  assert.deepEqual(source.lists, ['ns']);
  assert.deepEqual(events, ['relisted ']);
});

test('a watch event whose resourceVersion is already cached emits nothing', async (t) => {
  const source = new ScriptedSource();
  const cached = source.put('ns', 'seen');
  const { events, synced } = startInformer(t, source);
  await synced;
  await waitFor('the first watch', async () => source.watches[0]);
  source.lastWatch().callbacks.onEvent({ type: 'MODIFIED', object: structuredClone(cached) });
  const changed = source.put('ns', 'seen');
  source.lastWatch().callbacks.onEvent({ type: 'MODIFIED', object: changed });

  assert.deepEqual(events, ['add seen', 'relisted seen', 'update seen']);
});

test('a failing list is reported, retried with backoff, and start() resolves once a list succeeds', async (t) => {
  const source = new ScriptedSource();
  source.put('ns', 'waiting');
  source.listFailure = new ResourceRequestError(
    'list of gadgets in namespace ns failed: HTTP 503',
    503,
    undefined,
  );
  const { informer, events, synced } = startInformer(t, source);
  await waitFor('three failed lists', async () => (source.lists.length >= 3 ? true : undefined));
  assert.equal(informer.hasSynced(), false);

  source.listFailure = undefined;
  await synced;
  assert.equal(informer.hasSynced(), true);
  assert.ok(events.includes('error list of gadgets in namespace ns failed: HTTP 503'), events.join('; '));
  assert.ok(informer.restarts.failed >= 3, `restarts: ${JSON.stringify(informer.restarts)}`);
  assert.deepEqual(events.slice(-2), ['add waiting', 'relisted waiting']);
});

test('a silent watch is abandoned by the watchdog and replaced after a relist', async (t) => {
  const source = new ScriptedSource();
  const { informer, synced } = startInformer(t, source, 100);
  await synced;
  await waitFor('a second watch', async () => source.watches[1]);
  assert.equal(source.watches[0]?.aborted, true);
  assert.ok(informer.restarts.idle >= 1);
  assert.ok(source.lists.length >= 2);
});

test('a listener that throws does not end the watch: later events are still delivered', async (t) => {
  const source = new ScriptedSource();
  const { informer, events, synced } = startInformer(t, source);
  informer.on('add', () => {
    throw new Error('listener bug');
  });
  await synced;
  await waitFor('the first watch', async () => source.watches[0]);
  source.lastWatch().callbacks.onEvent({ type: 'ADDED', object: source.put('ns', 'first') });
  source.lastWatch().callbacks.onEvent({ type: 'ADDED', object: source.put('ns', 'second') });

  assert.deepEqual(events, ['relisted ', 'add first', 'add second']);
  assert.equal(source.watches.length, 1);
});

test('stop() before the first list completes rejects start() and ends the retries', async (t) => {
  const source = new ScriptedSource();
  source.listFailure = new Error('apiserver down');
  const { informer, synced } = startInformer(t, source);
  await waitFor('a failed list', async () => (source.lists.length > 0 ? true : undefined));
  await informer.stop();
  await assert.rejects(synced, /stopped before its first list completed/);
  const listsAtStop = source.lists.length;
  // Retries come every 10 to 50 ms: four of the longest back-offs without a list mean they ended.
  await holdsThroughout('no list after stop()', async () => source.lists.length === listsAtStop, 200, 10);
});
