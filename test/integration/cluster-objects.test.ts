// Real services: kube-apiserver with etcd. The desired objects of every cluster and legacy fixture are valid
// Kubernetes: the apiserver accepts each by server-side apply in dry-run mode with strict field validation.
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { CoreV1Api, HttpMethod, type KubernetesObject } from '@kubernetes/client-node';
import {
  buildDesiredObjects,
  desiredPods,
  supportingObjects,
} from '../../src/actors/cluster/desired-objects/desired-objects.ts';
import { containsFields } from '../../src/actors/cluster/object-diff.ts';
import {
  fieldManager,
  KubernetesObjects,
  objectPath,
  objectTypeOf,
} from '../../src/actors/kubernetes/kubernetes-objects.ts';
import { PooledKubeConfig } from '../../src/actors/kubernetes/pooled-kube-config.ts';
import {
  type ClusterFixture,
  clusterFixtures,
  fixtureInputs,
  fixtureModel,
} from '../support/cluster-fixtures.ts';
import { kubernetesEnvironment } from '../support/environment.ts';

const { kubeconfig } = kubernetesEnvironment();
const kubeConfig = new PooledKubeConfig();
kubeConfig.loadFromFile(kubeconfig);
const core = kubeConfig.makeApiClient(CoreV1Api);
const objects = new KubernetesObjects(kubeConfig);
const namespace = `cluster-objects-${randomUUID().slice(0, 8)}`;

before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

after(async () => {
  await core.deleteNamespace({ name: namespace });
});

// Dry run: validated and admitted like a real write, nothing stored; Strict refuses unknown fields.
async function dryRunApply(object: KubernetesObject): Promise<KubernetesObject> {
  return objects.request<KubernetesObject>(
    HttpMethod.PATCH,
    objectPath(objectTypeOf(object), object.metadata?.namespace, object.metadata?.name ?? ''),
    {
      query: { fieldManager, force: 'true', dryRun: 'All', fieldValidation: 'Strict' },
      body: object,
      contentType: 'application/apply-patch+yaml',
    },
  );
}

// Node ports are cluster-wide and the apiserver is shared: the legacy fixtures' fixed 32094 may be taken by a cluster
// another test runs, so each fixed node port moves to one that no service holds now.
async function withUnusedNodePorts(fixture: ClusterFixture): Promise<ClusterFixture> {
  const services = await core.listServiceForAllNamespaces();
  const used = new Set(
    services.items.flatMap((service) => service.spec?.ports?.map((port) => port.nodePort) ?? []),
  );
  for (const listener of fixture.kafka.spec.kafka.listeners ?? []) {
    const bootstrap = (listener.configuration as { bootstrap?: { nodePort?: number } } | undefined)
      ?.bootstrap;
    if (bootstrap?.nodePort === undefined) continue;
    do bootstrap.nodePort = 30000 + randomInt(2768);
    while (used.has(bootstrap.nodePort));
  }
  return fixture;
}

for (const written of clusterFixtures({ namespace })) {
  test(`${written.file}: the apiserver accepts every desired object as built`, async () => {
    const model = fixtureModel(await withUnusedNodePorts(written));
    const desired = buildDesiredObjects(model, fixtureInputs(model));
    const all = [...supportingObjects(desired), ...desiredPods(desired)];
    const accepted = await Promise.all(all.map(dryRunApply));
    assert.deepEqual(
      accepted.map((object) => `${object.kind}/${object.metadata?.name}`),
      all.map((object) => `${object.kind}/${object.metadata?.name}`),
    );
    // The apiserver's defaults only add fields: what the operator reads back still contains what it built,
    // so an idle reconcile applies nothing and the pods' revisions compare equal.
    const changed = all.filter((object, index) => !containsFields(accepted[index], object));
    assert.deepEqual(
      changed.map((object) => `${object.kind}/${object.metadata?.name}`),
      [],
    );
    // Nothing was stored.
    assert.deepEqual((await core.listNamespacedPod({ namespace })).items, []);
  });
}
