// Which of the user's broker configuration Kafka takes at runtime, and what writing it to the
// cluster-wide default entity changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clusterDefaultChanges,
  dynamicUserConfig,
  isClusterWideDynamic,
} from '../../../src/actors/cluster/broker-config/dynamic-config.ts';

test("only configs Kafka updates as a cluster-wide default are dynamic: not read-only ones, per-broker ones or the operator's config.providers", () => {
  for (const key of ['num.io.threads', 'log.cleaner.threads', 'log.retention.ms', 'min.insync.replicas']) {
    assert.ok(isClusterWideDynamic(key), key);
  }
  for (const key of [
    'offsets.topic.replication.factor',
    'default.replication.factor',
    'ssl.cipher.suites',
    'listeners',
    'config.providers',
  ]) {
    assert.ok(!isClusterWideDynamic(key), key);
  }
  assert.deepEqual(
    dynamicUserConfig({
      'num.io.threads': '12',
      'offsets.topic.replication.factor': '3',
      'log.retention.ms': '1',
    }),
    { 'num.io.threads': '12', 'log.retention.ms': '1' },
  );
});

test("the default entity is made to hold exactly the desired dynamic configs: differing values set, dropped ones removed, foreign keys and Kafka's own min.insync.replicas untouched", () => {
  assert.deepEqual(
    clusterDefaultChanges(
      { 'num.io.threads': '12', 'log.cleaner.threads': '2', 'log.retention.ms': '1000' },
      {
        'num.io.threads': '8',
        'log.retention.ms': '1000',
        'message.max.bytes': '2000000',
        'min.insync.replicas': '1',
        'leader.imbalance.per.broker.percentage': '5',
      },
    ),
    {
      set: { 'num.io.threads': '12', 'log.cleaner.threads': '2' },
      remove: ['message.max.bytes'],
    },
  );
  assert.deepEqual(clusterDefaultChanges({ 'num.io.threads': '8' }, { 'num.io.threads': '8' }), {
    set: {},
    remove: [],
  });
});
