// The parts of a Kafka's spec besides the brokers: the entity operator, Cruise Control, Kafka Exporter, and
// the logging and metrics settings they share with the brokers.
import { jvmOptionsSchema, probeSchema, resourceRequirementsSchema } from './common.ts';
import {
  array,
  boolean,
  enumOf,
  type Infer,
  integer,
  object,
  preserveUnknown,
  record,
  string,
  type ValidationRule,
} from './schema.ts';
import {
  containerTemplateSchema,
  deploymentTemplateSchema,
  keyReferenceSchema,
  metadataOnlyTemplate,
  podDisruptionBudgetTemplateSchema,
  podTemplateSchema,
  serviceTemplateSchema,
} from './templates.ts';

const configMapKeySource = object(
  { configMapKeyRef: keyReferenceSchema },
  { description: 'The ConfigMap key that holds the configuration.' },
);

export const loggingSchema = object(
  {
    type: enumOf(['inline', 'external'], {
      description: 'inline sets loggers here; external reads a whole logging configuration from a ConfigMap.',
    }),
    loggers: record(string(), { description: 'Logger levels (inline), e.g. rootLogger.level: INFO.' }),
    valueFrom: configMapKeySource,
  },
  { required: ['type'], description: 'Logging configuration.' },
);

export type Logging = Infer<typeof loggingSchema>;

const metricsConfigRules: ValidationRule[] = [
  {
    rule: "self.type != 'jmxPrometheusExporter' || has(self.valueFrom)",
    message: 'metricsConfig of type jmxPrometheusExporter needs valueFrom: the ConfigMap key with its rules',
  },
];

function metricsConfigSchema(extraRules: ValidationRule[] = []) {
  return object(
    {
      type: enumOf(['jmxPrometheusExporter', 'strimziMetricsReporter'], {
        description:
          'The Prometheus JMX exporter with rules from a ConfigMap, or the Strimzi metrics reporter.',
      }),
      valueFrom: configMapKeySource,
      values: object(
        {
          allowList: array(string(), {
            description: 'Regular expressions of the metric names to expose (strimziMetricsReporter).',
          }),
        },
        { description: 'The settings of the Strimzi metrics reporter.' },
      ),
    },
    {
      required: ['type'],
      description: 'How metrics are exposed to Prometheus.',
      validations: [...metricsConfigRules, ...extraRules],
    },
  );
}

export const kafkaMetricsConfigSchema = metricsConfigSchema();

const operatorFields = {
  watchedNamespace: string({ description: 'The namespace watched; the Kafka namespace when unset.' }),
  image: string({ description: 'The container image.' }),
  reconciliationIntervalMs: integer({ minimum: 0, description: 'Milliseconds between periodic reconciles.' }),
  livenessProbe: probeSchema('The liveness probe timings.'),
  readinessProbe: probeSchema('The readiness probe timings.'),
  resources: resourceRequirementsSchema,
  logging: loggingSchema,
  jvmOptions: jvmOptionsSchema,
};

export const entityOperatorSchema = object(
  {
    topicOperator: object(
      { ...operatorFields, startupProbe: probeSchema('The startup probe timings.') },
      { description: 'The topic operator; it runs when this section is present, even empty.' },
    ),
    userOperator: object(
      {
        ...operatorFields,
        secretPrefix: string({ description: 'A prefix of the names of the user Secrets.' }),
      },
      { description: 'The user operator; it runs when this section is present, even empty.' },
    ),
    template: object(
      {
        deployment: deploymentTemplateSchema,
        pod: podTemplateSchema,
        topicOperatorContainer: containerTemplateSchema,
        userOperatorContainer: containerTemplateSchema,
        serviceAccount: metadataOnlyTemplate('The ServiceAccount.'),
        podDisruptionBudget: podDisruptionBudgetTemplateSchema,
        entityOperatorRole: metadataOnlyTemplate('The Role of the entity operator.'),
        topicOperatorRoleBinding: metadataOnlyTemplate('The RoleBinding of the topic operator.'),
        userOperatorRoleBinding: metadataOnlyTemplate('The RoleBinding of the user operator.'),
      },
      { description: 'Overrides for the objects of the entity operator.' },
    ),
  },
  { description: 'The topic and user operators.' },
);

export type EntityOperatorSpec = Infer<typeof entityOperatorSchema>;

const cpuCapacityPattern = '^[0-9]+([.][0-9]{0,3}|[m]?)$';
const networkCapacityPattern = '^[0-9]+([KMG]i?)?B/s$';

const capacityFields = {
  cpu: string({ pattern: cpuCapacityPattern, description: 'CPU cores, e.g. 2 or 1500m.' }),
  inboundNetwork: string({
    pattern: networkCapacityPattern,
    description: 'Inbound bytes per second, e.g. 10MiB/s.',
  }),
  outboundNetwork: string({
    pattern: networkCapacityPattern,
    description: 'Outbound bytes per second, e.g. 10MiB/s.',
  }),
};

export const cruiseControlSchema = object(
  {
    image: string({ description: 'The container image.' }),
    resources: resourceRequirementsSchema,
    livenessProbe: probeSchema('The liveness probe timings.'),
    readinessProbe: probeSchema('The readiness probe timings.'),
    jvmOptions: jvmOptionsSchema,
    logging: loggingSchema,
    template: object(
      {
        deployment: deploymentTemplateSchema,
        pod: podTemplateSchema,
        apiService: serviceTemplateSchema,
        podDisruptionBudget: podDisruptionBudgetTemplateSchema,
        cruiseControlContainer: containerTemplateSchema,
        serviceAccount: metadataOnlyTemplate('The ServiceAccount.'),
      },
      { description: 'Overrides for the objects of Cruise Control.' },
    ),
    brokerCapacity: object(
      {
        ...capacityFields,
        overrides: array(
          object(
            {
              brokers: array(integer(), { description: 'The node ids the override applies to.' }),
              ...capacityFields,
            },
            { required: ['brokers'] },
          ),
          { description: 'Capacities of particular brokers.' },
        ),
      },
      { description: 'The capacity of the brokers, for the rebalance goals.' },
    ),
    config: preserveUnknown({ description: 'Cruise Control configuration.' }),
    metricsConfig: metricsConfigSchema([
      {
        rule: "self.type != 'strimziMetricsReporter'",
        message: 'Cruise Control exposes metrics with jmxPrometheusExporter only',
      },
    ]),
    apiUsers: object(
      {
        type: enumOf(['hashLoginService'], { description: 'The format of the users file.' }),
        valueFrom: object(
          { secretKeyRef: keyReferenceSchema },
          { description: 'The Secret key holding the users.' },
        ),
      },
      { required: ['type', 'valueFrom'], description: 'Extra users of the Cruise Control API.' },
    ),
    autoRebalance: array(
      object(
        {
          mode: enumOf(['add-brokers', 'remove-brokers'], {
            description: 'When the rebalance runs: after brokers are added or before they are removed.',
          }),
          template: object(
            { name: string({ description: 'The KafkaRebalance holding the rebalance settings.' }) },
            { description: 'The settings of the rebalance.' },
          ),
        },
        { required: ['mode'] },
      ),
      { minItems: 1, description: 'Rebalances run when the cluster scales.' },
    ),
  },
  { description: 'Cruise Control.' },
);

export const kafkaExporterSchema = object(
  {
    image: string({ description: 'The container image.' }),
    groupRegex: string({ description: 'The consumer groups to export, as a regular expression.' }),
    topicRegex: string({ description: 'The topics to export, as a regular expression.' }),
    groupExcludeRegex: string({ description: 'The consumer groups not to export.' }),
    topicExcludeRegex: string({ description: 'The topics not to export.' }),
    resources: resourceRequirementsSchema,
    logging: string({ description: 'The log level, e.g. info.' }),
    livenessProbe: probeSchema('The liveness probe timings.'),
    readinessProbe: probeSchema('The readiness probe timings.'),
    enableSaramaLogging: boolean({ description: 'Whether the Kafka client library logs too.' }),
    showAllOffsets: boolean({ description: 'Whether offsets of every partition are exported.' }),
    template: object(
      {
        deployment: deploymentTemplateSchema,
        pod: podTemplateSchema,
        container: containerTemplateSchema,
        serviceAccount: metadataOnlyTemplate('The ServiceAccount.'),
        podDisruptionBudget: podDisruptionBudgetTemplateSchema,
      },
      { description: 'Overrides for the objects of Kafka Exporter.' },
    ),
  },
  { description: 'Kafka Exporter: consumer lag and topic metrics for Prometheus.' },
);
