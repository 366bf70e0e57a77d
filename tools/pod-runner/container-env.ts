// A container's environment as the kubelet builds it: envFrom first, then env in order, with
// $(NAME) references to variables defined before; plus HOSTNAME, which every container gets.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { fieldValue, type PodPlacement, resourceValue } from './pod-references.ts';

export interface ObjectData {
  // ConfigMap data or decoded Secret data by object name; undefined when the object is missing.
  configMap(name: string): Record<string, string> | undefined;
  secret(name: string): Record<string, string> | undefined;
}

export interface EnvironmentInputs {
  pod: V1Pod;
  container: V1Container;
  placement: PodPlacement;
  hostname: string;
  data: ObjectData;
  allocatable: Record<string, string>;
}

export function containerEnvironment(inputs: EnvironmentInputs): Record<string, string> {
  const { pod, container, placement, data } = inputs;
  const env: Record<string, string> = { HOSTNAME: inputs.hostname };
  for (const from of container.envFrom ?? []) {
    const name = from.configMapRef?.name ?? from.secretRef?.name ?? '';
    const values = from.configMapRef ? data.configMap(name) : data.secret(name);
    const optional = from.configMapRef?.optional ?? from.secretRef?.optional ?? false;
    if (!values) {
      if (optional) continue;
      throw new Error(`envFrom of container ${container.name} reads ${name}, which does not exist`);
    }
    for (const [key, value] of Object.entries(values)) env[`${from.prefix ?? ''}${key}`] = value;
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom;
    if (!ref) {
      env[variable.name] = expandReferences(variable.value ?? '', env);
    } else if (ref.fieldRef) {
      env[variable.name] = fieldValue(pod, placement, ref.fieldRef);
    } else if (ref.resourceFieldRef) {
      const target = ref.resourceFieldRef.containerName
        ? (pod.spec?.containers ?? []).find((c) => c.name === ref.resourceFieldRef?.containerName)
        : container;
      env[variable.name] = resourceValue(target, ref.resourceFieldRef, inputs.allocatable);
    } else {
      const key = ref.configMapKeyRef ?? ref.secretKeyRef;
      if (!key) continue;
      const values = ref.configMapKeyRef ? data.configMap(key.name ?? '') : data.secret(key.name ?? '');
      const value = values?.[key.key];
      if (value !== undefined) env[variable.name] = value;
      else if (!key.optional) {
        throw new Error(
          `env ${variable.name} of container ${container.name} reads ${key.name}/${key.key}, which does not exist`,
        );
      }
    }
  }
  return env;
}

// $(NAME) becomes NAME's value when defined, $$ escapes a dollar, anything else stays as written.
export function expandReferences(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (name === undefined) return '$';
    return env[name] ?? whole;
  });
}

// The command line the container runs: the image's entrypoint cannot be known here, so a
// container without a command is refused.
export function containerCommand(container: V1Container, env: Record<string, string>): string[] {
  const command = container.command ?? [];
  if (command.length === 0) {
    throw new Error(
      `container ${container.name} has no command; the pod runner cannot know its image's entrypoint`,
    );
  }
  return [...command, ...(container.args ?? [])].map((part) => expandReferences(part, env));
}
