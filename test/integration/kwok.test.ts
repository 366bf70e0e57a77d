// Real services: kube-apiserver, kube-controller-manager (hostpath provisioner, garbage collector),
// kube-scheduler and kwok's fake nodes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { kubernetesEnvironment } from '../support/environment.ts';
import { waitFor } from '../support/wait.ts';

const { kubeconfig } = kubernetesEnvironment();
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const namespace = `kwok-${randomUUID().slice(0, 8)}`;

after(() => core.deleteNamespace({ name: namespace }));

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

test('a Pod with a PersistentVolumeClaim is scheduled onto a fake node, turns Ready, and is garbage-collected with its owner', async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const owner = await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'owner' }, data: { role: 'owner' } },
  });
  const ownerReferences = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'owner',
      uid: owner.metadata?.uid ?? '',
      blockOwnerDeletion: true,
    },
  ];
  await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: {
      metadata: { name: 'data', ownerReferences },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
  });
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'broker', ownerReferences },
      spec: {
        containers: [
          {
            name: 'kafka',
            image: 'apache/kafka:4.2.1',
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
        ],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    },
  });

  const claim = await waitFor('the claim to be bound by the hostpath provisioner', async () => {
    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace });
    return pvc.status?.phase === 'Bound' ? pvc : undefined;
  });
  assert.ok(claim.spec?.volumeName, 'a PersistentVolume was provisioned');

  const ready = await waitFor('the pod to be Ready on a fake node', async () => {
    const pod = await core.readNamespacedPod({ name: 'broker', namespace });
    return isReady(pod) ? pod : undefined;
  });
  assert.match(ready.spec?.nodeName ?? '', /^kwok-node-[123]$/);
  assert.equal(ready.status?.phase, 'Running');

  await core.deleteNamespacedConfigMap({ name: 'owner', namespace });
  await waitFor('the garbage collector to delete the owned pod', async () => {
    const pods = await core.listNamespacedPod({ namespace });
    return pods.items.length === 0 ? true : undefined;
  });
});
