// Boots a cluster model as real Kafka processes with what the operator generates for each node: its
// server configuration and start-up script (the per-node ConfigMap), its certificate from the cluster CA (the
// per-node Secret), the CA certificates, and the container environment of the pod builder; all mounted where
// the pod mounts them, mapped to this machine by LocalKafkaNodes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import {
  generateCertificateAuthority,
  issueCertificate,
  type KeyAndCertificate,
} from '../../src/actors/certificates/certificates.ts';
import type { AssignedAddresses } from '../../src/actors/cluster/broker-config/advertised-addresses.ts';
import {
  clientsCaCertsDir,
  clusterCaCertsDir,
  configDir,
  kafkaHome,
  nodeCertsDir,
  serverConfigKey,
  startupScriptKey,
} from '../../src/actors/cluster/broker-config/broker-paths.ts';
import { buildNodeConfiguration } from '../../src/actors/cluster/broker-config/node-configuration.ts';
import { buildStartupScript } from '../../src/actors/cluster/broker-config/startup-script.ts';
import { nodeHostName } from '../../src/actors/cluster/cluster-names.ts';
import { jvmEnvironment } from '../../src/actors/cluster/desired-objects/jvm-environment.ts';
import type { ClusterModel, NodeModel } from '../../src/machines/cluster-model.ts';
import { kafkaLibrary, LocalKafkaNodes } from './local-kafka-nodes.ts';

export interface GeneratedKafkaCluster {
  nodes: LocalKafkaNodes;
  clusterCa: KeyAndCertificate;
  clientsCa: KeyAndCertificate;
  /** The directory of the nodes' logs (kept when a test fails). */
  logDirectory: string;
  /**
   * How the operator reaches the cluster, as Strimzi's cluster operator does: on the replication listener,
   * with a certificate from the cluster CA whose subject (CN=cluster-operator,O=io.strimzi) is a super user.
   */
  operatorTls: TlsOptions;
  /** The DNS name of a node, as advertised (resolvable with `operatorTls.lookup` / `nodes.lookup`). */
  hostOf(node: NodeModel): string;
}

const validityDays = 2;

// The path of a mounted file below /opt/kafka, as LocalKafkaNodes takes them.
function mounted(directory: string, file: string): string {
  return `${directory.slice(kafkaHome.length + 1)}/${file}`;
}

/** `assigned`: the node ports and load balancer hosts Kubernetes would have given the per-broker Services. */
export async function bootGeneratedCluster(
  model: ClusterModel,
  root: string,
  assigned: AssignedAddresses = {},
): Promise<GeneratedKafkaCluster> {
  const logDirectory = join(root, 'logs');
  mkdirSync(logDirectory, { recursive: true });
  const library = kafkaLibrary();
  const ca = (commonName: string) =>
    generateCertificateAuthority({ commonName, organization: 'io.strimzi', validityDays });
  const clusterCa = await ca('cluster-ca v0');
  const clientsCa = await ca('clients-ca v0');
  const operatorCertificate = await issueCertificate(clusterCa, {
    commonName: 'cluster-operator',
    organization: 'io.strimzi',
    validityDays,
  });
  const nodes = new LocalKafkaNodes(model, root);
  const hostOf = (node: NodeModel) => nodeHostName(model.name, model.namespace, node.podName);
  for (const node of model.nodes) {
    const pool = model.pools.find((candidate) => candidate.name === node.pool);
    const certificate = await issueCertificate(clusterCa, {
      commonName: `${model.name}-kafka`,
      organization: 'io.strimzi',
      dnsNames: [hostOf(node)],
      validityDays,
    });
    const startupScript = buildStartupScript(model, node);
    nodes.start(
      node,
      {
        [mounted(configDir, serverConfigKey)]: buildNodeConfiguration(model, node, assigned),
        [mounted(configDir, startupScriptKey)]: startupScript,
        [mounted(nodeCertsDir, `${node.podName}.crt`)]: certificate.certificatePem,
        [mounted(nodeCertsDir, `${node.podName}.key`)]: certificate.privateKeyPem,
        [mounted(clusterCaCertsDir, 'ca.crt')]: clusterCa.certificatePem,
        [mounted(clientsCaCertsDir, 'ca.crt')]: clientsCa.certificatePem,
      },
      startupScript,
      Object.fromEntries(
        jvmEnvironment(pool?.jvmOptions, pool?.resources).map((env) => [env.name, env.value ?? '']),
      ),
      { library, logDirectory },
    );
  }
  return {
    nodes,
    clusterCa,
    clientsCa,
    logDirectory,
    operatorTls: {
      ca: clusterCa.certificatePem,
      cert: operatorCertificate.certificatePem,
      key: operatorCertificate.privateKeyPem,
      lookup: nodes.lookup,
    },
    hostOf,
  };
}
