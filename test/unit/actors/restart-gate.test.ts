// The restart gate on a scripted ClusterHealthAdmin: a question Kafka does not answer is a refusal that
// says why, a restarted node is not back until Kafka lists it, and the quorum's fetch timeout comes
// from the Kafka's config.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KafkaRestartGate, quorumFetchTimeoutMs } from '../../../src/actors/cluster/restart-gate.ts';
import type { ClusterHealthAdmin, PartitionReplicas } from '../../../src/actors/kafka/kafka-admin.ts';
import { ReconcileFailure } from '../../../src/machines/reconcile-failure.ts';

const model = { name: 'my-cluster', namespace: 'kafka', brokerConfig: {} };
const broker = { id: 2, roles: ['broker'] as const };

function admin(overrides: Partial<ClusterHealthAdmin> = {}): ClusterHealthAdmin {
  const partitions: PartitionReplicas[] = [
    { topic: 'orders', partition: 0, replicas: [0, 1, 2], isr: [0, 1, 2] },
  ];
  return {
    describeBrokers: async () => [0, 1, 2],
    describeMetadataQuorum: async () => ({ leaderId: 0, voters: [{ id: 0, lastCaughtUpTimestamp: 1 }] }),
    describePartitions: async () => partitions,
    describeMinInsyncReplicas: async (topics) => new Map(topics.map((topic) => [topic, 2])),
    close: async () => undefined,
    ...overrides,
  };
}

const unreachable = async (): Promise<never> => {
  throw new Error('cannot connect to any of my-cluster-kafka-bootstrap.kafka.svc:9091');
};

test('a question Kafka does not answer refuses the restart with RestartCheckFailed, naming the nodes and the error', async () => {
  const gate = new KafkaRestartGate(admin({ describeMetadataQuorum: unreachable }), model);
  await assert.rejects(
    gate.activeController([{ id: 0, roles: ['controller'] }, broker]),
    (error: unknown) => {
      assert.ok(error instanceof ReconcileFailure);
      assert.equal(error.reason, 'RestartCheckFailed');
      assert.equal(error.retryable, true);
      assert.equal(
        error.message,
        'Kafka kafka/my-cluster: the roll waits because Kafka could not be asked which controller is active, ' +
          'to restart nodes 0, 2 in order: cannot connect to any of my-cluster-kafka-bootstrap.kafka.svc:9091. It is retried.',
      );
      return true;
    },
  );
  const partitionsUnknown = new KafkaRestartGate(admin({ describePartitions: unreachable }), model);
  await assert.rejects(
    partitionsUnknown.ensureSafeToRestart(broker),
    (error: unknown) =>
      error instanceof ReconcileFailure &&
      error.reason === 'RestartCheckFailed' &&
      /could not be asked whether node 2 can restart/.test(error.message),
  );
});

test('with every partition above min.insync.replicas without it, a broker may restart', async () => {
  await new KafkaRestartGate(admin(), model).ensureSafeToRestart(broker);
});

test('a restarted broker is not back until Kafka lists it, and Kafka not answering is not back either', async () => {
  let asked = 0;
  // Refused connections at first, then registered.
  const returning = new KafkaRestartGate(
    admin({
      describeBrokers: async () => {
        asked += 1;
        if (asked === 1) return unreachable();
        return asked === 2 ? [0, 1] : [0, 1, 2];
      },
    }),
    model,
  );
  assert.match((await returning.notBack([broker])) ?? '', /^Kafka did not answer: cannot connect/);
  assert.equal(await returning.notBack([broker]), 'broker 2 is not registered and unfenced');
  assert.equal(await returning.notBack([broker]), undefined);
});

test("the quorum's fetch timeout is the Kafka's controller.quorum.fetch.timeout.ms, else Kafka's default", () => {
  assert.equal(
    quorumFetchTimeoutMs({ brokerConfig: { 'controller.quorum.fetch.timeout.ms': '5000' } }),
    5_000,
  );
  assert.equal(quorumFetchTimeoutMs({ brokerConfig: {} }), 2_000);
});
