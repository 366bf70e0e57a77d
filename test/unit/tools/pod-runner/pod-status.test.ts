import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { type PodStatusInputs, podStatus } from '../../../../tools/pod-runner/pod-status.ts';

const pod: V1Pod = { metadata: { name: 'p' }, spec: { containers: [] } };
const running = (ready: boolean): V1ContainerStatus => ({
  name: 'kafka',
  image: 'apache/kafka',
  imageID: '',
  ready,
  restartCount: 0,
  state: { running: { startedAt: new Date(0) } },
});

function inputs(overrides: Partial<PodStatusInputs>): PodStatusInputs {
  return {
    pod,
    hostIP: '10.245.0.1',
    podIP: '10.245.0.2',
    startTime: new Date(0),
    initialized: true,
    initContainerStatuses: [],
    containerStatuses: [running(false)],
    now: new Date(1000),
    ...overrides,
  };
}

const conditionOf = (status: ReturnType<typeof podStatus>, type: string) =>
  status.conditions?.find((c) => c.type === type)?.status;

test('a running container that is not ready yet makes a Running pod that is not Ready', () => {
  const status = podStatus(inputs({}));
  assert.equal(status.phase, 'Running');
  assert.equal(conditionOf(status, 'Ready'), 'False');
  assert.equal(conditionOf(status, 'ContainersReady'), 'False');
  assert.equal(conditionOf(status, 'PodScheduled'), 'True');
  assert.deepEqual(status.podIPs, [{ ip: '10.245.0.2' }]);
});

test('ready containers make the pod Ready; a condition keeps its transition time while unchanged', () => {
  const first = podStatus(inputs({ containerStatuses: [running(true)] }));
  assert.equal(conditionOf(first, 'Ready'), 'True');
  const later = podStatus(
    inputs({ pod: { ...pod, status: first }, containerStatuses: [running(true)], now: new Date(5000) }),
  );
  const ready = later.conditions?.find((c) => c.type === 'Ready');
  assert.deepEqual(ready?.lastTransitionTime, new Date(1000));
});

test('containers that all ended make Succeeded or Failed by their exit codes', () => {
  const ended = (exitCode: number): V1ContainerStatus => ({
    ...running(false),
    state: { terminated: { exitCode } },
  });
  assert.equal(podStatus(inputs({ containerStatuses: [ended(0)] })).phase, 'Succeeded');
  assert.equal(podStatus(inputs({ containerStatuses: [ended(0), ended(2)] })).phase, 'Failed');
});

test('a pod still waiting for its containers is Pending', () => {
  const waiting: V1ContainerStatus = {
    ...running(false),
    state: { waiting: { reason: 'ContainerCreating' } },
  };
  assert.equal(podStatus(inputs({ containerStatuses: [waiting] })).phase, 'Pending');
});
