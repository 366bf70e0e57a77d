// jvmOptions as the environment of the official image's kafka-run-class.sh: KAFKA_HEAP_OPTS,
// KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_OPTS (system properties) and EXTRA_ARGS (GC logging), with
// Strimzi's defaults: half the container memory as heap (at most 5 GiB), else -Xms128M.
import type { V1EnvVar } from '@kubernetes/client-node';
import type { JvmOptions, ResourceRequirements } from '../../../api/common.ts';
import { quantityBytes } from '../../../api/quantities.ts';

const heapOptionKeys = ['InitialRAMPercentage', 'MaxRAMPercentage'];
// Unlock options must come before the options they unlock.
const unlockOptionKeys = ['UnlockDiagnosticVMOptions', 'UnlockExperimentalVMOptions'];
const dynamicHeapFraction = 0.5;
const dynamicHeapMaxBytes = 5 * 1024 ** 3;
const defaultInitialHeap = '-Xms128M';

// `agents`: -javaagent options the operator adds, before the user's system properties in KAFKA_OPTS.
export function jvmEnvironment(
  jvmOptions: JvmOptions | undefined,
  resources?: ResourceRequirements,
  agents: readonly string[] = [],
): V1EnvVar[] {
  const env: V1EnvVar[] = [{ name: 'KAFKA_HEAP_OPTS', value: heapOptions(jvmOptions ?? {}, resources) }];
  const performance = performanceOptions(jvmOptions?.['-XX'] ?? {});
  if (performance) env.push({ name: 'KAFKA_JVM_PERFORMANCE_OPTS', value: performance });
  const properties = (jvmOptions?.javaSystemProperties ?? []).map(({ name, value }) => `-D${name}=${value}`);
  const kafkaOptions = [...agents, ...properties];
  if (kafkaOptions.length > 0) env.push({ name: 'KAFKA_OPTS', value: kafkaOptions.join(' ') });
  // kafka-server-start.sh turns GC logging on unless EXTRA_ARGS says otherwise.
  env.push({
    name: 'EXTRA_ARGS',
    value: jvmOptions?.gcLoggingEnabled ? '-name kafkaServer -loggc' : '-name kafkaServer',
  });
  return env;
}

function heapOptions(jvm: JvmOptions, resources: ResourceRequirements | undefined): string {
  const xx = jvm['-XX'] ?? {};
  const options = [
    jvm['-Xms'] && `-Xms${jvm['-Xms']}`,
    jvm['-Xmx'] && `-Xmx${jvm['-Xmx']}`,
    ...heapOptionKeys.filter((key) => xx[key] !== undefined).map((key) => `-XX:${key}=${xx[key]}`),
  ].filter((option): option is string => Boolean(option));
  if (jvm['-Xmx'] === undefined && xx.MaxRAMPercentage === undefined) {
    const memory = resources?.limits?.memory ?? resources?.requests?.memory;
    if (memory !== undefined) {
      const heapMiB = Math.floor(
        Math.min(quantityBytes(memory) * dynamicHeapFraction, dynamicHeapMaxBytes) / 1024 ** 2,
      );
      options.push(`-Xmx${heapMiB}m`);
    } else if (jvm['-Xms'] === undefined && xx.InitialRAMPercentage === undefined) {
      options.push(defaultInitialHeap);
    }
  }
  return options.join(' ');
}

function performanceOptions(xx: Record<string, string>): string {
  const keys = Object.keys(xx)
    .filter((key) => !heapOptionKeys.includes(key))
    .sort(
      (a, b) =>
        Number(unlockOptionKeys.includes(b)) - Number(unlockOptionKeys.includes(a)) || a.localeCompare(b),
    );
  return keys
    .map((key) => {
      const value = String(xx[key]);
      if (value.toLowerCase() === 'true') return `-XX:+${key}`;
      if (value.toLowerCase() === 'false') return `-XX:-${key}`;
      return `-XX:${key}=${value}`;
    })
    .join(' ');
}
