// Strimzi's labels and the owner reference that every desired object carries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildDesiredObjects,
  buildServices,
} from '../../../src/actors/cluster/desired-objects/desired-objects.ts';
import {
  clusterLabels,
  kafkaOwnerReference,
  podLabels,
} from '../../../src/actors/cluster/desired-objects/object-metadata.ts';
import {
  clustersDirectory,
  fixtureInputs,
  fixtureModel,
  legacyDirectory,
  readClusterFixture,
} from '../../support/cluster-fixtures.ts';

const persistent = () =>
  fixtureModel(readClusterFixture(`${clustersDirectory}/separate-roles-persistent.yaml`));

test("cluster objects carry Strimzi's labels and the app.kubernetes.io labels", () => {
  assert.deepEqual(clusterLabels(persistent()), {
    'strimzi.io/kind': 'Kafka',
    'strimzi.io/name': 'my-cluster-kafka',
    'strimzi.io/cluster': 'my-cluster',
    'strimzi.io/component-type': 'kafka',
    'app.kubernetes.io/name': 'kafka',
    'app.kubernetes.io/instance': 'my-cluster',
    'app.kubernetes.io/part-of': 'strimzi-my-cluster',
    'app.kubernetes.io/managed-by': 'strimzi-cluster-operator',
  });
});

test('a label value made from a long cluster name is cut to 63 characters without a trailing dash', () => {
  // strimzi-<54 a>- is 63 characters long: the cut leaves a dash at the end, which must go.
  const model = { ...persistent(), name: `${'a'.repeat(54)}-cluster-x` };
  const partOf = clusterLabels(model)['app.kubernetes.io/part-of'];
  assert.equal(partOf, `strimzi-${'a'.repeat(54)}`);
  assert.ok((clusterLabels(model)['app.kubernetes.io/instance']?.length ?? 0) <= 63);
});

test('pods say their pool, pod name and roles', () => {
  const model = persistent();
  const controller = model.nodes.find((node) => node.pool === 'controller');
  assert.ok(controller);
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(podLabels(model, controller)).filter(([key]) => !key.startsWith('app.')),
    ),
    {
      'strimzi.io/kind': 'Kafka',
      'strimzi.io/name': 'my-cluster-kafka',
      'strimzi.io/cluster': 'my-cluster',
      'strimzi.io/component-type': 'kafka',
      'strimzi.io/pool-name': 'controller',
      'strimzi.io/pod-name': `my-cluster-controller-${controller.id}`,
      'strimzi.io/broker-role': 'false',
      'strimzi.io/controller-role': 'true',
    },
  );
});

test('the owner reference makes the Kafka the controller whose deletion never waits on its parts', () => {
  assert.deepEqual(kafkaOwnerReference(persistent()), {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    name: 'my-cluster',
    uid: '6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7',
    controller: true,
    blockOwnerDeletion: false,
  });
});

test('the services applied first are exactly the services of the desired objects', () => {
  const model = fixtureModel(readClusterFixture(`${legacyDirectory}/nodeport-listener.yaml`));
  const desired = buildDesiredObjects(model, fixtureInputs(model));
  assert.deepEqual(buildServices(model), [
    ...desired.services,
    ...desired.nodes.flatMap((node) => node.services),
  ]);
});
