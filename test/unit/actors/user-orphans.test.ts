import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KafkaAdmin } from '../../../src/actors/kafka/kafka-admin.ts';
import { kafkaUsernames, orphanUsernames } from '../../../src/actors/user/user-orphans.ts';
import type { KafkaUser } from '../../../src/api/kafka-user.ts';

const kafkaUser = (name: string, type?: 'tls' | 'scram-sha-512'): KafkaUser => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaUser',
  metadata: { name, namespace: 'shop' },
  spec: type ? { authentication: { type } } : {},
});

test('an orphan is a Kafka user no KafkaUser names in either spelling, and not kept', () => {
  const inKafka = ['alice', 'CN=alice', 'bob', 'CN=carol', 'dave', 'admin', 'dave', 'svc-backup'];
  const keep = (name: string) => name === 'admin' || /^svc-/.test(name);
  assert.deepEqual(
    orphanUsernames(inKafka, [kafkaUser('alice', 'scram-sha-512'), kafkaUser('carol', 'tls')], keep),
    ['bob', 'dave'],
  );
});

test("Kafka's users are those with a SCRAM credential, a User: principal in an ACL, or a quota of their own", async () => {
  const admin = {
    listScramUsers: async () => ['alice'],
    listAclPrincipals: async () => ['User:CN=bob', 'Group:ops'],
    listQuotaUsers: async () => ['carol'],
  } as unknown as KafkaAdmin;
  assert.deepEqual(await kafkaUsernames(admin), ['alice', 'CN=bob', 'carol']);
});
