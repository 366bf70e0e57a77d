// Real services: kube-apiserver (CRDs installed), Kafka (SASL/SCRAM listener), Redis; the operator runs
// as a separate process, as users run it; Debian's headless Chromium, driven by playwright-core, is the
// browser. Screenshots are kept in test-artifacts/state-chart-view/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { topicMachine } from '../../src/machines/topic-machine.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('state-chart-view');
const coordination = fixture.kc.makeApiClient(CoordinationV1Api);
const topics = fixture.kafkaTopics;
const screenshots = join(import.meta.dirname, '../../test-artifacts/state-chart-view');
const leaseName = 'kafka-actor-operator';
const stepTimeoutMs = 90_000;
let operator: OperatorProcess;
let base: string;
let browser: BrowserContext;
let userDataDir: string;

// Points the KafkaTopic at another cluster: an unknown one makes it fail with KafkaClusterNotFound.
async function labelCluster(name: string, cluster: string): Promise<void> {
  await topics.patch(name, { metadata: { labels: { 'strimzi.io/cluster': cluster } } });
}

// Another replica holds the Lease, so this operator watches and spawns actors but reconciles nothing:
// its actors stay pending until the Lease is released.
async function holdLeaseElsewhere(): Promise<void> {
  await coordination.createNamespacedLease({
    namespace: fixture.namespace,
    body: {
      metadata: { name: leaseName },
      spec: {
        holderIdentity: 'another-replica',
        leaseDurationSeconds: 3600,
        acquireTime: new V1MicroTime(),
        renewTime: new V1MicroTime(),
        leaseTransitions: 0,
      },
    },
  });
}

async function releaseLeaseHeldElsewhere(): Promise<void> {
  const lease = await coordination.readNamespacedLease({ name: leaseName, namespace: fixture.namespace });
  if (lease.spec?.holderIdentity !== 'another-replica') return;
  await coordination.replaceNamespacedLease({
    name: leaseName,
    namespace: fixture.namespace,
    body: { ...lease, spec: { ...lease.spec, holderIdentity: '' } },
  });
}

const pageErrors: string[] = [];

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  await page.goto(`${base}${path}`);
  return page;
}

// Polled from here: the pages' CSP forbids the string evaluation that waiting in the page would need.
async function waitForText(
  page: Page,
  selector: string,
  expected: (text: string) => boolean,
): Promise<string> {
  return waitFor(
    `${selector} on ${page.url()} to show the expected text`,
    async () => {
      const text = await page.textContent(selector, { timeout: 1_000 });
      return text !== null && expected(text) ? text : undefined;
    },
    stepTimeoutMs,
  );
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

const activeState = (state: string) => `svg.state-chart g.state.active[data-state="${state}"]`;

before(async () => {
  mkdirSync(screenshots, { recursive: true });
  await holdLeaseElsewhere();
  operator = startOperatorProcess('state-chart-view', { ...fixture.env, STATE_CHART_VIEW_PORT: '0' });
  base = `http://127.0.0.1:${await operator.stateChartViewPort()}`;
  userDataDir = mkdtempSync(join(tmpdir(), 'state-chart-view-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  try {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    // Deleted while the operator still runs, so the finalizer is removed and no Kafka topic is left.
    await releaseLeaseHeldElsewhere();
    for (const name of ['orders', 'healthy', 'broken']) {
      await labelCluster(name, 'test-cluster').catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      });
      await topics.delete(name).catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      });
    }
    await waitFor('the KafkaTopics to be gone', async () =>
      (await topics.list()).length === 0 ? true : undefined,
    );
  } finally {
    await operator?.stop();
    await fixture.cleanup();
  }
});

test("a listed KafkaTopic's chart highlights pending, ready, then failed without a reload", async () => {
  await topics.create('orders');
  const id = `KafkaTopic/${fixture.namespace}/orders`;

  const list = await openPage('/');
  const row = `#actors tr[data-id="${id}"]`;
  await list.waitForSelector(row, { timeout: stepTimeoutMs });
  await waitForText(list, `${row} .state-badge`, (state) => state === 'pending');
  await list.waitForSelector('#connection.live');
  await screenshot(list, 'list-pending');

  await Promise.all([list.waitForURL(`${base}/actors/${id}`), list.click(`${row} a`)]);
  const page = list;
  await page.waitForSelector(activeState('pending'), { timeout: stepTimeoutMs });
  const drawn = await page.$$eval('svg.state-chart g.state', (nodes) => nodes.length);
  assert.equal(drawn, Object.keys(topicMachine.root.states).length, 'every state of the machine is drawn');
  await page.evaluate("window.viewMarker = 'set before the changes'");
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  await screenshot(page, 'actor-pending');

  await releaseLeaseHeldElsewhere();
  await page.waitForSelector(activeState('ready'), { timeout: stepTimeoutMs });
  assert.equal(await page.$$eval('svg.state-chart g.state.active', (nodes) => nodes.length), 1);
  await waitFor('the transition to ready to be listed', async () => {
    const rows = await page.$$eval('#transitions tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)),
    );
    return rows.some((cells) => cells.join(' ') === 'reconciling ready onDone reconcileTopic')
      ? true
      : undefined;
  });
  await screenshot(page, 'actor-ready');

  await labelCluster('orders', 'no-such-cluster');
  await page.waitForSelector(activeState('failed'), { timeout: stepTimeoutMs });
  await waitForText(page, '#actor-error', (error) => error.startsWith('KafkaClusterNotFound: '));
  await screenshot(page, 'actor-failed');

  assert.equal(
    await page.evaluate('window.viewMarker'),
    'set before the changes',
    'the page was not reloaded',
  );
  assert.equal(navigations, 0, 'the page did not navigate');
  assert.equal(page.url(), `${base}/actors/${id}`);
  assert.deepEqual(pageErrors, []);
});

test('the list shows last error and retries, and filters by text, kind and state', async () => {
  await releaseLeaseHeldElsewhere();
  await topics.create('healthy');
  await topics.create('broken', topics.oneReplicaSpec('broken'), { cluster: 'no-such-cluster' });
  const healthy = `#actors tr[data-id="KafkaTopic/${fixture.namespace}/healthy"]`;
  const broken = `#actors tr[data-id="KafkaTopic/${fixture.namespace}/broken"]`;

  const list = await openPage('/');
  await waitForText(list, `${healthy} .state-badge`, (state) => state === 'ready');
  await waitForText(list, `${broken} .state-badge`, (state) => state === 'failed');
  const brokenCells = await list.$$eval(`${broken} td`, (cells) => cells.map((cell) => cell.textContent));
  assert.match(brokenCells[6] ?? '', /^KafkaClusterNotFound: Kafka cluster no-such-cluster/);
  assert.ok(Number.parseInt(brokenCells[7] ?? '', 10) >= 1, `retries counted: ${brokenCells[7]}`);
  await screenshot(list, 'list-all');

  const visible = async () =>
    list.$$eval('#actors tbody tr', (rows) =>
      rows
        .filter((row) => !row.hasAttribute('hidden'))
        .map((row) => row.getAttribute('data-id')?.split('/')[2]),
    );
  await list.fill('#filter-text', 'healthy');
  assert.deepEqual(await visible(), ['healthy'], 'the text filter matches the name');
  await list.fill('#filter-text', 'clusternotfound');
  const erring = await visible();
  assert.ok(
    erring.includes('broken') && !erring.includes('healthy'),
    `the text filter matches errors: ${erring}`,
  );
  await list.fill('#filter-text', '');
  await list.selectOption('#filter-state', 'ready');
  assert.deepEqual(await visible(), ['healthy']);
  await list.selectOption('#filter-state', 'failed');
  await list.selectOption('#filter-kind', 'KafkaTopic');
  const failed = await visible();
  assert.ok(failed.includes('broken') && !failed.includes('healthy'), `failed ones shown: ${failed}`);
  await screenshot(list, 'list-filtered-failed');
  assert.deepEqual(pageErrors, []);
});
