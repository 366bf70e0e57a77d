// The settings of the cluster operator: whether it runs Kafka clusters, and how long it waits for pods.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config.ts';

test('by default the operator runs Kafka clusters and waits 5 minutes for a pod, as Strimzi', () => {
  const config = loadConfig({});
  assert.equal(config.runKafkaClusters, true);
  assert.equal(config.operationTimeoutMs, 300_000);
});

test('RUN_KAFKA_CLUSTERS=false turns the cluster operator off; OPERATION_TIMEOUT_MS sets the wait', () => {
  const config = loadConfig({ RUN_KAFKA_CLUSTERS: 'false', OPERATION_TIMEOUT_MS: '60000' });
  assert.equal(config.runKafkaClusters, false);
  assert.equal(config.operationTimeoutMs, 60_000);
});

test('a bad value of either is refused with a message that names it', () => {
  assert.throws(() => loadConfig({ RUN_KAFKA_CLUSTERS: 'no' }), ConfigError);
  assert.throws(() => loadConfig({ RUN_KAFKA_CLUSTERS: 'no' }), /RUN_KAFKA_CLUSTERS/);
  assert.throws(() => loadConfig({ OPERATION_TIMEOUT_MS: '5' }), /OPERATION_TIMEOUT_MS/);
});
