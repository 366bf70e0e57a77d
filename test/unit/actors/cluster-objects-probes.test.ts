// The kafka container's probes: Strimzi's timings by default, spec.kafka.livenessProbe/readinessProbe when set,
// and a startup probe that gives a slow first start minutes before liveness may restart the node.
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

const strimziDefaults = {
  tcpSocket: { port: 9091 },
  initialDelaySeconds: 15,
  timeoutSeconds: 5,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
};

test("without probe settings a broker is probed over TCP on the replication port with Strimzi's timings", () => {
  const container = kafkaContainer();
  assert.deepEqual(container.livenessProbe, strimziDefaults);
  assert.deepEqual(container.readinessProbe, strimziDefaults);
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
    ...strimziDefaults,
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
