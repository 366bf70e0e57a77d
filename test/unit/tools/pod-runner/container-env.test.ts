import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import {
  containerCommand,
  containerEnvironment,
  expandReferences,
} from '../../../../tools/pod-runner/container-env.ts';

const pod: V1Pod = {
  metadata: {
    name: 'broker-0',
    namespace: 'kafka',
    uid: 'u-1',
    labels: { 'strimzi.io/pool-name': 'brokers' },
  },
  spec: { nodeName: 'local-runner', containers: [] },
};
const placement = { podIP: '10.245.0.7', hostIP: '10.245.0.1' };
const data = {
  configMap: (name: string) => (name === 'settings' ? { LEVEL: 'debug', MODE: 'fast' } : undefined),
  secret: (name: string) => (name === 'creds' ? { password: 's3cret' } : undefined),
};

function environment(container: V1Container): Record<string, string> {
  return containerEnvironment({
    pod,
    container,
    placement,
    hostname: 'broker-0',
    data,
    allocatable: { memory: '4Gi' },
  });
}

test('the downward API gives the pod its name, namespace, node, labels and addresses', () => {
  const env = environment({
    name: 'kafka',
    env: [
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'POOL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['strimzi.io/pool-name']" } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
    ],
  });
  assert.deepEqual(env, {
    HOSTNAME: 'broker-0',
    POD: 'broker-0',
    NS: 'kafka',
    NODE: 'local-runner',
    POOL: 'brokers',
    POD_IP: '10.245.0.7',
    HOST_IP: '10.245.0.1',
  });
});

test('envFrom comes first with its prefix, env after it wins, and $(NAME) expands earlier variables', () => {
  const env = environment({
    name: 'kafka',
    envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'APP_' }],
    env: [
      { name: 'APP_MODE', value: 'slow' },
      { name: 'SUMMARY', value: '$(APP_LEVEL)/$(APP_MODE)/$(UNKNOWN)/$$(APP_LEVEL)' },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
    ],
  });
  assert.equal(env.APP_LEVEL, 'debug');
  assert.equal(env.APP_MODE, 'slow');
  assert.equal(env.SUMMARY, 'debug/slow/$(UNKNOWN)/$(APP_LEVEL)');
  assert.equal(env.PASSWORD, 's3cret');
});

test('a missing ConfigMap key fails the container unless optional', () => {
  const missing = { name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'NOPE' } } };
  assert.throws(() => environment({ name: 'kafka', env: [missing] }), /settings\/NOPE, which does not exist/);
  const optional = {
    name: 'X',
    valueFrom: { configMapKeyRef: { name: 'settings', key: 'NOPE', optional: true } },
  };
  assert.equal(environment({ name: 'kafka', env: [optional] }).X, undefined);
});

test('resource fields read the limit in units of the divisor, the node allocatable without a limit', () => {
  const env = environment({
    name: 'kafka',
    resources: { limits: { cpu: '1500m' } },
    env: [
      { name: 'CPUS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'MEMORY_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
    ],
  });
  assert.equal(env.CPUS, '2');
  assert.equal(env.MEMORY_MI, '4096');
});

test('the command line is command then args with references expanded; no command is refused', () => {
  assert.deepEqual(
    containerCommand(
      { name: 'kafka', command: ['/bin/sh', '-c'], args: ['echo $(POD)'] },
      { POD: 'broker-0' },
    ),
    ['/bin/sh', '-c', 'echo broker-0'],
  );
  assert.throws(() => containerCommand({ name: 'kafka', args: ['x'] }, {}), /has no command/);
});

test('expansion leaves text without references alone', () => {
  assert.equal(expandReferences('plain $HOME text', {}), 'plain $HOME text');
});
