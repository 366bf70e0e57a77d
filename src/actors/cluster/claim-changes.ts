// What of a node's PersistentVolumeClaims may change once they exist, as Strimzi allows: the size may
// grow (whether the StorageClass lets it is the apiserver's to say), never shrink; the class and the
// selector stay as the claim was made. A change that is not allowed is held back with a Warning and
// changes nothing else of the reconcile.
import type { KubernetesObject, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { podNameLabel } from '../../api/labels.ts';
import { quantityBytes } from '../../api/quantities.ts';
import type { ClusterWarning } from '../../machines/cluster-model.ts';

export interface HeldClaims {
  // The claims to apply, with what may not change set back to the existing claim's.
  claims: V1PersistentVolumeClaim[];
  warnings: ClusterWarning[];
}

function requestedSize(claim: V1PersistentVolumeClaim | undefined): string | undefined {
  return claim?.spec?.resources?.requests?.storage;
}

function sameSelector(a: V1PersistentVolumeClaim, b: V1PersistentVolumeClaim): boolean {
  return JSON.stringify(a.spec?.selector ?? null) === JSON.stringify(b.spec?.selector ?? null);
}

// Whether the existing claim `name` is asked to grow: the apiserver may refuse that.
export function growsClaim(claim: V1PersistentVolumeClaim, current: readonly KubernetesObject[]): boolean {
  const existing = existingClaim(claim.metadata?.name, current);
  const [wanted, now] = [requestedSize(claim), requestedSize(existing)];
  return wanted !== undefined && now !== undefined && quantityBytes(wanted) > quantityBytes(now);
}

function existingClaim(
  name: string | undefined,
  current: readonly KubernetesObject[],
): V1PersistentVolumeClaim | undefined {
  return current.find(
    (object) => object.kind === 'PersistentVolumeClaim' && object.metadata?.name === name,
  ) as V1PersistentVolumeClaim | undefined;
}

export function holdClaimChanges(
  desired: readonly V1PersistentVolumeClaim[],
  current: readonly KubernetesObject[],
): HeldClaims {
  const warnings: ClusterWarning[] = [];
  const claims = desired.map((claim) => {
    const name = claim.metadata?.name ?? '';
    const existing = existingClaim(name, current);
    if (!existing?.spec) return claim;
    const spec = { ...claim.spec };
    const [wanted, now] = [requestedSize(claim), requestedSize(existing)];
    if (wanted !== undefined && now !== undefined && quantityBytes(wanted) < quantityBytes(now)) {
      spec.resources = { ...spec.resources, requests: { ...spec.resources?.requests, storage: now } };
      warnings.push({
        reason: 'StorageShrinkRefused',
        message:
          `PersistentVolumeClaim ${name} keeps ${now}: a volume cannot shrink (the spec asks for ${wanted}). ` +
          `Set the size back to ${now} or more`,
      });
    }
    const classChanged =
      claim.spec?.storageClassName !== undefined &&
      claim.spec.storageClassName !== existing.spec.storageClassName;
    if (classChanged || !sameSelector(claim, existing)) {
      spec.storageClassName = existing.spec.storageClassName;
      spec.selector = existing.spec.selector;
      warnings.push({
        reason: 'StorageClassChangeRefused',
        message:
          `PersistentVolumeClaim ${name} keeps its storage class ${existing.spec.storageClassName ?? '(default)'} ` +
          'and selector: the class of an existing volume cannot change. Set them back, or add a new volume ' +
          'or node pool with the new class and move the data',
      });
    }
    return { ...claim, spec };
  });
  return { claims, warnings };
}

// The claims asked to grow that have not grown yet: Kubernetes and the volume's driver are on it, and a
// filesystem that grows offline waits for its pod to restart (FileSystemResizePending).
export function claimsResizing(current: readonly KubernetesObject[]): ClusterWarning[] {
  return current.flatMap((object) => {
    if (object.kind !== 'PersistentVolumeClaim') return [];
    const claim = object as V1PersistentVolumeClaim;
    const [wanted, capacity] = [requestedSize(claim), claim.status?.capacity?.storage];
    if (wanted === undefined || capacity === undefined || quantityBytes(capacity) >= quantityBytes(wanted)) {
      return [];
    }
    const conditions = (claim.status?.conditions ?? [])
      .filter((condition) => condition.status === 'True')
      .map((condition) => `${condition.type}${condition.message ? `: ${condition.message}` : ''}`);
    return [
      {
        reason: 'StorageResizing',
        message:
          `PersistentVolumeClaim ${claim.metadata?.name} grows from ${capacity} to ${wanted}` +
          (conditions.length > 0 ? ` (${conditions.join('; ')})` : ''),
      },
    ];
  });
}

// The pods whose volumes grew in Kubernetes but whose filesystems grow only when the pod restarts
// (FileSystemResizePending). A pod started since that was reported has had its restart: it is not
// restarted again for it.
export function podsToRestartForResize(current: readonly KubernetesObject[]): Set<string> {
  const podStarts = new Map(
    current
      .filter((object) => object.kind === 'Pod')
      .map((pod) => [pod.metadata?.name, new Date(pod.metadata?.creationTimestamp ?? 0).getTime()]),
  );
  return new Set(
    current.flatMap((object) => {
      if (object.kind !== 'PersistentVolumeClaim') return [];
      const claim = object as V1PersistentVolumeClaim;
      const pending = filesystemResizePending(claim);
      const pod = claim.metadata?.labels?.[podNameLabel];
      const started = podStarts.get(pod);
      if (!pending || !pod || started === undefined) return [];
      const reported = new Date(pending.lastTransitionTime ?? 0).getTime();
      return started < reported ? [pod] : [];
    }),
  );
}

// The claim's condition saying its filesystem grows on the pod's next start.
function filesystemResizePending(claim: V1PersistentVolumeClaim) {
  return claim.status?.conditions?.find(
    (condition) => condition.type === 'FileSystemResizePending' && condition.status === 'True',
  );
}

function resizeProgress(claim: V1PersistentVolumeClaim): string {
  return `${claim.status?.capacity?.storage} ${filesystemResizePending(claim) !== undefined}`;
}

// A claim matters to its cluster when its capacity grows or its filesystem waits for a restart.
export function claimResizeChanged(updated: KubernetesObject, old: KubernetesObject): boolean {
  return (
    resizeProgress(updated as V1PersistentVolumeClaim) !== resizeProgress(old as V1PersistentVolumeClaim)
  );
}
