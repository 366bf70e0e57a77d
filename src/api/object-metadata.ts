// What a kept Kubernetes object needs none of.
import type { KubernetesObject } from '@kubernetes/client-node';

// Nothing the operator keeps reads managedFields, which are often the larger part of an object:
// dropping them keeps the memory per kept object small. The metadata is copied rather than the field
// deleted: a deletion turns the object into a hash table, several times its size.
export function withoutManagedFields<T extends KubernetesObject>(object: T): T {
  if (!object.metadata?.managedFields) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}
