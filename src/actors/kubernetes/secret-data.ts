// Reads a Secret's data decoded, for the Kafka credentials the operator logs in with.
import type { CoreV1Api } from '@kubernetes/client-node';

export function secretDataReader(core: CoreV1Api) {
  return async (namespace: string, name: string): Promise<Record<string, string>> => {
    const secret = await core.readNamespacedSecret({ namespace, name });
    return Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, 'base64').toString('utf8'),
      ]),
    );
  };
}
