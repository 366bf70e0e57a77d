// Reads and writes of the CA Secrets. Writes are create (fails with 409 if another actor created
// first) and replace carrying the resourceVersion read (fails with 409 if anyone wrote since), so
// that actors racing on one CA find out and read again, which server-side apply would not tell them.
import { ApiException, type CoreV1Api, type V1OwnerReference, type V1Secret } from '@kubernetes/client-node';
import { forceRenewAnnotation } from '../../api/labels.ts';

export async function readSecret(
  core: CoreV1Api,
  namespace: string,
  name: string,
): Promise<V1Secret | undefined> {
  try {
    return await core.readNamespacedSecret({ namespace, name });
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return undefined;
    throw error;
  }
}

// A replace keeps the labels, annotations and owners others put on the Secret and adds the
// operator's; a force-renew request is done once the operator writes.
export async function writeSecret(
  core: CoreV1Api,
  desired: V1Secret,
  existing: V1Secret | undefined,
): Promise<void> {
  const namespace = desired.metadata?.namespace ?? '';
  if (!existing) {
    await core.createNamespacedSecret({ namespace, body: desired });
    return;
  }
  const name = desired.metadata?.name ?? '';
  const metadata = {
    ...existing.metadata,
    ...desired.metadata,
    labels: { ...existing.metadata?.labels, ...desired.metadata?.labels },
    annotations: withoutForceRenew({ ...existing.metadata?.annotations, ...desired.metadata?.annotations }),
    ownerReferences: [
      ...(existing.metadata?.ownerReferences ?? []).filter(
        (reference) => !desired.metadata?.ownerReferences?.some((wanted) => wanted.uid === reference.uid),
      ),
      ...(desired.metadata?.ownerReferences ?? []),
    ],
  };
  await core.replaceNamespacedSecret({ namespace, name, body: { ...desired, metadata } });
}

function withoutForceRenew(annotations: Record<string, string>): Record<string, string> {
  const { [forceRenewAnnotation]: _done, ...rest } = annotations;
  return rest;
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiException && error.code === 409;
}

// Secrets made before the Kafka's actor ran (say, by the user operator) get its owner reference, so
// that deleting the Kafka deletes its CAs.
export async function adoptSecrets(
  core: CoreV1Api,
  owner: V1OwnerReference | undefined,
  secrets: V1Secret[],
) {
  if (!owner) return;
  for (const secret of secrets) {
    if (secret.metadata?.ownerReferences?.some((reference) => reference.uid === owner.uid)) continue;
    await writeSecret(
      core,
      { ...secret, metadata: { ...secret.metadata, ownerReferences: [owner] } },
      secret,
    );
  }
}
