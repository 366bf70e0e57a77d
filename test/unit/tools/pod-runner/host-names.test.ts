import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import {
  clusterHostEntries,
  hostsFileText,
  type LocalPod,
  withManagedBlock,
} from '../../../../tools/pod-runner/host-names.ts';

function broker(name: string, address: string, ready: boolean): LocalPod {
  const pod: V1Pod = {
    metadata: {
      name,
      namespace: 'kafka',
      labels: { 'strimzi.io/cluster': 'my-cluster', 'strimzi.io/pod-name': name },
    },
    spec: { hostname: name, subdomain: 'my-cluster-kafka-brokers', containers: [] },
  };
  return { pod, address, ready };
}

function service(
  name: string,
  selector: Record<string, string>,
  publishNotReadyAddresses = false,
): V1Service {
  return { metadata: { name, namespace: 'kafka' }, spec: { selector, publishNotReadyAddresses } };
}

const pods = [broker('my-cluster-b-1', '10.245.0.3', true), broker('my-cluster-b-0', '10.245.0.2', false)];
const services = [
  service('my-cluster-kafka-bootstrap', { 'strimzi.io/cluster': 'my-cluster' }),
  service('my-cluster-kafka-brokers', { 'strimzi.io/cluster': 'my-cluster' }, true),
  service('my-cluster-b-plain-0', { 'strimzi.io/pod-name': 'my-cluster-b-0' }),
  service('elsewhere', { app: 'other' }),
];

test('each pod is reached by <hostname>.<subdomain>.<namespace>.svc, with and without cluster.local', () => {
  const entries = clusterHostEntries(pods, services);
  assert.equal(entries.get('my-cluster-b-0.my-cluster-kafka-brokers.kafka.svc'), '10.245.0.2');
  assert.equal(entries.get('my-cluster-b-1.my-cluster-kafka-brokers.kafka.svc.cluster.local'), '10.245.0.3');
});

test('a service resolves to its first ready endpoint by pod name, or any when it publishes not-ready ones', () => {
  const entries = clusterHostEntries(pods, services);
  assert.equal(entries.get('my-cluster-kafka-bootstrap.kafka.svc'), '10.245.0.3');
  assert.equal(entries.get('my-cluster-kafka-brokers.kafka.svc'), '10.245.0.2');
});

test('a service with no ready endpoint, or none at all, has no entry', () => {
  const entries = clusterHostEntries(pods, services);
  assert.equal(entries.has('my-cluster-b-plain-0.kafka.svc'), false);
  assert.equal(entries.has('elsewhere.kafka.svc'), false);
});

test("a pod's hosts file names the pod itself first, as the kubelet writes it", () => {
  const own = pods[1];
  assert.ok(own);
  const lines = hostsFileText(new Map(), own).split('\n');
  assert.ok(lines.includes('127.0.0.1\tlocalhost'));
  assert.ok(
    lines.includes(
      '10.245.0.2\tmy-cluster-b-0.my-cluster-kafka-brokers.kafka.svc.cluster.local my-cluster-b-0',
    ),
  );
});

test('the managed block is replaced in place, other lines kept, and removed when empty', () => {
  const original = '127.0.0.1 localhost\n10.0.0.9 mine\n';
  const once = withManagedBlock(original, 'pod-runner n1', ['10.245.0.2\ta.svc']);
  assert.equal(
    once,
    '127.0.0.1 localhost\n10.0.0.9 mine\n# BEGIN pod-runner n1\n10.245.0.2\ta.svc\n# END pod-runner n1\n',
  );
  const twice = withManagedBlock(once, 'pod-runner n1', ['10.245.0.3\tb.svc']);
  assert.ok(twice.includes('b.svc') && !twice.includes('a.svc'));
  assert.equal(withManagedBlock(twice, 'pod-runner n1', []), original);
  assert.equal(withManagedBlock(once, 'pod-runner other', []), once);
});
