// Any Kubernetes object as plain JSON, core and custom groups alike: the one client the cluster
// effects use to list, apply, create and delete objects of many types with one code path.
import { HttpMethod, type KubernetesObject } from '@kubernetes/client-node';
import {
  isNotFound,
  KubernetesRequestError,
  KubernetesRequests,
  resourcePath,
} from '../../api/kubernetes-request.ts';

// Where objects of one kind live in the API.
export interface ObjectType {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

function objectType(apiVersion: string, kind: string, plural: string, namespaced = true): ObjectType {
  return { apiVersion, kind, plural, namespaced };
}

export const podType = objectType('v1', 'Pod', 'pods');
export const serviceType = objectType('v1', 'Service', 'services');
export const configMapType = objectType('v1', 'ConfigMap', 'configmaps');
export const secretType = objectType('v1', 'Secret', 'secrets');
export const persistentVolumeClaimType = objectType('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims');
export const serviceAccountType = objectType('v1', 'ServiceAccount', 'serviceaccounts');
export const podDisruptionBudgetType = objectType('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets');
export const networkPolicyType = objectType('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies');
export const ingressType = objectType('networking.k8s.io/v1', 'Ingress', 'ingresses');
export const nodeType = objectType('v1', 'Node', 'nodes', false);

// The namespaced types the operator creates for the clusters it runs.
export const namespacedObjectTypes: readonly ObjectType[] = [
  podType,
  serviceType,
  configMapType,
  secretType,
  persistentVolumeClaimType,
  serviceAccountType,
  podDisruptionBudgetType,
  networkPolicyType,
  ingressType,
];

const knownTypes = [...namespacedObjectTypes, nodeType];

export function objectTypeOf(object: KubernetesObject): ObjectType {
  const type = knownTypes.find((t) => t.apiVersion === object.apiVersion && t.kind === object.kind);
  if (!type) throw new Error(`no ObjectType is known for ${object.apiVersion} ${object.kind}`);
  return type;
}

// The path of a collection (name undefined) or of one object.
export function objectPath(type: ObjectType, namespace: string | undefined, name?: string): string {
  const [group, version] = type.apiVersion.includes('/') ? type.apiVersion.split('/') : ['', type.apiVersion];
  const resource = { group: group ?? '', version: version ?? type.apiVersion, plural: type.plural };
  return resourcePath(resource, type.namespaced ? (namespace ?? '') : undefined, name);
}

export const fieldManager = 'kafka-actor-operator';

export class KubernetesObjects extends KubernetesRequests {
  async list<T extends KubernetesObject>(
    type: ObjectType,
    namespace: string | undefined,
    labelSelector?: string,
  ): Promise<T[]> {
    const items: T[] = [];
    let continueToken: string | undefined;
    do {
      const page = await this.request<{ items: T[]; metadata?: { continue?: string } }>(
        HttpMethod.GET,
        objectPath(type, namespace),
        { query: { labelSelector, limit: '500', continue: continueToken } },
      );
      // List items carry no apiVersion and kind; the callers compare them with desired objects that do.
      items.push(...page.items.map((item) => ({ ...item, apiVersion: type.apiVersion, kind: type.kind })));
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return items;
  }

  async get<T extends KubernetesObject>(
    type: ObjectType,
    namespace: string | undefined,
    name: string,
  ): Promise<T | undefined> {
    return this.getIfPresent<T>(objectPath(type, namespace, name));
  }

  // Server-side apply: the operator owns the fields it sets and takes them over from anyone else.
  async apply<T extends KubernetesObject>(object: T): Promise<T> {
    const type = objectTypeOf(object);
    return this.request<T>(
      HttpMethod.PATCH,
      objectPath(type, object.metadata?.namespace, object.metadata?.name ?? ''),
      {
        query: { fieldManager, force: 'true' },
        body: object,
        contentType: 'application/apply-patch+yaml',
      },
    );
  }

  async create<T extends KubernetesObject>(object: T): Promise<T> {
    const type = objectTypeOf(object);
    return this.request<T>(HttpMethod.POST, objectPath(type, object.metadata?.namespace), {
      query: { fieldManager },
      body: object,
    });
  }

  // Sets annotations on this very object (its uid, when known, must still match).
  async annotate(object: KubernetesObject, annotations: Record<string, string>): Promise<void> {
    const type = objectTypeOf(object);
    const uid = object.metadata?.uid;
    await this.request(
      HttpMethod.PATCH,
      objectPath(type, object.metadata?.namespace, object.metadata?.name ?? ''),
      {
        query: { fieldManager },
        body: { metadata: { annotations, ...(uid ? { uid } : {}) } },
        contentType: 'application/merge-patch+json',
      },
    );
  }

  // Deletes this very object (its uid, when known); false when it was already gone.
  async delete(object: KubernetesObject): Promise<boolean> {
    const type = objectTypeOf(object);
    const uid = object.metadata?.uid;
    try {
      await this.request(
        HttpMethod.DELETE,
        objectPath(type, object.metadata?.namespace, object.metadata?.name ?? ''),
        {
          body: {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            propagationPolicy: 'Background',
            ...(uid ? { preconditions: { uid } } : {}),
          },
        },
      );
      return true;
    } catch (error) {
      // Gone, or (409: precondition failed) replaced by another object of the same name.
      if (isNotFound(error)) return false;
      if (error instanceof KubernetesRequestError && error.statusCode === 409 && uid) return false;
      throw error;
    }
  }
}
