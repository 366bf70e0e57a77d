// Installs or updates the kafka.strimzi.io CRDs (server-side apply, so it is idempotent and safe to run from
// several places at once) and waits until the apiserver serves them.
import {
  ApiException,
  ApiextensionsV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { buildCustomResourceDefinitions } from './crds.ts';

export interface InstallOptions {
  logger?: Logger;
  /** How long to wait for every CRD to be Established. Default 60 s. */
  timeoutMs?: number;
  fieldManager?: string;
}

export async function installCustomResourceDefinitions(
  kc: KubeConfig,
  options: InstallOptions = {},
): Promise<void> {
  const { logger, timeoutMs = 60_000, fieldManager = 'kafka-actor-operator' } = options;
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const crds = buildCustomResourceDefinitions();
  for (const crd of crds) {
    const name = crd.metadata.name;
    try {
      // The client's typed models drop the schema's x-kubernetes-* keys; a patch body is sent as it is.
      await api.patchCustomResourceDefinition(
        { name, body: crd, fieldManager, force: true },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      );
    } catch (error) {
      const detail = error instanceof ApiException ? `${error.code} ${statusMessage(error.body)}` : error;
      throw new Error(
        `could not apply CustomResourceDefinition ${name}: ${detail}; ` +
          'check that the credentials may patch customresourcedefinitions and that the schema is valid',
        { cause: error },
      );
    }
    logger?.info({ crd: name }, 'applied CustomResourceDefinition');
  }
  const deadline = Date.now() + timeoutMs;
  await Promise.all(crds.map((crd) => waitUntilEstablished(api, crd.metadata.name, deadline)));
  logger?.info({ crds: crds.map((crd) => crd.metadata.name) }, 'CustomResourceDefinitions established');
}

async function waitUntilEstablished(api: ApiextensionsV1Api, name: string, deadline: number): Promise<void> {
  for (;;) {
    const crd = await api.readCustomResourceDefinition({ name });
    const conditions = crd.status?.conditions ?? [];
    const namesRefused = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
    if (namesRefused !== undefined) {
      throw new Error(
        `CustomResourceDefinition ${name} was not accepted: ${namesRefused.reason}: ${namesRefused.message}; ` +
          'another CRD probably claims the same names (kubectl get crd)',
      );
    }
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) {
      const seen = conditions.map((c) => `${c.type}=${c.status} (${c.reason}: ${c.message})`).join(', ');
      throw new Error(
        `CustomResourceDefinition ${name} is not Established in time; its conditions: ${seen || 'none'}; ` +
          `see kubectl describe crd ${name}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// The apiserver explains a refusal in a Status object; its message is what a reader needs.
function statusMessage(body: unknown): string {
  try {
    const status = typeof body === 'string' ? JSON.parse(body) : body;
    if (typeof status?.message === 'string') return status.message;
  } catch {
    // Not a Status object: the raw body is the best explanation there is.
  }
  return String(body);
}
