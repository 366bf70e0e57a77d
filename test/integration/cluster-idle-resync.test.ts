// Real services (kube-apiserver with its audit log, scheduler, kwok's nodes, Redis) and the operator as a
// process under a service account of namespace kao-audited, resyncing every 2 s: once a three-node Kafka
// is Ready, its reconciles read everything from the operator's caches and change nothing, so the
// apiserver records neither a list nor a write of the operator for them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Kafka } from '../../src/api/kafka.ts';
import { auditEntries, auditedUser, startAuditedOperator, writeVerbs } from '../support/audited-account.ts';
import { fixturesDirectory } from '../support/cluster-fixtures.ts';
import { testEnvironmentKafkaVersion } from '../support/local-kafka-nodes.ts';
import { kafkaClusterClient, readManifests } from '../support/manifests.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, reconcileSpans } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('idle-resync');
const { custom, namespace } = fixture;
const account = `idle-resync-${randomUUID().slice(0, 8)}`;
const { createAll, ready } = kafkaClusterClient(custom);
let operator: OperatorProcess;

before(async () => {
  operator = await startAuditedOperator('idle-resync', fixture, account);
});

after(async () => {
  await operator?.stop();
  await fixture.cleanup();
});

test('an idle resync of a Ready three-node Kafka lists nothing and writes nothing', async () => {
  const manifests = readManifests(`${fixturesDirectory}/clusters/dual-role.yaml`).map((manifest) => {
    if (manifest.kind !== 'Kafka') return manifest;
    const kafka = structuredClone(manifest) as Kafka;
    kafka.spec.kafka.version = testEnvironmentKafkaVersion();
    delete kafka.spec.kafka.metadataVersion;
    return kafka;
  });
  await createAll(namespace, manifests);
  await ready(namespace);
  // Settled: a reconcile that started after Ready has finished; from then on every reconcile is idle.
  const readyAt = Date.now();
  await waitFor(
    'a reconcile of the Kafka after it was Ready',
    async () =>
      reconcileSpans([operator], namespace, 'my-cluster').some((span) => span.start > readyAt && span.end)
        ? true
        : undefined,
    60_000,
    500,
  );
  const from = new Date().toISOString();
  const fromMs = Date.parse(from);
  const idle = await waitFor(
    'five idle resyncs of the Kafka',
    async () => {
      const spans = reconcileSpans([operator], namespace, 'my-cluster').filter(
        (span) => span.start > fromMs && span.end,
      );
      return spans.length >= 5 ? spans : undefined;
    },
    60_000,
    500,
  );
  const to = new Date(Math.max(...idle.map((span) => span.end ?? 0))).toISOString();
  const byOperator = auditEntries().filter((entry) => entry.username === auditedUser(account));
  // The log records the operator's lists: its caches listed everything when it started.
  assert.ok(
    byOperator.some((entry) => entry.verb === 'list' && entry.received < from),
    'the audit log records lists (a kube-apiserver started before test/env/up.sh recorded them must be restarted)',
  );
  const asked = byOperator.filter(
    (entry) =>
      entry.received >= from &&
      entry.received <= to &&
      // Leader election renews its Lease whatever the resources do.
      entry.resource !== 'leases',
  );
  const lists = asked.filter((entry) => entry.verb === 'list');
  const writes = asked.filter((entry) => writeVerbs.has(entry.verb));
  const describe = (entries: typeof asked) => entries.map((e) => `${e.verb} ${e.resource} ${e.name}`);
  console.log(
    `idle resync of a three-node Kafka: ${idle.length} reconciles from ${from} to ${to}: ` +
      `${lists.length} lists, ${writes.length} writes`,
  );
  assert.deepEqual(describe(lists), []);
  assert.deepEqual(describe(writes), []);
});
