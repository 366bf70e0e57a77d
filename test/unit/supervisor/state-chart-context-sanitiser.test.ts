import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sanitiseContext, scrubSecrets } from '../../../src/supervisor/state-chart/view/context-sanitiser.ts';

test('only whitelisted context fields are shown: unknown fields are dropped, whatever they hold', () => {
  const shown = sanitiseContext({
    key: 'ns/orders',
    topicName: 'orders',
    topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    reconciledGeneration: 3,
    consecutiveFailures: 2,
    lastError: { reason: 'KafkaError', message: 'broker down', retryable: true, stack: 'at x' },
    // Fields a future machine might add: none of them is on the whitelist.
    password: 'hunter2',
    credentials: { username: 'admin', password: 'hunter2' },
    resource: { spec: { authentication: { password: { valueFrom: 'hunter2' } } } },
    saslJaasConfig: 'hunter2',
    somethingNew: 'hunter2',
  });
  assert.deepEqual(shown, {
    topicName: 'orders',
    topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    reconciledGeneration: 3,
    consecutiveFailures: 2,
    lastError: { reason: 'KafkaError', message: 'broker down', retryable: true },
  });
  assert.ok(!JSON.stringify(shown).includes('hunter2'));
});

test('a whitelisted field of the wrong shape is dropped instead of shown as it is', () => {
  const shown = sanitiseContext({
    topicName: { password: 'hunter2' },
    topicId: ['hunter2'],
    consecutiveFailures: 'hunter2',
    reconciledGeneration: Number.NaN,
    lastError: { reason: 'X', message: { password: 'hunter2' } },
  });
  assert.deepEqual(shown, {});
  assert.deepEqual(sanitiseContext(undefined), {});
  assert.deepEqual(sanitiseContext('hunter2'), {});
});

test('secrets in shown text are redacted: passwords, sasl.jaas.config, JAAS options, keys, tokens, PEM', () => {
  const secrets = [
    'pw-one',
    'pw-two',
    'pw-three',
    'pw-four',
    'pw-five',
    'pw-six',
    'pw-seven',
    'pw-eight',
    'MIIEvQ',
  ];
  const message = [
    'login failed: password=pw-one',
    'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required ' +
      'username="a" password="pw-two";',
    'ScramLoginModule required username="admin" password="pw-three";',
    '{"password":"pw-four"}',
    'ssl.keystore.password: pw-five',
    'token=pw-six',
    'privateKey: pw-seven, user.key=pw-eight',
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
  ].join('\n');
  const shown = sanitiseContext({
    lastError: { reason: 'AuthenticationFailed', message },
    topicName: 'password=pw-one',
  });
  const text = JSON.stringify(shown);
  for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  assert.match(text, /\[redacted\]/);
  assert.match(text, /login failed: password=\[redacted\]/, 'what was redacted stays readable');
});

test('error messages without secrets are shown unchanged', () => {
  for (const message of [
    'Kafka cluster prod (label strimzi.io/cluster) is not known to this operator: ' +
      'configure it in KAFKA_CLUSTERS or fix the label',
    'Secret kafka/admin for Kafka cluster prod must hold the keys username and password',
    'Invalid spec.config: retention.ms must be a number',
  ]) {
    assert.equal(scrubSecrets(message), message);
  }
});

test("a Kafka's wait is shown by its reason and message, without what else the step keeps", () => {
  const shown = sanitiseContext({
    waiting: {
      step: 'rolling',
      reason: 'NodeNotBack',
      message:
        'Rolling update: waiting for Kafka to take the nodes back (broker 2 is not in sync on orders-0)',
      subject: 'others c-broker-2',
      since: 1,
      retryAfterMs: 2_000,
    },
  });
  assert.deepEqual(shown, {
    waiting: {
      reason: 'NodeNotBack',
      message:
        'Rolling update: waiting for Kafka to take the nodes back (broker 2 is not in sync on orders-0)',
    },
  });
});
