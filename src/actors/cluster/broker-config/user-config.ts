// The config providers the generated configuration uses (appended to the user's own), then the user's
// spec.kafka.config, last.
import type { ClusterModel } from '../cluster-model.ts';
import { kafkaHome } from './broker-paths.ts';
import type { Section } from './properties.ts';
import { directoryProvider, environmentProvider } from './tls-config.ts';

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

export function userConfigSection(model: ClusterModel): Section {
  return {
    title: 'User configuration (spec.kafka.config)',
    entries: Object.entries(model.brokerConfig).filter(([key]) => key !== 'config.providers'),
  };
}
