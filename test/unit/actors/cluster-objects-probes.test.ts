// The kafka container's probes: Strimzi's timings by default, spec.kafka.livenessProbe/readinessProbe when set,
// a broker's readiness asked of the agent in its JVM, and a startup probe that gives a slow first start
// minutes before liveness may restart the node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { buildDesiredObjects } from '../../../src/actors/cluster/desired-objects/desired-objects.ts';
import {
  type ClusterFixture,
  clustersDirectory,
  fixtureInputs,
  fixtureModel,
  readClusterFixture,
} from '../../support/cluster-fixtures.ts';

const dualRole = () => readClusterFixture(`${clustersDirectory}/dual-role.yaml`);

function firstPod(fixture: ClusterFixture = dualRole()): V1Pod {
  const model = fixtureModel(fixture);
  const pod = buildDesiredObjects(model, fixtureInputs(model)).nodes[0]?.pod;
  assert.ok(pod);
  return pod;
}

function kafkaContainer(fixture?: ClusterFixture): V1Container {
  const container = firstPod(fixture).spec?.containers.find(({ name }) => name === 'kafka');
  assert.ok(container);
  return container;
}

const strimziTimings = {
  initialDelaySeconds: 15,
  timeoutSeconds: 5,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
};
const strimziDefaults = { tcpSocket: { port: 9091 }, ...strimziTimings };
// The broker's own state, from the agent in its JVM.
const brokerReadiness = { httpGet: { path: '/ready', port: 8082 }, ...strimziTimings };

test("without probe settings a broker is live while its replication port accepts connections and ready when its agent says RUNNING, with Strimzi's timings", () => {
  const container = kafkaContainer();
  assert.deepEqual(container.livenessProbe, strimziDefaults);
  assert.deepEqual(container.readinessProbe, brokerReadiness);
  const env = Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value]));
  assert.equal(env.KAFKA_OPTS, '-javaagent:/opt/kafka-agent/broker-state-agent.jar=8082');
  assert.deepEqual(
    container.volumeMounts?.find((mount) => mount.name === 'broker-agent'),
    { name: 'broker-agent', mountPath: '/opt/kafka-agent', readOnly: true },
  );
});

test('a controller-only node is ready and live while its control plane port accepts connections, and loads no agent', () => {
  const fixture = readClusterFixture(`${clustersDirectory}/separate-roles-ephemeral.yaml`);
  const model = fixtureModel(fixture);
  const controller = buildDesiredObjects(model, fixtureInputs(model)).nodes.find(
    ({ node }) => !node.roles.includes('broker'),
  );
  const container = controller?.pod.spec?.containers.find(({ name }) => name === 'kafka');
  assert.ok(container);
  assert.deepEqual(container.readinessProbe, { ...strimziTimings, tcpSocket: { port: 9090 } });
  assert.equal(
    container.env?.find((variable) => variable.name === 'KAFKA_OPTS'),
    undefined,
  );
  assert.equal(
    container.volumeMounts?.find((mount) => mount.name === 'broker-agent'),
    undefined,
  );
});

test('spec.kafka.livenessProbe and readinessProbe reach the container, unset fields keeping their defaults', () => {
  const fixture = dualRole();
  fixture.kafka.spec.kafka.livenessProbe = { initialDelaySeconds: 60, failureThreshold: 6 };
  fixture.kafka.spec.kafka.readinessProbe = { timeoutSeconds: 2, periodSeconds: 3, successThreshold: 2 };
  const container = kafkaContainer(fixture);
  assert.deepEqual(container.livenessProbe, {
    ...strimziDefaults,
    initialDelaySeconds: 60,
    failureThreshold: 6,
  });
  assert.deepEqual(container.readinessProbe, {
    ...brokerReadiness,
    timeoutSeconds: 2,
    periodSeconds: 3,
    successThreshold: 2,
  });
});

test('an initial delay of 0 is left out, as the apiserver stores it, so an idle reconcile does not re-apply', () => {
  const fixture = dualRole();
  fixture.kafka.spec.kafka.readinessProbe = { initialDelaySeconds: 0 };
  const probe = kafkaContainer(fixture).readinessProbe;
  assert.ok(probe);
  assert.equal('initialDelaySeconds' in probe, false);
});

test('a TCP startup probe on the same port allows 5 minutes before the container is restarted', () => {
  const startup = kafkaContainer().startupProbe;
  assert.deepEqual(startup?.tcpSocket, { port: 9091 });
  assert.equal(startup?.successThreshold, 1);
  assert.equal((startup?.periodSeconds ?? 0) * (startup?.failureThreshold ?? 0), 300);
});

test('the startup probe never allows less time than the user gave the liveness probe', () => {
  const fixture = dualRole();
  fixture.kafka.spec.kafka.livenessProbe = {
    initialDelaySeconds: 600,
    periodSeconds: 20,
    failureThreshold: 5,
  };
  const startup = kafkaContainer(fixture).startupProbe;
  assert.ok((startup?.periodSeconds ?? 0) * (startup?.failureThreshold ?? 0) >= 700);
});

test('a controller-only node is probed on the controller port by all three probes', () => {
  const fixture = readClusterFixture(`${clustersDirectory}/separate-roles-persistent.yaml`);
  const model = fixtureModel(fixture);
  const controller = buildDesiredObjects(model, fixtureInputs(model)).nodes.find(
    ({ node }) => !node.roles.includes('broker'),
  );
  const container = controller?.pod.spec?.containers[0];
  assert.deepEqual(
    [container?.startupProbe, container?.readinessProbe, container?.livenessProbe].map(
      (probe) => probe?.tcpSocket?.port,
    ),
    [9090, 9090, 9090],
  );
});

test('a probe change changes the revision, so the pods roll', () => {
  const fixture = dualRole();
  fixture.kafka.spec.kafka.livenessProbe = { initialDelaySeconds: 60 };
  const revision = (pod: V1Pod) => pod.metadata?.annotations?.['strimzi.io/revision'];
  assert.notEqual(revision(firstPod(fixture)), revision(firstPod()));
});
