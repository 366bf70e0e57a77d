// Real services: a Kafka 4.x KRaft broker. Writes batched while this replica led are not sent once the
// fence closes (the Lease lost or released): Kafka never sees them, and their callers are told why.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import { FencedWriteError, WriteFence } from '../../src/supervisor/write-fence.ts';
import { kafkaEnvironment } from '../support/environment.ts';

const kafka = kafkaEnvironment();
const suffix = randomUUID().slice(0, 8);
const fence = new WriteFence();
// Writes wait a whole second for company: long enough to close the fence while they wait.
const admin = new PlatformaticKafkaAdmin(
  { bootstrap: [kafka.bootstrap], clientId: 'write-fence-test' },
  {
    fence: () => fence.check('Kafka write'),
    batching: { reads: { maxDelayMs: 5, maxItems: 500 }, writes: { maxDelayMs: 1_000, maxItems: 500 } },
  },
);
const observer = new Admin({ clientId: 'write-fence-observer', bootstrapBrokers: [kafka.bootstrap] });
after(async () => {
  await admin.close();
  await observer.close();
});

test('an open fence lets writes through; writes waiting in a batch when it closes are never sent, and reads still are', async () => {
  fence.open();
  const sent = `fence-open-${suffix}`;
  await admin.createTopic({ name: sent, partitions: 1, replicas: 1, config: {} });
  assert.ok((await observer.listTopics()).includes(sent));

  const waiting = `fence-closed-${suffix}`;
  const created = admin.createTopic({ name: waiting, partitions: 1, replicas: 1, config: {} });
  fence.close();
  await assert.rejects(created, FencedWriteError);
  assert.equal(await admin.describeTopic(waiting), undefined, 'Kafka never saw the topic');
  assert.ok(!(await observer.listTopics()).includes(waiting));
  await observer.deleteTopics({ topics: [sent] });
});
