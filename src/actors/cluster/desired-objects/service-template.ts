// What a service template (spec.kafka.template.bootstrapService and the like) adds to a service: labels
// and annotations under the operator's own, and the IP families of its spec.
import type { V1ServiceSpec } from '@kubernetes/client-node';
import type { MetadataTemplateModel, ServiceTemplateModel } from '../../../machines/cluster-model.ts';

/**
 * The service's labels and annotations: the template's, then `labels` and `annotations`, which win. No
 * empty annotations: the apiserver drops empty maps, and desired objects stay contained in what it returns.
 */
export function templatedServiceMetadata(
  template: MetadataTemplateModel,
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
): { labels: Record<string, string>; annotations?: Record<string, string> } {
  const merged = { ...template.annotations, ...annotations };
  return {
    labels: { ...template.labels, ...labels },
    ...(Object.keys(merged).length > 0 && { annotations: merged }),
  };
}

export function ipFamilies(
  template: ServiceTemplateModel,
): Pick<V1ServiceSpec, 'ipFamilyPolicy' | 'ipFamilies'> {
  return {
    ...(template.ipFamilyPolicy && { ipFamilyPolicy: template.ipFamilyPolicy }),
    ...(template.ipFamilies && { ipFamilies: template.ipFamilies }),
  };
}
