// Writes each scheduled broker pod's rack: the value of the node label its rack-topology-key annotation
// names, read from the pod's Node, into the pod's rack annotation, which its downward API volume shows to
// the waiting start-up script (desired-objects/broker-rack.ts). It runs beside the reconciles, on the
// pods' cache, so a broker starts as soon as it is scheduled, whatever the Kafka's reconcile is doing.
import type { KubernetesObject, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KubernetesRequestError } from '../../api/kubernetes-request.ts';
import { rackAnnotation, rackTopologyKeyAnnotation } from '../../api/labels.ts';
import type { EventToRecord } from '../kubernetes/event-recorder.ts';
import { type KubernetesObjects, nodeType, podType } from '../kubernetes/kubernetes-objects.ts';

export type RackDecision =
  | { action: 'none' }
  | { action: 'annotate'; rack: string }
  | { action: 'refuse'; message: string };

/** Whether a pod asks for a rack, is scheduled, and has no rack yet. */
export function waitsForRack(pod: V1Pod): boolean {
  const annotations = pod.metadata?.annotations ?? {};
  return (
    Boolean(annotations[rackTopologyKeyAnnotation] && pod.spec?.nodeName) &&
    !annotations[rackAnnotation] &&
    !pod.metadata?.deletionTimestamp
  );
}

/**
 * What a pod needs: nothing (no rack wanted, not scheduled yet, already written), its rack, or a word why
 * not. `node` is 'forbidden' when the operator may not read it.
 */
export function rackOfPod(pod: V1Pod, node: V1Node | undefined | 'forbidden'): RackDecision {
  if (!waitsForRack(pod)) return { action: 'none' };
  const key = pod.metadata?.annotations?.[rackTopologyKeyAnnotation] ?? '';
  const nodeName = pod.spec?.nodeName;
  if (node === 'forbidden') {
    return {
      action: 'refuse',
      message:
        `the operator may not read node ${nodeName} (get nodes) to learn the rack of this broker from its ` +
        `label ${key}: install the chart with rbac.nodes: true (or watchNamespaces: "*").`,
    };
  }
  if (!node) return { action: 'refuse', message: `node ${nodeName} of pod ${pod.metadata?.name} is gone` };
  const rack = node.metadata?.labels?.[key];
  if (!rack) {
    return {
      action: 'refuse',
      message:
        `node ${nodeName} has no label ${key} (spec.kafka.rack.topologyKey): the broker waits for its rack. ` +
        `Label the node, or delete the pod to have it scheduled on a node with the label.`,
    };
  }
  return { action: 'annotate', rack };
}

export interface PodEvents {
  on(event: 'add', listener: (pod: V1Pod) => void): unknown;
  on(event: 'update', listener: (pod: V1Pod, old: V1Pod) => void): unknown;
  on(event: 'delete', listener: (pod: V1Pod) => void): unknown;
  off(event: 'add', listener: (pod: V1Pod) => void): unknown;
  off(event: 'update', listener: (pod: V1Pod, old: V1Pod) => void): unknown;
  off(event: 'delete', listener: (pod: V1Pod) => void): unknown;
  get(namespace: string, name: string): V1Pod | undefined;
  list(): V1Pod[];
}

export interface BrokerRacksOptions {
  api: Pick<KubernetesObjects, 'get' | 'annotate'>;
  recordEvent: (resource: KubernetesObject, event: EventToRecord) => Promise<void>;
  logger: Logger;
  // How soon a pod whose rack could not be written is tried again.
  retryMs: number;
}

/** Writes racks while `signal` is not aborted (while this replica leads): the cached pods first, then each change. */
export function startBrokerRacks(pods: PodEvents, options: BrokerRacksOptions, signal: AbortSignal): void {
  const { api, logger } = options;
  // One write at a time per pod; a pod that changes meanwhile is looked at again after.
  const inFlight = new Set<string>();
  const retries = new Map<string, NodeJS.Timeout>();
  // A pod's Warning is recorded once, not at every retry.
  const warned = new Set<string>();
  const keyOf = (pod: V1Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

  const retryLater = (pod: V1Pod) => {
    const key = keyOf(pod);
    if (signal.aborted || retries.has(key)) return;
    retries.set(
      key,
      setTimeout(() => {
        retries.delete(key);
        const current = pods.get(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
        if (current) consider(current);
      }, options.retryMs),
    );
  };

  const write = async (cached: V1Pod) => {
    // The cache's objects carry no kind: the Event and the patch name it.
    const pod = { ...cached, apiVersion: podType.apiVersion, kind: podType.kind };
    const nodeName = pod.spec?.nodeName ?? '';
    const node = await api.get<V1Node>(nodeType, undefined, nodeName).catch((error: unknown) => {
      if (error instanceof KubernetesRequestError && error.statusCode === 403) return 'forbidden' as const;
      throw error;
    });
    const decision = rackOfPod(pod, node);
    if (decision.action === 'refuse') {
      if (!warned.has(keyOf(pod))) {
        warned.add(keyOf(pod));
        await options.recordEvent(pod, { type: 'Warning', reason: 'RackUnknown', message: decision.message });
      }
      logger.debug(
        { pod: keyOf(pod), node: nodeName },
        'the rack of a broker pod is not known yet; trying again',
      );
      retryLater(pod);
      return;
    }
    if (decision.action !== 'annotate' || signal.aborted) return;
    await api.annotate(pod, { [rackAnnotation]: decision.rack });
    warned.delete(keyOf(pod));
    logger.info({ pod: keyOf(pod), node: nodeName, rack: decision.rack }, 'wrote the rack of a broker pod');
  };

  const consider = (pod: V1Pod) => {
    const key = keyOf(pod);
    if (signal.aborted || inFlight.has(key) || !waitsForRack(pod)) return;
    inFlight.add(key);
    write(pod)
      .catch((error: unknown) => {
        logger.warn({ err: error, pod: key }, 'could not write the rack of a broker pod; trying again');
        retryLater(pod);
      })
      .finally(() => inFlight.delete(key));
  };
  const onUpdate = (pod: V1Pod) => consider(pod);
  // A pod made again under the same name (a roll) may land on another unlabelled node: warn about it too.
  const onDelete = (pod: V1Pod) => {
    const key = keyOf(pod);
    warned.delete(key);
    clearTimeout(retries.get(key));
    retries.delete(key);
  };

  pods.on('add', consider);
  pods.on('update', onUpdate);
  pods.on('delete', onDelete);
  signal.addEventListener('abort', () => {
    pods.off('add', consider);
    pods.off('update', onUpdate);
    pods.off('delete', onDelete);
    for (const timer of retries.values()) clearTimeout(timer);
    retries.clear();
  });
  for (const pod of pods.list()) consider(pod);
}
