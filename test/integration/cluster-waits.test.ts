// Real services (kube-apiserver, scheduler, kwok's nodes, Redis) and the operator as a process with ONE
// reconcile worker: a Kafka whose pods cannot be scheduled waits in its scaling step without holding
// that worker, so another Kafka is built meanwhile; once the first one's pods can run, their watch events
// (not a resync, an hour away here) bring it to Ready.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { clusterProgressReasons } from '../../src/actors/cluster/cluster-waits.ts';
import { kafkaNodePoolType } from '../../src/api/resources.ts';
import {
  conditionOf,
  kafkaClusterClient,
  type Manifest,
  singleNodeOnTestKafka,
} from '../support/manifests.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const fixture = await operatorFixture('cluster-waits');
const { core, custom } = fixture;
const [stuck, built] = [`${fixture.namespace}-stuck`, `${fixture.namespace}-built`];
const { createAll, read, ready } = kafkaClusterClient(custom);
let operator: OperatorProcess;

// The single-node example; `unschedulable` pins its pool's pods to a node that does not exist.
function singleNode(unschedulable: boolean): Manifest[] {
  return singleNodeOnTestKafka((pool) => {
    if (!unschedulable) return;
    pool.spec.template = {
      pod: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['nowhere'] }],
                },
              ],
            },
          },
        },
      },
    };
  });
}

before(async () => {
  for (const name of [stuck, built]) await core.createNamespace({ body: { metadata: { name } } });
  operator = startOperatorProcess('cluster-waits', {
    ...fixture.env,
    WATCH_NAMESPACES: `${stuck},${built}`,
    RECONCILE_CONCURRENCY: '1',
    RESYNC_INTERVAL_MS: '3600000',
    OPERATION_TIMEOUT_MS: '600000',
  });
});

after(async () => {
  await operator?.stop();
  for (const name of [stuck, built]) await core.deleteNamespace({ name });
  await fixture.cleanup();
});

test('a Kafka waiting for its pods holds no worker: with one worker, another Kafka is built meanwhile', async () => {
  await createAll(stuck, singleNode(true));
  // ScalingUp while the step that created the pod waits; PodsStarting once the pod's own watch event
  // has reconciled the Kafka again (a few hundred ms later), which a poll may see first.
  await waitFor(
    'the first Kafka to wait for its pod',
    async () => {
      const notReady = conditionOf(await read(stuck), 'NotReady');
      return clusterProgressReasons.has(notReady?.reason ?? '') &&
        /my-cluster-dual-role-0: phase Pending/.test(notReady?.message ?? '')
        ? notReady
        : undefined;
    },
    120_000,
    500,
  );
  await createAll(built, singleNode(false));
  await ready(built);
  const stillWaiting = conditionOf(await read(stuck), 'NotReady');
  assert.ok(
    clusterProgressReasons.has(stillWaiting?.reason ?? ''),
    `the first one still waits: ${stillWaiting?.reason}`,
  );
  assert.match(stillWaiting?.message ?? '', /my-cluster-dual-role-0: phase Pending/);

  // Its pod can run anywhere now: the operator replaces the pod that serves nothing, and it turns Ready.
  await custom.patchNamespacedCustomObject(
    { ...kafkaNodePoolType, namespace: stuck, name: 'dual-role', body: { spec: { template: null } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await ready(stuck);
});
