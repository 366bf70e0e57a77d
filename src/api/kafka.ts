// Kafka: one Kafka cluster (KRaft). Its nodes come from KafkaNodePools; the legacy v1beta2 fields
// (spec.kafka.replicas, spec.kafka.storage, spec.zookeeper) are accepted so that the runtime can map them.
import {
  type CustomResource,
  type CustomResourceKind,
  certificateAuthoritySchema,
  commonStatusFields,
  customResourceSchema,
  jvmOptionsSchema,
  type KafkaConfigValue,
  probeSchema,
  readyColumn,
  resourceRequirementsSchema,
  storageSchema,
} from './common.ts';
import {
  cruiseControlSchema,
  entityOperatorSchema,
  kafkaExporterSchema,
  kafkaMetricsConfigSchema,
  loggingSchema,
} from './kafka-components.ts';
import {
  array,
  boolean,
  enumOf,
  type Infer,
  integer,
  number,
  object,
  preserveUnknown,
  record,
  string,
} from './schema.ts';
import {
  ipFamiliesSchema,
  ipFamilyPolicySchema,
  kafkaNodeTemplateFields,
  labelSelectorSchema,
  metadataOnlyTemplate,
  podDisruptionBudgetTemplateSchema,
  serviceTemplateSchema,
} from './templates.ts';

export const listenerNamePattern = '^[a-z0-9]{1,11}$';
export const lowestListenerPort = 9092;
/** Ports the Kafka pods use for metrics (Prometheus) and JMX, so no listener may take them. */
export const reservedListenerPorts = [9404, 9999];
export const maxListeners = 32;

// Where a bootstrap or per-broker Service is reached, and its extra metadata.
const listenerServiceFields = {
  host: string({ description: 'The host name of the route or ingress.' }),
  nodePort: integer({ description: 'The node port of the service (nodeport listeners).' }),
  loadBalancerIP: string({ description: 'The load balancer IP to request (loadbalancer listeners).' }),
  annotations: record(string(), { description: 'Extra annotations of the service, route or ingress.' }),
  labels: record(string(), { description: 'Extra labels of the service, route or ingress.' }),
  externalIPs: array(string(), { description: 'External IPs of the service (nodeport listeners).' }),
};

const listenerConfigurationSchema = object(
  {
    bootstrap: object(
      {
        ...listenerServiceFields,
        alternativeNames: array(string(), { description: 'Extra names for the bootstrap certificate.' }),
      },
      { description: 'The bootstrap service of the listener.' },
    ),
    brokers: array(
      object(
        {
          broker: integer({ description: 'The node id this entry applies to.' }),
          advertisedHost: string({
            description: 'The host the node advertises to clients on this listener.',
          }),
          advertisedPort: integer({
            description: 'The port the node advertises to clients on this listener.',
          }),
          ...listenerServiceFields,
        },
        { required: ['broker'] },
      ),
      { description: 'Per-node overrides: advertised address, node port, host, service metadata.' },
    ),
    brokerCertChainAndKey: object(
      {
        secretName: string({ description: 'The Secret holding the certificate and key.' }),
        certificate: string({ description: 'The Secret key of the certificate (PEM, may hold the chain).' }),
        key: string({ description: 'The Secret key of the private key (PEM).' }),
      },
      {
        required: ['secretName', 'certificate', 'key'],
        description: 'The certificate a TLS listener presents instead of the one from the cluster CA.',
      },
    ),
    class: string({ description: 'The ingress class or load balancer class of the listener.' }),
    controllerClass: string({ description: 'Legacy (v1beta2): the load balancer class.' }),
    externalTrafficPolicy: enumOf(['Local', 'Cluster'], {
      description: 'Whether external traffic goes to node-local pods only (nodeport and loadbalancer).',
    }),
    loadBalancerSourceRanges: array(string(), {
      description: 'The client CIDRs a load balancer admits.',
    }),
    ipFamilyPolicy: ipFamilyPolicySchema,
    ipFamilies: ipFamiliesSchema,
    createBootstrapService: boolean({
      description: 'Whether a loadbalancer listener has a bootstrap service. Default true.',
    }),
    finalizers: array(string(), { description: 'Finalizers of the load balancer services.' }),
    useServiceDnsDomain: boolean({
      description: 'Whether internal addresses use the full cluster DNS domain (.cluster.local).',
    }),
    maxConnections: integer({ description: 'The most connections the listener accepts at once, per node.' }),
    maxConnectionCreationRate: integer({
      description: 'The most new connections per second the listener accepts, per node.',
    }),
    preferredNodePortAddressType: enumOf(
      ['ExternalIP', 'ExternalDNS', 'InternalIP', 'InternalDNS', 'Hostname'],
      { description: 'Which node address a nodeport listener advertises first.' },
    ),
    publishNotReadyAddresses: boolean({ description: 'Whether services list pods that are not ready.' }),
    perBrokerAnnotationsTemplate: record(string(), {
      description: 'Annotations of every per-node service; may hold the node id placeholder.',
    }),
    perBrokerLabelsTemplate: record(string(), {
      description: 'Labels of every per-node service; may hold the node id placeholder.',
    }),
    hostTemplate: string({ description: 'The per-node host, with placeholders for the node.' }),
    advertisedHostTemplate: string({ description: 'The host each node advertises, with placeholders.' }),
    advertisedPortTemplate: string({ description: 'The port each node advertises, with placeholders.' }),
    allocateLoadBalancerNodePorts: boolean({
      description: 'Whether load balancer services get node ports. Default true.',
    }),
    parentRefs: array(
      object({
        kind: string(),
        group: string(),
        name: string(),
        namespace: string(),
        port: integer(),
        sectionName: string(),
      }),
      { description: 'The Gateway API gateways the routes of the listener attach to.' },
    ),
  },
  { description: 'Listener details: bootstrap, brokers, certificates, service settings.' },
);

const networkPolicyPeerSchema = object({
  ipBlock: object({
    cidr: string({ description: 'The CIDR admitted.' }),
    except: array(string(), { description: 'CIDRs within it that are not.' }),
  }),
  namespaceSelector: labelSelectorSchema,
  podSelector: labelSelectorSchema,
});

const listenerSchema = object(
  {
    name: string({
      pattern: listenerNamePattern,
      maxLength: 11,
      description: 'The listener name, unique in the cluster: 1 to 11 lowercase letters or digits.',
      validations: [
        {
          rule: `self.matches('${listenerNamePattern}')`,
          message: 'a listener name must be 1 to 11 lowercase letters or digits, e.g. plain, tls or external',
        },
      ],
    }),
    port: integer({
      minimum: lowestListenerPort,
      description:
        `The port the listener uses inside Kafka, unique in the cluster: ${lowestListenerPort} or higher, ` +
        `except ${reservedListenerPorts.join(' and ')} (metrics and JMX).`,
      validations: [
        {
          rule: `self >= ${lowestListenerPort}`,
          message:
            `a listener port must be ${lowestListenerPort} or higher: ` +
            'lower ports are kept for the controller and replication listeners',
        },
        {
          rule: `!(self in [${reservedListenerPorts.join(', ')}])`,
          message:
            `listener ports ${reservedListenerPorts.join(' and ')} are reserved for metrics and JMX; ` +
            'choose another port',
        },
      ],
    }),
    type: enumOf(['internal', 'route', 'tlsroute', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'], {
      description:
        'How the listener is exposed: internal and cluster-ip inside Kubernetes, the others outside.',
    }),
    tls: boolean({ description: 'Whether the listener encrypts traffic with TLS.' }),
    authentication: object(
      {
        type: enumOf(['tls', 'scram-sha-512', 'custom'], { description: 'How clients authenticate.' }),
        sasl: boolean({ description: 'Whether SASL is on (custom authentication).' }),
        listenerConfig: preserveUnknown<Record<string, KafkaConfigValue>>({
          description: 'Broker settings for this listener, prefixed with listener.name.<name>.',
        }),
      },
      { required: ['type'], description: 'How clients on this listener authenticate.' },
    ),
    configuration: listenerConfigurationSchema,
    networkPolicyPeers: array(networkPolicyPeerSchema, {
      description: 'Who may connect to the listener (NetworkPolicy peers).',
    }),
  },
  { required: ['name', 'port', 'type', 'tls'] },
);

const kafkaTemplateSchema = object(
  {
    ...kafkaNodeTemplateFields,
    bootstrapService: serviceTemplateSchema,
    brokersService: serviceTemplateSchema,
    externalBootstrapService: metadataOnlyTemplate('The bootstrap services of external listeners.'),
    externalBootstrapRoute: metadataOnlyTemplate('The bootstrap routes of route listeners.'),
    externalBootstrapIngress: metadataOnlyTemplate('The bootstrap ingresses of ingress listeners.'),
    podDisruptionBudget: podDisruptionBudgetTemplateSchema,
    clusterCaCert: metadataOnlyTemplate('The Secret of the cluster CA certificate.'),
    serviceAccount: metadataOnlyTemplate('The ServiceAccount of the Kafka nodes.'),
    jmxSecret: metadataOnlyTemplate('The Secret of the JMX credentials.'),
    clusterRoleBinding: metadataOnlyTemplate('The ClusterRoleBinding of the Kafka nodes.'),
  },
  { description: 'Overrides for the pods and other objects of the cluster; a pool template overrides it.' },
);

const kafkaClusterSchema = object(
  {
    version: string({ description: 'The Kafka version. Defaults to the newest the operator supports.' }),
    metadataVersion: string({
      description: 'The KRaft metadata version, e.g. 4.1-IV1. Defaults to version.',
    }),
    image: string({ description: 'The container image of the Kafka nodes; defaults from version.' }),
    replicas: integer({
      minimum: 1,
      description: 'Legacy (v1beta2): the number of brokers; mapped to an implicit node pool.',
    }),
    listeners: array(listenerSchema, {
      minItems: 1,
      // Bounds the apiserver's cost estimate of the rules below; no cluster needs anywhere near so many.
      maxItems: maxListeners,
      // Kafka needs unique listener names; keyed by name, server-side apply merges listeners one by one.
      listType: 'map',
      listMapKeys: ['name'],
      description: 'The listeners clients connect to.',
      validations: [
        {
          rule: 'self.all(l, self.exists_one(m, m.port == l.port))',
          message: 'each listener needs its own port: two listeners use the same port',
        },
      ],
    }),
    config: preserveUnknown<Record<string, KafkaConfigValue>>({ description: 'Broker configuration.' }),
    storage: storageSchema,
    authorization: object(
      {
        type: enumOf(['simple', 'custom'], { description: 'simple uses Kafka StandardAuthorizer ACLs.' }),
        superUsers: array(string(), { description: 'Principals with every permission.' }),
        authorizerClass: string({ description: 'The authorizer class of custom authorization.' }),
        supportsAdminApi: boolean({
          description: 'Whether the custom authorizer manages ACLs by Admin API.',
        }),
      },
      { required: ['type'], description: 'How the brokers authorize clients.' },
    ),
    rack: object(
      {
        type: enumOf(['topology-label', 'environment-variable'], {
          description: 'Where the rack comes from.',
        }),
        topologyKey: string({
          description: 'The node label holding the rack, e.g. topology.kubernetes.io/zone.',
        }),
        envVarName: string({ description: 'The environment variable holding the rack.' }),
      },
      {
        description: 'Rack awareness.',
        validations: [
          {
            rule: "(has(self.type) && self.type != 'topology-label') || (has(self.topologyKey) && self.topologyKey != '')",
            message: 'rack.topologyKey is required with type topology-label (the default)',
          },
          {
            rule: "!has(self.type) || self.type != 'environment-variable' || (has(self.envVarName) && self.envVarName != '')",
            message: 'rack.envVarName is required with type environment-variable',
          },
        ],
      },
    ),
    brokerRackInitImage: string({ description: 'The image of the init container that finds the rack.' }),
    resources: resourceRequirementsSchema,
    jvmOptions: jvmOptionsSchema,
    livenessProbe: probeSchema('When the Kafka container is restarted: TCP checks on the node port.', [
      {
        rule: '!has(self.successThreshold) || self.successThreshold == 1',
        message:
          'livenessProbe.successThreshold must be 1: Kubernetes refuses other values for liveness probes',
        fieldPath: '.successThreshold',
      },
    ]),
    readinessProbe: probeSchema('When a Kafka node counts as ready: TCP checks on the node port.'),
    jmxOptions: object(
      {
        authentication: object(
          { type: enumOf(['password'], { description: 'JMX clients log in with a generated password.' }) },
          { required: ['type'], description: 'How JMX clients authenticate.' },
        ),
      },
      { description: 'Remote JMX access to the Kafka nodes.' },
    ),
    metricsConfig: kafkaMetricsConfigSchema,
    logging: loggingSchema,
    template: kafkaTemplateSchema,
    tieredStorage: object(
      {
        type: enumOf(['custom'], { description: 'A remote storage manager of the user.' }),
        remoteStorageManager: object(
          {
            className: string({ description: 'The class of the remote storage manager.' }),
            classPath: string({ description: 'Where the class is found.' }),
            config: record(string(), { description: 'Its settings, without the rsm.config. prefix.' }),
          },
          { description: 'The remote storage manager.' },
        ),
      },
      { required: ['type'], description: 'Tiered storage.' },
    ),
    quotas: object(
      {
        type: enumOf(['kafka', 'strimzi'], {
          description: "Kafka's own quota plugin, or Strimzi's with storage limits.",
        }),
        consumerByteRate: integer({ minimum: 0, description: 'Bytes per second each client may fetch.' }),
        producerByteRate: integer({ minimum: 0, description: 'Bytes per second each client may produce.' }),
        requestPercentage: integer({ minimum: 0, description: 'Share of request handler time per client.' }),
        controllerMutationRate: number({
          minimum: 0,
          description: 'Partition mutations per second each client may make.',
        }),
        excludedPrincipals: array(string(), { description: 'Principals the quotas do not apply to.' }),
        minAvailableBytesPerVolume: integer({
          minimum: 0,
          description: 'Producers stop when a volume has less free space (strimzi).',
        }),
        minAvailableRatioPerVolume: number({
          minimum: 0,
          maximum: 1,
          description: 'Producers stop when a volume has a smaller free share (strimzi).',
        }),
      },
      { required: ['type'], description: 'The broker quota plugin.' },
    ),
  },
  { required: ['listeners'], description: 'The Kafka brokers and controllers.' },
);

export const kafkaSpecSchema = object(
  {
    kafka: kafkaClusterSchema,
    zookeeper: preserveUnknown({ description: 'Legacy (v1beta2): ignored; the cluster runs in KRaft mode.' }),
    entityOperator: entityOperatorSchema,
    clusterCa: certificateAuthoritySchema,
    clientsCa: certificateAuthoritySchema,
    cruiseControl: cruiseControlSchema,
    kafkaExporter: kafkaExporterSchema,
    maintenanceTimeWindows: array(string(), { description: 'Cron expressions of maintenance windows.' }),
  },
  { required: ['kafka'], description: 'The desired state of the Kafka cluster.' },
);

export const kafkaStatusSchema = object(
  {
    ...commonStatusFields,
    listeners: array(
      object({
        name: string({ description: 'The listener name.' }),
        addresses: array(object({ host: string(), port: integer() }), {
          description: 'Where clients reach the listener.',
        }),
        bootstrapServers: string({ description: 'The host:port pairs to bootstrap from, comma-separated.' }),
        certificates: array(string(), { description: 'The certificates to trust on TLS listeners (PEM).' }),
      }),
      { description: 'The addresses of the listeners.' },
    ),
    kafkaNodePools: array(object({ name: string() }), { description: 'The node pools of the cluster.' }),
    clusterId: string({ description: 'The Kafka cluster id.' }),
    operatorLastSuccessfulVersion: string({
      description: 'The operator version of the last good reconcile.',
    }),
    kafkaVersion: string({ description: 'The Kafka version the cluster runs.' }),
    kafkaMetadataVersion: string({ description: 'The KRaft metadata version the cluster uses.' }),
    autoRebalance: object(
      {
        state: enumOf(['Idle', 'RebalanceOnScaleDown', 'RebalanceOnScaleUp']),
        lastTransitionTime: string(),
        modes: array(
          object({
            mode: enumOf(['add-brokers', 'remove-brokers']),
            brokers: array(integer(), { description: 'The node ids to rebalance.' }),
          }),
        ),
      },
      { description: 'The state of automatic rebalancing.' },
    ),
    clusterSecurity: preserveUnknown({ description: 'The security settings the cluster runs with.' }),
  },
  { description: 'The observed state of the Kafka cluster.' },
);

export type KafkaListener = Infer<typeof listenerSchema>;
export type KafkaListenerConfiguration = Infer<typeof listenerConfigurationSchema>;
export type KafkaClusterSpec = Infer<typeof kafkaClusterSchema>;
export type KafkaSpec = Infer<typeof kafkaSpecSchema>;
export type KafkaStatus = Infer<typeof kafkaStatusSchema>;
export type Kafka = CustomResource<KafkaSpec, KafkaStatus>;

export const kafkaDefinition: CustomResourceKind = {
  kind: 'Kafka',
  listKind: 'KafkaList',
  plural: 'kafkas',
  singular: 'kafka',
  shortNames: ['k'],
  categories: ['strimzi'],
  schema: customResourceSchema(kafkaSpecSchema, kafkaStatusSchema),
  printerColumns: [
    readyColumn,
    {
      name: 'Warnings',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Warning")].status',
      description: 'Whether the resource has warnings',
    },
    { name: 'Kafka version', type: 'string', jsonPath: '.status.kafkaVersion', description: 'Kafka version' },
    {
      name: 'Metadata version',
      type: 'string',
      jsonPath: '.status.kafkaMetadataVersion',
      description: 'KRaft metadata version',
    },
  ],
};
