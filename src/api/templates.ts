// Schema pieces for the `template` sections of Kafka and KafkaNodePool (Strimzi's templates): the metadata,
// pod, container, deployment, service and pod disruption budget settings of the objects an operator makes,
// spelled as the Kubernetes core API spells the same fields.
import {
  array,
  boolean,
  enumOf,
  type Infer,
  integer,
  object,
  record,
  type Schema,
  string,
} from './schema.ts';

const labelsAndAnnotations = {
  labels: record(string(), { description: 'Labels added to the object.' }),
  annotations: record(string(), { description: 'Annotations added to the object.' }),
};

/** Extra labels and annotations of a generated object. */
export const metadataTemplateSchema = object(labelsAndAnnotations, {
  description: 'Labels and annotations added to the object.',
});

export type MetadataTemplate = Infer<typeof metadataTemplateSchema>;

/** A template that can only add labels and annotations (Secrets, ServiceAccounts, routes, ...). */
export function metadataOnlyTemplate(description: string) {
  return object({ metadata: metadataTemplateSchema }, { description });
}

/** A key of a ConfigMap or Secret: `configMapKeyRef` and `secretKeyRef`. */
export const keyReferenceSchema = object({
  key: string({ description: 'The key in the object.' }),
  name: string({ description: 'The name of the object, in the resource namespace.' }),
  optional: boolean({ description: 'Whether a missing object or key is allowed.' }),
});

// A requirement of a label or node selector: key, operator (In, NotIn, Exists, ...), values.
const selectorRequirementSchema = object({
  key: string({ description: 'The label or field key.' }),
  operator: string({ description: 'In, NotIn, Exists, DoesNotExist (and Gt, Lt for nodes).' }),
  values: array(string(), { description: 'The values the operator compares with.' }),
});

export const labelSelectorSchema = object(
  {
    matchExpressions: array(selectorRequirementSchema, {
      description: 'Requirements the labels must all meet.',
    }),
    matchLabels: record(string(), { description: 'Labels that must all be present with these values.' }),
  },
  { description: 'Selects objects by their labels.' },
);

const nodeSelectorTermSchema = object({
  matchExpressions: array(selectorRequirementSchema, { description: 'Requirements on node labels.' }),
  matchFields: array(selectorRequirementSchema, { description: 'Requirements on node fields.' }),
});

const podAffinityTermSchema = object({
  labelSelector: labelSelectorSchema,
  matchLabelKeys: array(string(), { description: 'Label keys whose values must match the incoming pod.' }),
  mismatchLabelKeys: array(string(), { description: 'Label keys whose values must differ.' }),
  namespaceSelector: labelSelectorSchema,
  namespaces: array(string(), { description: 'The namespaces the term applies to.' }),
  topologyKey: string({ description: 'The node label that defines the topology domain.' }),
});

const podAffinitySchema = object({
  preferredDuringSchedulingIgnoredDuringExecution: array(
    object({ podAffinityTerm: podAffinityTermSchema, weight: integer({ minimum: 1, maximum: 100 }) }),
    { description: 'Terms the scheduler prefers, by weight.' },
  ),
  requiredDuringSchedulingIgnoredDuringExecution: array(podAffinityTermSchema, {
    description: 'Terms the scheduler must meet.',
  }),
});

export const affinitySchema = object(
  {
    nodeAffinity: object({
      preferredDuringSchedulingIgnoredDuringExecution: array(
        object({ preference: nodeSelectorTermSchema, weight: integer({ minimum: 1, maximum: 100 }) }),
        { description: 'Node terms the scheduler prefers, by weight.' },
      ),
      requiredDuringSchedulingIgnoredDuringExecution: object({
        nodeSelectorTerms: array(nodeSelectorTermSchema, { description: 'Any one of these must match.' }),
      }),
    }),
    podAffinity: podAffinitySchema,
    podAntiAffinity: podAffinitySchema,
  },
  { description: 'Where the pods may be scheduled.' },
);

const tolerationSchema = object({
  effect: string({ description: 'NoSchedule, PreferNoSchedule or NoExecute; empty matches all.' }),
  key: string({ description: 'The taint key; empty with Exists matches every taint.' }),
  operator: string({ description: 'Exists or Equal (the default).' }),
  tolerationSeconds: integer({ description: 'How long a NoExecute taint is tolerated.' }),
  value: string({ description: 'The taint value (with Equal).' }),
});

const topologySpreadConstraintSchema = object({
  labelSelector: labelSelectorSchema,
  matchLabelKeys: array(string(), { description: 'Label keys that group the pods spread.' }),
  maxSkew: integer({ minimum: 1, description: 'The largest allowed difference in pods between domains.' }),
  minDomains: integer({ minimum: 1, description: 'The least number of eligible domains.' }),
  nodeAffinityPolicy: string({ description: 'Honor or Ignore the pod node affinity.' }),
  nodeTaintsPolicy: string({ description: 'Honor or Ignore node taints.' }),
  topologyKey: string({ description: 'The node label that defines the domain.' }),
  whenUnsatisfiable: string({ description: 'DoNotSchedule or ScheduleAnyway.' }),
});

const profileSchema = object({
  localhostProfile: string({ description: 'The profile on the node (type Localhost).' }),
  type: string({ description: 'Localhost, RuntimeDefault or Unconfined.' }),
});

const seLinuxOptionsSchema = object({
  level: string(),
  role: string(),
  type: string(),
  user: string(),
});

const windowsOptionsSchema = object({
  gmsaCredentialSpec: string(),
  gmsaCredentialSpecName: string(),
  hostProcess: boolean(),
  runAsUserName: string(),
});

const nameValueSchema = object({ name: string(), value: string() });

const podSecurityContextSchema = object(
  {
    appArmorProfile: profileSchema,
    fsGroup: integer(),
    fsGroupChangePolicy: string({ description: 'OnRootMismatch or Always.' }),
    runAsGroup: integer(),
    runAsNonRoot: boolean(),
    runAsUser: integer(),
    seLinuxChangePolicy: string(),
    seLinuxOptions: seLinuxOptionsSchema,
    seccompProfile: profileSchema,
    supplementalGroups: array(integer()),
    supplementalGroupsPolicy: string(),
    sysctls: array(nameValueSchema, { description: 'Namespaced kernel parameters.' }),
    windowsOptions: windowsOptionsSchema,
  },
  { description: 'The security settings of the pod.' },
);

const containerSecurityContextSchema = object(
  {
    allowPrivilegeEscalation: boolean(),
    appArmorProfile: profileSchema,
    capabilities: object({ add: array(string()), drop: array(string()) }),
    privileged: boolean(),
    procMount: string(),
    readOnlyRootFilesystem: boolean(),
    runAsGroup: integer(),
    runAsNonRoot: boolean(),
    runAsUser: integer(),
    seLinuxOptions: seLinuxOptionsSchema,
    seccompProfile: profileSchema,
    windowsOptions: windowsOptionsSchema,
  },
  { description: 'The security settings of the container.' },
);

// A Kubernetes quantity as a size limit, e.g. 5Mi.
const sizeLimitPattern = '^([0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

const keyToPathSchema = object({ key: string(), mode: integer(), path: string() });

const secretVolumeSchema = object({
  defaultMode: integer(),
  items: array(keyToPathSchema),
  optional: boolean(),
  secretName: string(),
});

const configMapVolumeSchema = object({
  defaultMode: integer(),
  items: array(keyToPathSchema),
  name: string(),
  optional: boolean(),
});

const claimVolumeSchema = object({ claimName: string(), readOnly: boolean() });

const additionalVolumeSchema = object(
  {
    name: string({ description: 'The volume name, unique in the pod.' }),
    secret: secretVolumeSchema,
    configMap: configMapVolumeSchema,
    emptyDir: object({
      medium: enumOf(['Memory'], { description: 'Memory for a tmpfs; unset for the node disk.' }),
      sizeLimit: string({ pattern: sizeLimitPattern }),
    }),
    persistentVolumeClaim: claimVolumeSchema,
    csi: object({
      driver: string(),
      fsType: string(),
      nodePublishSecretRef: object({ name: string() }),
      readOnly: boolean(),
      volumeAttributes: record(string()),
    }),
    image: object({ pullPolicy: string(), reference: string() }),
  },
  { description: 'A volume: a name and one source (Kubernetes refuses pods whose volumes have two).' },
);

// A volume whose names may hold placeholders for the node (Strimzi's templatedVolumes of the Kafka pods).
const templatedVolumeSchema = object(
  {
    name: string({ description: 'The volume name, unique in the pod.' }),
    secret: secretVolumeSchema,
    configMap: configMapVolumeSchema,
    persistentVolumeClaim: claimVolumeSchema,
  },
  { description: 'A volume: a name and one source.' },
);

export const podTemplateSchema = object(
  {
    metadata: metadataTemplateSchema,
    imagePullSecrets: array(object({ name: string() }), {
      description: 'Secrets to pull the images with.',
    }),
    securityContext: podSecurityContextSchema,
    terminationGracePeriodSeconds: integer({
      minimum: 0,
      description: 'Seconds a pod has to stop before it is killed.',
    }),
    affinity: affinitySchema,
    tolerations: array(tolerationSchema, { description: 'The taints the pods tolerate.' }),
    topologySpreadConstraints: array(topologySpreadConstraintSchema, {
      description: 'How the pods spread over topology domains.',
    }),
    priorityClassName: string({ description: 'The priority class of the pods.' }),
    schedulerName: string({ description: 'The scheduler of the pods; the default scheduler when unset.' }),
    hostAliases: array(object({ hostnames: array(string()), ip: string() }), {
      description: 'Extra entries of the pods /etc/hosts.',
    }),
    dnsPolicy: enumOf(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'], {
      description: 'How the pods resolve names.',
    }),
    dnsConfig: object({
      nameservers: array(string()),
      options: array(nameValueSchema),
      searches: array(string()),
    }),
    enableServiceLinks: boolean({ description: 'Whether service environment variables are injected.' }),
    tmpDirSizeLimit: string({
      pattern: sizeLimitPattern,
      description: 'The size of the /tmp volume, e.g. 10Mi.',
    }),
    volumes: array(additionalVolumeSchema, { description: 'Extra volumes of the pods.' }),
    templatedVolumes: array(templatedVolumeSchema, {
      description: 'Extra volumes whose names may hold placeholders for the node.',
    }),
    hostUsers: boolean({ description: 'Whether the pods use the host user namespace.' }),
  },
  { description: 'The pods: metadata, scheduling, security and extra volumes.' },
);

export type PodTemplate = Infer<typeof podTemplateSchema>;

const environmentVariableSchema = object(
  {
    name: string({ description: 'The variable name.' }),
    value: string({ description: 'The value.' }),
    valueFrom: object(
      { secretKeyRef: keyReferenceSchema, configMapKeyRef: keyReferenceSchema },
      {
        description: 'Where the value is read from.',
        validations: [
          {
            rule: 'has(self.secretKeyRef) != has(self.configMapKeyRef)',
            message: 'valueFrom needs exactly one of secretKeyRef and configMapKeyRef',
          },
        ],
      },
    ),
  },
  {
    validations: [
      {
        rule: 'has(self.value) != has(self.valueFrom)',
        message: 'an environment variable needs exactly one of value and valueFrom',
      },
    ],
  },
);

export const containerTemplateSchema = object(
  {
    env: array(environmentVariableSchema, { description: 'Extra environment variables.' }),
    securityContext: containerSecurityContextSchema,
    volumeMounts: array(
      object({
        mountPath: string(),
        mountPropagation: string(),
        name: string(),
        readOnly: boolean(),
        recursiveReadOnly: string(),
        subPath: string(),
        subPathExpr: string(),
      }),
      { description: 'Where the extra volumes of the pod are mounted.' },
    ),
  },
  { description: 'A container: extra environment, security settings and mounts.' },
);

export type ContainerTemplate = Infer<typeof containerTemplateSchema>;

export const deploymentTemplateSchema = object(
  {
    metadata: metadataTemplateSchema,
    deploymentStrategy: enumOf(['RollingUpdate', 'Recreate'], {
      description: 'How the Deployment replaces its pods. Default RollingUpdate.',
    }),
  },
  { description: 'The Deployment.' },
);

export const ipFamilyPolicySchema = enumOf(['SingleStack', 'PreferDualStack', 'RequireDualStack'], {
  description: 'Whether the services have one IP family or two.',
});

export const ipFamiliesSchema = array(enumOf(['IPv4', 'IPv6']), {
  description: 'The IP families of the services.',
});

export const serviceTemplateSchema = object(
  { metadata: metadataTemplateSchema, ipFamilyPolicy: ipFamilyPolicySchema, ipFamilies: ipFamiliesSchema },
  { description: 'The service.' },
);

export const podDisruptionBudgetTemplateSchema = object(
  {
    metadata: metadataTemplateSchema,
    maxUnavailable: integer({
      minimum: 0,
      description: 'How many pods may be unavailable at once by voluntary disruption. Default 1.',
    }),
  },
  { description: 'The PodDisruptionBudget.' },
);

/** The templates of a Kafka node: what a KafkaNodePool may set, and the Kafka for all its pools. */
export const kafkaNodeTemplateFields = {
  podSet: metadataOnlyTemplate('The StrimziPodSet of the nodes.'),
  pod: podTemplateSchema,
  perPodService: metadataOnlyTemplate('The per-node services of the listeners.'),
  perPodRoute: metadataOnlyTemplate('The per-node routes of route listeners.'),
  perPodIngress: metadataOnlyTemplate('The per-node ingresses of ingress listeners.'),
  persistentVolumeClaim: metadataOnlyTemplate('The persistent volume claims of the nodes.'),
  kafkaContainer: containerTemplateSchema,
  initContainer: containerTemplateSchema,
} satisfies Record<string, Schema<unknown>>;
