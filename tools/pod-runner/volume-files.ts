// What each volume of a pod holds: the files of a ConfigMap, Secret, downward API or projected
// volume (keys or items, with their modes), or a directory (emptyDir, claim, hostPath).
import type { V1KeyToPath, V1Pod, V1Volume } from '@kubernetes/client-node';
import type { FetchedObjects } from './fetched-objects.ts';
import { fieldValue, type PodPlacement, resourceValue } from './pod-references.ts';

export interface VolumeFile {
  content: Buffer;
  mode: number;
}

export type VolumeSource =
  | { kind: 'files'; files: Map<string, VolumeFile> }
  | { kind: 'emptyDir' }
  | { kind: 'claim'; claimName: string }
  | { kind: 'hostPath'; path: string };

const defaultFileMode = 0o644;

export function volumeSource(
  pod: V1Pod,
  volume: V1Volume,
  objects: FetchedObjects,
  placement: PodPlacement,
): VolumeSource {
  if (volume.emptyDir) return { kind: 'emptyDir' };
  if (volume.persistentVolumeClaim)
    return { kind: 'claim', claimName: volume.persistentVolumeClaim.claimName };
  if (volume.hostPath) return { kind: 'hostPath', path: volume.hostPath.path };
  const files = new Map<string, VolumeFile>();
  if (volume.configMap) {
    const { name = '', items, optional, defaultMode } = volume.configMap;
    project(files, objects.configMapBytes(name), items, defaultMode, optional, `ConfigMap ${name}`);
  } else if (volume.secret) {
    const { secretName = '', items, optional, defaultMode } = volume.secret;
    project(files, objects.secretBytes(secretName), items, defaultMode, optional, `Secret ${secretName}`);
  } else if (volume.downwardAPI) {
    for (const item of volume.downwardAPI.items ?? []) {
      const mode = item.mode ?? volume.downwardAPI.defaultMode ?? defaultFileMode;
      files.set(item.path, { content: Buffer.from(downwardValue(pod, placement, item)), mode });
    }
  } else if (volume.projected) {
    const defaultMode = volume.projected.defaultMode;
    for (const source of volume.projected.sources ?? []) {
      if (source.configMap) {
        const { name = '', items, optional } = source.configMap;
        project(files, objects.configMapBytes(name), items, defaultMode, optional, `ConfigMap ${name}`);
      } else if (source.secret) {
        const { name = '', items, optional } = source.secret;
        project(files, objects.secretBytes(name), items, defaultMode, optional, `Secret ${name}`);
      } else if (source.downwardAPI) {
        for (const item of source.downwardAPI.items ?? []) {
          const content = Buffer.from(downwardValue(pod, placement, item));
          files.set(item.path, { content, mode: item.mode ?? defaultMode ?? defaultFileMode });
        }
      } else {
        throw new Error(`projected volume ${volume.name} has a source the pod runner does not support`);
      }
    }
  } else {
    throw new Error(`volume ${volume.name} is of a type the pod runner does not support`);
  }
  return { kind: 'files', files };
}

function project(
  files: Map<string, VolumeFile>,
  data: Map<string, Buffer> | undefined,
  items: V1KeyToPath[] | undefined,
  defaultMode: number | undefined,
  optional: boolean | undefined,
  what: string,
): void {
  if (!data) {
    if (optional) return;
    throw new Error(`${what} does not exist (yet)`);
  }
  const mode = defaultMode ?? defaultFileMode;
  if (!items) {
    for (const [key, content] of data) files.set(key, { content, mode });
    return;
  }
  for (const item of items) {
    const content = data.get(item.key);
    if (!content) {
      if (optional) continue;
      throw new Error(`${what} has no key ${item.key}`);
    }
    files.set(item.path, { content, mode: item.mode ?? mode });
  }
}

function downwardValue(
  pod: V1Pod,
  placement: PodPlacement,
  item: { fieldRef?: { fieldPath: string }; resourceFieldRef?: { resource: string; containerName?: string } },
): string {
  if (item.fieldRef) return fieldValue(pod, placement, item.fieldRef);
  if (item.resourceFieldRef) {
    const name = item.resourceFieldRef.containerName;
    const container = (pod.spec?.containers ?? []).find((c) => c.name === name);
    return resourceValue(container, item.resourceFieldRef, {});
  }
  return '';
}
