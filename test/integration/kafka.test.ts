// Real services: a Kafka 4.x KRaft broker (SASL/SCRAM-SHA-512 listener, StandardAuthorizer).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  Connection,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { alterScramCredentials, buildScramUpsertion } from '../../src/actors/kafka/scram-credentials.ts';
import { kafkaEnvironment } from '../support/environment.ts';

const kafka = kafkaEnvironment();
const [host, port] = kafka.bootstrap.split(',')[0]?.split(':') ?? [];
const suffix = randomUUID().slice(0, 8);
const admin = new Admin({ clientId: 'testenv-admin', bootstrapBrokers: [kafka.bootstrap] });
after(() => admin.close());

test('a topic created through @platformatic/kafka carries a record produced and consumed by kafkajs', async () => {
  const topic = `roundtrip-${suffix}`;
  const [created] = await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
  assert.equal(created?.name, topic);
  assert.equal(created?.partitions, 3);
  assert.ok(created?.id, 'the broker assigned a topic id');

  const client = new Kafka({
    clientId: 'testenv-roundtrip',
    brokers: [kafka.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const producer = client.producer();
  const consumer = client.consumer({ groupId: `roundtrip-${suffix}` });
  await producer.connect();
  await consumer.connect();
  try {
    await producer.send({ topic, messages: [{ key: 'k', value: 'hello from kafkajs' }] });
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') });
    });
    assert.equal(received, 'hello from kafkajs');
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
});

test('a SCRAM-SHA-512 user created through the admin API logs in on the SASL listener and is denied a topic without an ACL', async () => {
  const username = `app-${suffix}`;
  const password = randomUUID();
  const allowed = `allowed-${suffix}`;
  const forbidden = `forbidden-${suffix}`;
  await admin.createTopics({ topics: [allowed, forbidden], partitions: 1, replicas: 1 });

  const connection = new Connection('testenv-scram');
  await connection.connect(host ?? '', Number(port));
  try {
    const results = await alterScramCredentials(
      connection,
      [],
      [await buildScramUpsertion(username, password)],
    );
    assert.deepEqual(
      results.map((r) => [r.user, r.errorCode]),
      [[username, 0]],
    );
  } finally {
    await connection.close();
  }
  await admin.createAcls({
    creations: [AclOperations.WRITE, AclOperations.DESCRIBE].map((operation) => ({
      resourceType: ResourceTypes.TOPIC,
      resourceName: allowed,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: `User:${username}`,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    })),
  });

  const asUser = (secret: string) =>
    new Kafka({
      clientId: 'testenv-user',
      brokers: [kafka.bootstrapSasl],
      sasl: { mechanism: 'scram-sha-512', username, password: secret },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).producer({ retry: { retries: 0 } });

  const producer = asUser(password);
  await producer.connect();
  try {
    const [written] = await producer.send({ topic: allowed, messages: [{ value: 'permitted' }] });
    assert.equal(written?.errorCode, 0);
    await assert.rejects(
      producer.send({ topic: forbidden, messages: [{ value: 'denied' }] }),
      (error: Error) =>
        /not authorized|TOPIC_AUTHORIZATION_FAILED/i.test(
          `${error.message} ${(error as { type?: string }).type}`,
        ),
    );
  } finally {
    await producer.disconnect();
  }

  await assert.rejects(asUser('wrong-password').connect(), /SASL SCRAM SHA512 authentication failed/i);
});
