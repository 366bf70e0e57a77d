// Real services (kube-apiserver with its admission of claim resizes, kube-controller-manager's hostpath
// provisioner binding the claims, kwok's nodes, Redis) and the operator as a process: a node pool's
// volume grows when its StorageClass allows expansion, and otherwise, or when asked to shrink, the claim
// keeps its size and the Kafka says why in a Warning condition; a filesystem that grows only on a
// restart rolls its pod, through the roll's checks; a volume taken from a running controller is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  PatchStrategy,
  StorageV1Api,
  setHeaderOptions,
  type V1PersistentVolumeClaim,
} from '@kubernetes/client-node';
import { kafkaNodePoolType, kafkaType } from '../../src/api/resources.ts';
import {
  conditionOf,
  kafkaClusterClient,
  type Manifest,
  singleNodeOnTestKafka,
} from '../support/manifests.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('cluster-storage');
const { core, custom } = fixture;
const storage = fixture.kc.makeApiClient(StorageV1Api);
const [expandable, fixed, shrunk] = [
  `${fixture.namespace}-expandable`,
  `${fixture.namespace}-fixed`,
  `${fixture.namespace}-shrunk`,
];
const expandableClass = `${fixture.namespace}-expandable`;
const { createAll, read, ready } = kafkaClusterClient(custom);
const claimName = 'data-0-my-cluster-dual-role-0';
let operator: OperatorProcess;

// The single-node example, its volume of `size` in `className` (the test environment's default class,
// which does not allow expansion, when undefined).
function singleNode(size: string, className?: string): Manifest[] {
  return singleNodeOnTestKafka((pool) => {
    pool.spec.storage = { type: 'jbod', volumes: [volume(size, className)] };
  });
}

function volume(size: string, className?: string) {
  return {
    id: 0,
    type: 'persistent-claim' as const,
    size,
    kraftMetadata: 'shared' as const,
    ...(className && { class: className }),
  };
}

async function resizePool(namespace: string, size: string, className?: string): Promise<void> {
  await custom.patchNamespacedCustomObject(
    {
      ...kafkaNodePoolType,
      namespace,
      name: 'dual-role',
      body: { spec: { storage: { type: 'jbod', volumes: [volume(size, className)] } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

async function readClaim(namespace: string): Promise<V1PersistentVolumeClaim> {
  return core.readNamespacedPersistentVolumeClaim({ namespace, name: claimName });
}

async function boundClaim(namespace: string): Promise<V1PersistentVolumeClaim> {
  return waitFor(`${namespace}/${claimName} to be bound`, async () => {
    const claim = await readClaim(namespace);
    return claim.status?.phase === 'Bound' ? claim : undefined;
  });
}

// The Kafka's Warning condition of `reason`, once the operator has observed the pool's change.
async function warning(namespace: string, reason: string) {
  return waitFor(
    `Kafka ${namespace}/my-cluster to warn ${reason}`,
    async () => {
      const kafka = await read(namespace);
      return kafka.status?.conditions?.find(
        (condition) => condition.type === 'Warning' && condition.reason === reason,
      );
    },
    120_000,
    500,
  );
}

before(async () => {
  await storage.createStorageClass({
    body: {
      metadata: { name: expandableClass },
      provisioner: 'kubernetes.io/host-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: true,
    },
  });
  for (const name of [expandable, fixed, shrunk])
    await core.createNamespace({ body: { metadata: { name } } });
  operator = startOperatorProcess('cluster-storage', {
    ...fixture.env,
    WATCH_NAMESPACES: `${expandable},${fixed},${shrunk}`,
    RESYNC_INTERVAL_MS: '3600000',
  });
});

after(async () => {
  await operator?.stop();
  for (const name of [expandable, fixed, shrunk]) await core.deleteNamespace({ name });
  await storage.deleteStorageClass({ name: expandableClass });
  await fixture.cleanup();
});

test('a volume grows when its StorageClass allows expansion, and never shrinks: asked to, it keeps its size with a Warning', async () => {
  await createAll(expandable, singleNode('1Gi', expandableClass));
  await ready(expandable);
  await boundClaim(expandable);

  await resizePool(expandable, '2Gi', expandableClass);
  await waitFor('the claim to ask for 2Gi', async () =>
    (await readClaim(expandable)).spec?.resources?.requests?.storage === '2Gi' ? true : undefined,
  );
  const resizing = await warning(expandable, 'StorageResizing');
  assert.match(resizing.message ?? '', new RegExp(`${claimName} grows from 1Gi to 2Gi`));

  await resizePool(expandable, '1Gi', expandableClass);
  const refused = await warning(expandable, 'StorageShrinkRefused');
  assert.match(refused.message ?? '', new RegExp(`${claimName} keeps 2Gi: a volume cannot shrink`));
  assert.equal((await readClaim(expandable)).spec?.resources?.requests?.storage, '2Gi');
  assert.equal(conditionOf(await read(expandable), 'Ready')?.status, 'True', 'the cluster stays Ready');

  // What Kubernetes reports once a volume has grown and its filesystem grows only on a restart: the
  // claim's event, not a resync (an hour away), brings the roll, which asks Kafka first. On kwok no
  // broker runs to answer, so the pod is not restarted.
  const pod = await core.readNamespacedPod({ namespace: expandable, name: 'my-cluster-dual-role-0' });
  await core.patchNamespacedPersistentVolumeClaimStatus(
    {
      namespace: expandable,
      name: claimName,
      body: {
        status: {
          conditions: [
            { type: 'FileSystemResizePending', status: 'True', lastTransitionTime: new Date().toISOString() },
          ],
        },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const rolling = await waitFor(
    'the roll of the pod whose filesystem waits for a restart to ask Kafka',
    async () => {
      const notReady = conditionOf(await read(expandable), 'NotReady');
      return notReady?.reason === 'RestartCheckFailed' ? notReady : undefined;
    },
    120_000,
    500,
  );
  assert.match(rolling.message ?? '', /to restart nodes 0 in order/);
  const unrestarted = await core.readNamespacedPod({ namespace: expandable, name: 'my-cluster-dual-role-0' });
  assert.equal(unrestarted.metadata?.uid, pod.metadata?.uid, 'unanswered, the pod is not restarted');
});

test('a volume whose StorageClass does not allow expansion keeps its size, and the Kafka says what Kubernetes answered', async () => {
  await createAll(fixed, singleNode('1Gi'));
  await ready(fixed);
  await boundClaim(fixed);

  await resizePool(fixed, '3Gi');
  const refused = await warning(fixed, 'StorageExpansionRefused');
  assert.match(refused.message ?? '', new RegExp(`${claimName} was not grown to 3Gi: .*storageclass`, 'i'));
  assert.equal((await readClaim(fixed)).spec?.resources?.requests?.storage, '1Gi');
  assert.equal(conditionOf(await read(fixed), 'Ready')?.status, 'True', 'the cluster stays Ready');
});

test('a JBOD volume taken from a running controller is refused and nothing changes; the skip annotation lets the change go on to the roll', async () => {
  const twoVolumes = singleNodeOnTestKafka((pool) => {
    pool.spec.storage = {
      type: 'jbod',
      volumes: [volume('1Gi'), { id: 1, type: 'persistent-claim' as const, size: '1Gi' }],
    };
  });
  await createAll(shrunk, twoVolumes);
  await ready(shrunk);
  const before = await core.readNamespacedPod({ namespace: shrunk, name: 'my-cluster-dual-role-0' });

  await resizePool(shrunk, '1Gi');
  const refused = await waitFor(
    'the removal of volume 1 to be refused',
    async () => {
      const notReady = conditionOf(await read(shrunk), 'NotReady');
      return notReady?.reason === 'VolumeRemovalRefused' ? notReady : undefined;
    },
    120_000,
    500,
  );
  assert.match(refused.message ?? '', /my-cluster-dual-role-0 \(data-1\)/);
  const after = await core.readNamespacedPod({ namespace: shrunk, name: 'my-cluster-dual-role-0' });
  assert.equal(after.metadata?.uid, before.metadata?.uid, 'the pod runs on');
  assert.ok(
    after.spec?.volumes?.some((candidate) => candidate.name === 'data-1'),
    'with both volumes',
  );
  await core.readNamespacedPersistentVolumeClaim({
    namespace: shrunk,
    name: 'data-1-my-cluster-dual-role-0',
  });

  await custom.patchNamespacedCustomObject(
    {
      ...kafkaType,
      namespace: shrunk,
      name: 'my-cluster',
      body: { metadata: { annotations: { 'strimzi.io/skip-broker-scaledown-check': 'true' } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  // The pod is to restart without the volume: on kwok no broker answers whether it may.
  await waitFor(
    'the change to reach the roll',
    async () =>
      conditionOf(await read(shrunk), 'NotReady')?.reason === 'RestartCheckFailed' ? true : undefined,
    120_000,
    500,
  );
});
