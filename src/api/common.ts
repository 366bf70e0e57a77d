// Schema pieces and types that several kafka.strimzi.io kinds share: status basics, resources, JVM options,
// storage, certificate authorities, and the envelope of a custom resource.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { conditionSchema } from './conditions.ts';
import {
  array,
  boolean,
  enumOf,
  type Infer,
  integer,
  intOrString,
  object,
  record,
  type Schema,
  type StructuralSchema,
  string,
  type ValidationRule,
} from './schema.ts';

/** A Kafka configuration value as Strimzi accepts it in `config` maps. */
export type KafkaConfigValue = string | number | boolean;

/** The fields every status of this API has; kinds spread them into their own status schema. */
export const commonStatusFields = {
  conditions: array(conditionSchema, { description: 'The status conditions of the resource.' }),
  observedGeneration: integer({ description: 'The metadata.generation the operator last reconciled.' }),
};

// Kubernetes' own quantity syntax, e.g. 500m, 2Gi, 1e3.
const quantityPattern =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

export const resourceRequirementsSchema = object(
  {
    limits: record(intOrString({ pattern: quantityPattern }), {
      description: 'The most a container may use.',
    }),
    requests: record(intOrString({ pattern: quantityPattern }), {
      description: 'What a container is guaranteed and scheduled by.',
    }),
    claims: array(object({ name: string(), request: string() }), {
      description: 'Dynamic resource claims the container uses.',
    }),
  },
  { description: 'CPU and memory to reserve and to limit.' },
);

export type ResourceRequirements = Infer<typeof resourceRequirementsSchema>;

const heapSizePattern = '^[0-9]+[mMgG]?$';

export const jvmOptionsSchema = object(
  {
    '-Xmx': string({ pattern: heapSizePattern, description: 'The maximum heap size, e.g. 2g.' }),
    '-Xms': string({ pattern: heapSizePattern, description: 'The initial heap size, e.g. 1g.' }),
    '-XX': record(string(), { description: 'Advanced JVM options, without the -XX: prefix.' }),
    gcLoggingEnabled: boolean({ description: 'Whether garbage collection logging is on. Default false.' }),
    javaSystemProperties: array(object({ name: string(), value: string() }), {
      description: 'Extra -D system properties.',
    }),
  },
  { description: 'JVM options for the pods.' },
);

export type JvmOptions = Infer<typeof jvmOptionsSchema>;

// Strimzi's probe timings: each unset field takes Strimzi's default, as the description says.
const probeFields = {
  initialDelaySeconds: integer({
    minimum: 0,
    description: 'Seconds after the container starts before the first check. Default 15.',
  }),
  timeoutSeconds: integer({ minimum: 1, description: 'Seconds each check may take. Default 5.' }),
  periodSeconds: integer({ minimum: 1, description: 'Seconds between checks. Default 10.' }),
  successThreshold: integer({
    minimum: 1,
    description: 'Successes in a row that make a failed probe pass again. Default 1; must be 1 for liveness.',
  }),
  failureThreshold: integer({
    minimum: 1,
    description: 'Failures in a row that make the probe fail. Default 3.',
  }),
};

/** The timings of a liveness or readiness probe (Strimzi's Probe); the operator chooses the check itself. */
export function probeSchema(description: string, validations?: ValidationRule[]) {
  return object(probeFields, { description, validations });
}

export type ProbeTimings = Infer<ReturnType<typeof probeSchema>>;

const volumeFields = {
  id: integer({ minimum: 0, description: 'The volume id, unique within a JBOD storage.' }),
  size: string({ description: 'The size of a persistent volume claim, e.g. 100Gi.' }),
  sizeLimit: string({
    pattern: '^([0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$',
    description: 'The most an ephemeral (emptyDir) volume may hold, e.g. 1Gi.',
  }),
  class: string({ description: 'The storage class of a persistent volume claim.' }),
  selector: record(string(), { description: 'Labels selecting the persistent volume to bind.' }),
  deleteClaim: boolean({ description: 'Whether the claim is deleted when the cluster is undeployed.' }),
  kraftMetadata: enumOf(['shared'], {
    description: 'Whether this volume also holds the KRaft metadata log.',
  }),
  volumeAttributesClass: string({ description: 'The volume attributes class of the claim.' }),
};

const volumeSchema = object(
  {
    ...volumeFields,
    type: enumOf(['ephemeral', 'persistent-claim'], { description: 'The kind of volume.' }),
  },
  { required: ['type'] },
);

export const storageSchema = object(
  {
    ...volumeFields,
    type: enumOf(['ephemeral', 'persistent-claim', 'jbod'], { description: 'The kind of storage.' }),
    volumes: array(volumeSchema, { description: 'The volumes of a JBOD storage.' }),
  },
  { required: ['type'], description: 'The storage of the Kafka nodes.' },
);

export type Storage = Infer<typeof storageSchema>;
export type StorageVolume = Infer<typeof volumeSchema>;

export const certificateAuthoritySchema = object({
  generateCertificateAuthority: boolean({
    description: 'Whether the operator generates the CA; otherwise the user provides it. Default true.',
  }),
  generateSecretOwnerReference: boolean({
    description: 'Whether the CA Secrets are owned by (and deleted with) the Kafka resource. Default true.',
  }),
  validityDays: integer({
    minimum: 1,
    description: 'How long certificates are valid, in days. Default 365.',
  }),
  renewalDays: integer({
    minimum: 1,
    description: 'How many days before expiry certificates are renewed. Default 30.',
  }),
  certificateExpirationPolicy: enumOf(['renew-certificate', 'replace-key'], {
    description: 'Whether an expiring CA certificate is renewed with its key or with a new key.',
  }),
});

export type CertificateAuthority = Infer<typeof certificateAuthoritySchema>;

/** A kafka.strimzi.io resource as read from or written to the apiserver. */
export interface CustomResource<Spec, Status> {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** The root schema of a kind: the Kubernetes envelope around its spec and status. */
export function customResourceSchema(
  spec: Schema<unknown>,
  status: Schema<unknown>,
  validations?: ValidationRule[],
): StructuralSchema {
  return object(
    {
      apiVersion: string({ description: 'The versioned schema of this representation of the object.' }),
      kind: string({ description: 'The REST resource this object represents.' }),
      // The apiserver validates metadata itself and allows nothing more than its type here.
      metadata: object({}),
      spec,
      status,
    },
    { required: ['spec'], validations },
  );
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
}

/** What a CRD says about one kind besides its group and versions. */
export interface CustomResourceKind {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  schema: StructuralSchema;
  printerColumns: PrinterColumn[];
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string };
}

export const clusterColumn = (noun: string): PrinterColumn => ({
  name: 'Cluster',
  type: 'string',
  jsonPath: '.metadata.labels.strimzi\\.io/cluster',
  description: `The Kafka cluster this ${noun} belongs to (label strimzi.io/cluster)`,
});

export const readyColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether the resource is ready',
};
