// The user's spec.kafka.config, written last (config.providers is merged into the providers section).
import type { ClusterModel } from '../../../machines/cluster-model.ts';
import type { Section } from './properties.ts';

export function userConfigSection(model: ClusterModel): Section {
  return {
    title: 'User configuration (spec.kafka.config)',
    entries: Object.entries(model.brokerConfig).filter(([key]) => key !== 'config.providers'),
  };
}
