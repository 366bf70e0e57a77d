// Values Kafka reads at start-up rather than from the ConfigMap, through its own config providers: files of the
// mounted Secrets (keys never enter the ConfigMap) and environment variables (the node's address and rack).
import type { ClusterModel } from '../../../machines/cluster-model.ts';
import { kafkaHome } from './broker-paths.ts';
import type { Section } from './properties.ts';

/** The alias of Kafka's DirectoryConfigProvider: `${strimzidir:<dir>:<file>}`. */
export const directoryProvider = 'strimzidir';
/** The alias of Kafka's EnvVarConfigProvider: `${strimzienv:<name>}`. */
export const environmentProvider = 'strimzienv';

/** The content of a file of a mounted directory (below /opt/kafka). */
export function fileReference(directory: string, file: string): string {
  return `\${${directoryProvider}:${directory}:${file}}`;
}

/** The value of an environment variable of the Kafka container. */
export function environmentReference(name: string): string {
  return `\${${environmentProvider}:${name}}`;
}

/** The providers the references need, after the user's own config.providers. */
export function configProviderSection(model: ClusterModel): Section {
  const own = model.brokerConfig['config.providers'];
  return {
    title: "Config providers (the user's, then the operator's)",
    entries: [
      ['config.providers', [...(own ? [own] : []), environmentProvider, directoryProvider].join(',')],
      [
        `config.providers.${environmentProvider}.class`,
        'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      ],
      [`config.providers.${environmentProvider}.param.allowlist.pattern`, '.*'],
      [
        `config.providers.${directoryProvider}.class`,
        'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
      ],
      [`config.providers.${directoryProvider}.param.allowed.paths`, kafkaHome],
    ],
  };
}
