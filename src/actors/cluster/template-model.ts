// spec.kafka.template and a KafkaNodePool's spec.template, as Strimzi applies them: the pod, kafka
// container, per-pod service and claim templates are per pool (a pool's field over the Kafka's); the
// cluster's services, its disruption budget and its ServiceAccount come from the Kafka's template alone.
import type { V1EnvVar, V1SecurityContext, V1VolumeMount } from '@kubernetes/client-node';
import type {
  ClusterTemplatesModel,
  MetadataTemplateModel,
  PodTemplateModel,
  ServiceTemplateModel,
} from '../../machines/cluster-model.ts';

type Template = Record<string, unknown> | undefined;

interface MetadataTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

// The pod fields the model takes as written.
type PodTemplate = MetadataTemplate &
  Pick<
    PodTemplateModel,
    | 'affinity'
    | 'tolerations'
    | 'topologySpreadConstraints'
    | 'priorityClassName'
    | 'securityContext'
    | 'imagePullSecrets'
    | 'terminationGracePeriodSeconds'
    | 'hostAliases'
    | 'enableServiceLinks'
    | 'schedulerName'
    | 'dnsPolicy'
    | 'dnsConfig'
    | 'tmpDirSizeLimit'
    | 'volumes'
  >;

interface ContainerTemplate {
  env?: V1EnvVar[];
  securityContext?: V1SecurityContext;
  volumeMounts?: V1VolumeMount[];
}

interface ServiceTemplate extends MetadataTemplate {
  ipFamilyPolicy?: string;
  ipFamilies?: string[];
}

interface DisruptionBudgetTemplate extends MetadataTemplate {
  maxUnavailable?: number;
}

const part = <T>(template: Template, key: string): T => (template?.[key] ?? {}) as T;

/** The pod template of a pool's nodes: each field from the pool's template, else from the Kafka's. */
export function modelPodTemplate(kafkaTemplate: Template, poolTemplate: Template): PodTemplateModel {
  const kafkaPod = part<PodTemplate>(kafkaTemplate, 'pod');
  const poolPod = part<PodTemplate>(poolTemplate, 'pod');
  const pod = { ...kafkaPod, ...poolPod };
  const container = {
    ...part<ContainerTemplate>(kafkaTemplate, 'kafkaContainer'),
    ...part<ContainerTemplate>(poolTemplate, 'kafkaContainer'),
  };
  const perPodService = poolTemplate?.perPodService ? poolTemplate : kafkaTemplate;
  const perPodIngress = poolTemplate?.perPodIngress ? poolTemplate : kafkaTemplate;
  const claims = part<MetadataTemplate>(
    poolTemplate?.persistentVolumeClaim ? poolTemplate : kafkaTemplate,
    'persistentVolumeClaim',
  );
  return withoutUnset({
    // Labels and annotations add up: the pool's win over the Kafka's of the same key.
    labels: { ...kafkaPod.metadata?.labels, ...poolPod.metadata?.labels },
    annotations: { ...kafkaPod.metadata?.annotations, ...poolPod.metadata?.annotations },
    affinity: pod.affinity,
    tolerations: pod.tolerations,
    topologySpreadConstraints: pod.topologySpreadConstraints,
    priorityClassName: pod.priorityClassName,
    securityContext: pod.securityContext,
    imagePullSecrets: pod.imagePullSecrets,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
    hostAliases: pod.hostAliases,
    enableServiceLinks: pod.enableServiceLinks,
    schedulerName: pod.schedulerName,
    dnsPolicy: pod.dnsPolicy,
    dnsConfig: pod.dnsConfig,
    tmpDirSizeLimit: pod.tmpDirSizeLimit,
    volumes: pod.volumes,
    containerEnv: container.env ?? [],
    containerSecurityContext: container.securityContext,
    containerVolumeMounts: container.volumeMounts,
    perPodService: serviceTemplate(part(perPodService, 'perPodService')),
    perPodIngress: metadataTemplate(part(perPodIngress, 'perPodIngress')),
    persistentVolumeClaim: metadataTemplate(claims),
  });
}

// The model names only what is set, as the desired objects do.
function withoutUnset<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/** The templates of the objects a cluster has once: its services and its pod disruption budget. */
export function modelClusterTemplates(kafkaTemplate: Template): ClusterTemplatesModel {
  const budget = part<DisruptionBudgetTemplate>(kafkaTemplate, 'podDisruptionBudget');
  return {
    serviceAccount: metadataTemplate(part(kafkaTemplate, 'serviceAccount')),
    bootstrapService: serviceTemplate(part(kafkaTemplate, 'bootstrapService')),
    brokersService: serviceTemplate(part(kafkaTemplate, 'brokersService')),
    externalBootstrapService: serviceTemplate(part(kafkaTemplate, 'externalBootstrapService')),
    externalBootstrapIngress: metadataTemplate(part(kafkaTemplate, 'externalBootstrapIngress')),
    podDisruptionBudget: {
      labels: budget.metadata?.labels ?? {},
      annotations: budget.metadata?.annotations ?? {},
      // Strimzi's default: one node at a time.
      maxUnavailable: budget.maxUnavailable ?? 1,
    },
  };
}

function metadataTemplate(template: MetadataTemplate): MetadataTemplateModel {
  return { labels: template.metadata?.labels ?? {}, annotations: template.metadata?.annotations ?? {} };
}

function serviceTemplate(template: ServiceTemplate): ServiceTemplateModel {
  return {
    ...metadataTemplate(template),
    ...(template.ipFamilyPolicy && { ipFamilyPolicy: template.ipFamilyPolicy }),
    ...(template.ipFamilies && { ipFamilies: template.ipFamilies }),
  };
}
