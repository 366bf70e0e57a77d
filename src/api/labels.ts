// Strimzi's labels and annotations, spelled once: the operator reads and writes them as Strimzi's own
// operators do, so tools and applications written for Strimzi keep working.

// Labels of the custom resources and of the objects made for them.
export const clusterLabel = 'strimzi.io/cluster';
export const kindLabel = 'strimzi.io/kind';
export const nameLabel = 'strimzi.io/name';
export const componentTypeLabel = 'strimzi.io/component-type';
export const poolNameLabel = 'strimzi.io/pool-name';
export const podNameLabel = 'strimzi.io/pod-name';
export const brokerRoleLabel = 'strimzi.io/broker-role';
export const controllerRoleLabel = 'strimzi.io/controller-role';
export const discoveryLabel = 'strimzi.io/discovery';

// Annotations a user sets to steer the operator.
export const pauseAnnotation = 'strimzi.io/pause-reconciliation';
export const managedAnnotation = 'strimzi.io/managed';
// On a user's Secret, a new certificate now; on a CA's certificate Secret, a new CA certificate now.
export const forceRenewAnnotation = 'strimzi.io/force-renew';
export const nextNodeIdsAnnotation = 'strimzi.io/next-node-ids';
export const removeNodeIdsAnnotation = 'strimzi.io/remove-node-ids';
export const kraftAnnotation = 'strimzi.io/kraft';
export const nodePoolsAnnotation = 'strimzi.io/node-pools';
// Strimzi's annotation: the user takes the risk of removing brokers without asking Kafka first.
export const skipScaleDownCheckAnnotation = 'strimzi.io/skip-broker-scaledown-check';
// Strimzi's request to restart a pod, or every pod of a KafkaNodePool, once.
export const manualRollingUpdateAnnotation = 'strimzi.io/manual-rolling-update';

// Annotations the operator writes on the objects it makes.
export const caCertGenerationAnnotation = 'strimzi.io/ca-cert-generation';
export const caKeyGenerationAnnotation = 'strimzi.io/ca-key-generation';
export const deleteClaimAnnotation = 'strimzi.io/delete-claim';
export const revisionAnnotation = 'strimzi.io/revision';
export const configurationHashAnnotation = 'strimzi.io/configuration-hash';
// The hash of the broker configuration Kafka takes at runtime, as last written to Kafka for the pod's
// node: a change is written to Kafka, and restarts nothing.
// On a broker pod of a Kafka with spec.kafka.rack.topologyKey: the node label to read (set with the pod),
// and the rack the operator read from the pod's node once it was scheduled (the broker starts on it).
export const rackTopologyKeyAnnotation = 'kafka-actor-operator.io/rack-topology-key';
export const rackAnnotation = 'kafka-actor-operator.io/rack';
export const dynamicConfigurationHashAnnotation = 'kafka-actor-operator.io/dynamic-configuration-hash';
export const serverCertificateHashAnnotation = 'strimzi.io/server-cert-hash';
export const kafkaVersionAnnotation = 'strimzi.io/kafka-version';
export const clusterCaCertGenerationAnnotation = 'strimzi.io/cluster-ca-cert-generation';
export const clusterCaKeyGenerationAnnotation = 'strimzi.io/cluster-ca-key-generation';
export const clientsCaCertGenerationAnnotation = 'strimzi.io/clients-ca-cert-generation';
