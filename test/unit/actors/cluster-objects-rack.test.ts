// Rack awareness from a node label: what the brokers' pods carry so that the operator can write each
// broker's rack once it is scheduled, and what the rack writer decides for a pod and its Node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { rackOfPod, waitsForRack } from '../../../src/actors/cluster/broker-racks.ts';
import { buildDesiredObjects } from '../../../src/actors/cluster/desired-objects/desired-objects.ts';
import {
  clustersDirectory,
  fixtureInputs,
  fixtureModel,
  readClusterFixture,
} from '../../support/cluster-fixtures.ts';

const zone = 'topology.kubernetes.io/zone';

function rackCluster(template?: unknown) {
  const fixture = readClusterFixture(`${clustersDirectory}/separate-roles-persistent.yaml`);
  fixture.kafka.spec.kafka.rack = { type: 'topology-label', topologyKey: zone };
  if (template) {
    for (const pool of fixture.pools) (pool.spec as { template?: unknown }).template = template;
  }
  const model = fixtureModel(fixture);
  return buildDesiredObjects(model, fixtureInputs(model)).nodes;
}

test('a broker pod names the label, mounts the rack annotation as a file, and its start-up waits for it', () => {
  const brokers = rackCluster().filter(({ node }) => node.roles.includes('broker'));
  assert.ok(brokers.length > 0);
  for (const { pod, configMap } of brokers) {
    assert.equal(pod.metadata?.annotations?.['kafka-actor-operator.io/rack-topology-key'], zone);
    const volume = pod.spec?.volumes?.find((candidate) => candidate.name === 'rack');
    assert.deepEqual(volume?.downwardAPI?.items, [
      { path: 'rack', fieldRef: { fieldPath: "metadata.annotations['kafka-actor-operator.io/rack']" } },
    ]);
    const mount = pod.spec?.containers[0]?.volumeMounts?.find((candidate) => candidate.name === 'rack');
    assert.deepEqual(mount, { name: 'rack', mountPath: '/opt/kafka/rack', readOnly: true });
    const script = configMap.data?.['kafka-start.sh'] ?? '';
    assert.match(script, /while \[ ! -s \/opt\/kafka\/rack\/rack \]; do/);
    // The wait comes before Kafka starts.
    assert.ok(script.indexOf('/opt/kafka/rack/rack') < script.indexOf('kafka-server-start.sh'));
    assert.match(
      configMap.data?.['server.config'] ?? '',
      /^broker\.rack=\$\{strimzidir:\/opt\/kafka\/rack:rack\}$/m,
    );
  }
});

test('a controller-only pod has no rack: nothing to wait for', () => {
  const controllers = rackCluster().filter(({ node }) => !node.roles.includes('broker'));
  assert.ok(controllers.length > 0);
  for (const { pod, configMap } of controllers) {
    assert.equal(pod.metadata?.annotations?.['kafka-actor-operator.io/rack-topology-key'], undefined);
    assert.equal(
      pod.spec?.volumes?.find((candidate) => candidate.name === 'rack'),
      undefined,
    );
    assert.doesNotMatch(configMap.data?.['kafka-start.sh'] ?? '', /rack/);
    assert.doesNotMatch(configMap.data?.['server.config'] ?? '', /broker\.rack/);
  }
});

test("brokers need a node with the label and prefer other racks than the cluster's other brokers, within the template's affinity", () => {
  const template = {
    pod: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['a'] }] },
            ],
          },
        },
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] },
      },
    },
  };
  const broker = rackCluster(template).find(({ node }) => node.roles.includes('broker'));
  assert.ok(broker);
  const affinity = broker.pod.spec?.affinity;
  assert.deepEqual(
    affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    [
      {
        matchExpressions: [
          { key: 'kubernetes.io/hostname', operator: 'In', values: ['a'] },
          { key: zone, operator: 'Exists' },
        ],
      },
    ],
  );
  assert.deepEqual(affinity?.podAffinity, template.pod.affinity.podAffinity);
  assert.deepEqual(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, [
    {
      weight: 100,
      podAffinityTerm: {
        topologyKey: zone,
        labelSelector: {
          matchLabels: {
            'strimzi.io/cluster': 'my-cluster',
            'strimzi.io/name': 'my-cluster-kafka',
            'strimzi.io/kind': 'Kafka',
          },
        },
      },
    },
  ]);
  const controller = rackCluster(template).find(({ node }) => !node.roles.includes('broker'));
  assert.deepEqual(controller?.pod.spec?.affinity, template.pod.affinity);
});

test('without a template affinity the rack affinity stands alone', () => {
  const broker = rackCluster().find(({ node }) => node.roles.includes('broker'));
  assert.deepEqual(broker?.pod.spec?.affinity?.nodeAffinity, {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: 'Exists' }] }],
    },
  });
});

const node = (labels: Record<string, string>): V1Node => ({ metadata: { name: 'node-1', labels } });
function pod(annotations: Record<string, string>, nodeName?: string): V1Pod {
  return {
    metadata: { name: 'my-cluster-brokers-0', namespace: 'ns', annotations },
    spec: { containers: [], nodeName },
  };
}
const asking = { 'kafka-actor-operator.io/rack-topology-key': zone };

test("the rack writer writes the node's label value once the pod is scheduled, and only then", () => {
  assert.deepEqual(rackOfPod(pod(asking, 'node-1'), node({ [zone]: 'zone-2' })), {
    action: 'annotate',
    rack: 'zone-2',
  });
  assert.ok(waitsForRack(pod(asking, 'node-1')));
  assert.ok(!waitsForRack(pod(asking)));
  assert.ok(!waitsForRack(pod({}, 'node-1')));
  assert.ok(!waitsForRack(pod({ ...asking, 'kafka-actor-operator.io/rack': 'zone-1' }, 'node-1')));
  assert.deepEqual(rackOfPod(pod(asking), node({ [zone]: 'zone-2' })), { action: 'none' });
});

test('a node without the label, or gone, is refused with a message naming the node and the label', () => {
  const missing = rackOfPod(pod(asking, 'node-1'), node({}));
  assert.equal(missing.action, 'refuse');
  assert.match(
    missing.action === 'refuse' ? missing.message : '',
    /node node-1 has no label topology\.kubernetes\.io\/zone/,
  );
  const gone = rackOfPod(pod(asking, 'node-1'), undefined);
  assert.match(
    gone.action === 'refuse' ? gone.message : '',
    /node node-1 of pod my-cluster-brokers-0 is gone/,
  );
});

test('an operator refused the node says which chart value grants it', () => {
  const refused = rackOfPod(pod(asking, 'node-1'), 'forbidden');
  assert.match(
    refused.action === 'refuse' ? refused.message : '',
    /may not read node node-1 \(get nodes\).*rbac\.nodes: true/,
  );
});
