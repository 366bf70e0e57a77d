// The ConfigMaps and Secrets a pod references, as read once: its environment and volumes are built
// from one consistent view. Secret values are decoded here and never logged.
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { ObjectData } from './container-env.ts';

export class FetchedObjects implements ObjectData {
  readonly #configMaps: Map<string, V1ConfigMap>;
  readonly #secrets: Map<string, V1Secret>;

  constructor(configMaps: Map<string, V1ConfigMap>, secrets: Map<string, V1Secret>) {
    this.#configMaps = configMaps;
    this.#secrets = secrets;
  }

  configMap(name: string): Record<string, string> | undefined {
    return asText(this.configMapBytes(name));
  }

  secret(name: string): Record<string, string> | undefined {
    return asText(this.secretBytes(name));
  }

  configMapBytes(name: string): Map<string, Buffer> | undefined {
    const configMap = this.#configMaps.get(name);
    if (!configMap) return undefined;
    const bytes = new Map<string, Buffer>();
    for (const [key, value] of Object.entries(configMap.data ?? {})) bytes.set(key, Buffer.from(value));
    for (const [key, value] of Object.entries(configMap.binaryData ?? {})) {
      bytes.set(key, Buffer.from(value, 'base64'));
    }
    return bytes;
  }

  secretBytes(name: string): Map<string, Buffer> | undefined {
    const secret = this.#secrets.get(name);
    if (!secret) return undefined;
    const bytes = new Map<string, Buffer>();
    for (const [key, value] of Object.entries(secret.data ?? {}))
      bytes.set(key, Buffer.from(value, 'base64'));
    for (const [key, value] of Object.entries(secret.stringData ?? {})) bytes.set(key, Buffer.from(value));
    return bytes;
  }
}

function asText(bytes: Map<string, Buffer> | undefined): Record<string, string> | undefined {
  if (!bytes) return undefined;
  return Object.fromEntries([...bytes].map(([key, value]) => [key, value.toString('utf8')]));
}
