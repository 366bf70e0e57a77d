// Whether an object must be applied: the apiserver fills in defaults (a Service's clusterIP, a port's
// protocol, metadata it keeps), so the desired object matches when every field it sets has the same
// value in the current one. An idle reconcile then writes nothing.
import type { KubernetesObject } from '@kubernetes/client-node';

export function containsFields(current: unknown, desired: unknown): boolean {
  if (desired === undefined) return true;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(current) &&
      current.length === desired.length &&
      desired.every((item, index) => containsFields(current[index], item))
    );
  }
  if (typeof desired === 'object' && desired !== null) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return false;
    return Object.entries(desired).every(([key, value]) =>
      containsFields((current as Record<string, unknown>)[key], value),
    );
  }
  return current === desired;
}

export function needsApply(desired: KubernetesObject, current: KubernetesObject | undefined): boolean {
  return current === undefined || !containsFields(current, desired);
}
