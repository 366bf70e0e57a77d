// What the playground prints once everything is Ready: how to reach the cluster, the user's credentials,
// kubectl, the state-chart view and the logs.
import { dirname } from 'node:path';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { kafkaType } from '../../src/api/resources.ts';
import type { Playground } from './playground.ts';

interface ListenerStatus {
  name?: string;
  bootstrapServers?: string;
}

// The example's listeners (examples/playground/kafka.yaml).
const listenerNotes = (cluster: string, user: string): Record<string, string> => ({
  plain: 'no TLS, no authentication (authorization is on: anonymous clients see nothing)',
  tls: `mutual TLS, trusting ca.crt of the Secret ${cluster}-cluster-ca-cert: a KafkaUser with authentication tls`,
  scram: `SCRAM-SHA-512 over plain text: the KafkaUser ${user}`,
});

export async function listenerAddresses(kubeConfig: KubeConfig, namespace: string, cluster: string) {
  const kafka = (await kubeConfig
    .makeApiClient(CustomObjectsApi)
    .getNamespacedCustomObject({ ...kafkaType, namespace, name: cluster })) as {
    status?: { listeners?: ListenerStatus[] };
  };
  return kafka.status?.listeners ?? [];
}

export async function summary(playground: Playground, readySeconds: number): Promise<string> {
  const { namespace, cluster, user, environment } = playground;
  const listeners = await listenerAddresses(playground.kubeConfig, namespace, cluster);
  const kubectl = `kubectl -n ${namespace}`;
  const notes = listenerNotes(cluster, user);
  const brokerLogs = `${playground.podRunner.podsDirectory}/${namespace}/<pod>/logs/kafka.log`;
  return `
All Ready in ${readySeconds} s. The playground runs until Ctrl-C, which stops the operator, the brokers and
the services this run started.

Kafka ${cluster} (namespace ${namespace}); the names resolve on this machine through /etc/hosts:
${listeners.map((l) => `  ${(l.name ?? '').padEnd(6)} ${l.bootstrapServers}   ${notes[l.name ?? ''] ?? ''}`).join('\n')}
User ${user}: username ${user}, password in the Secret ${user} (also sasl.jaas.config):
  ${kubectl} get secret ${user} -o jsonpath='{.data.password}' | base64 -d

kubectl:
  export KUBECONFIG=${environment.kubeconfig} PATH=${dirname(environment.kubectl)}:$PATH
  ${kubectl} get kafka,kafkanodepools,kafkatopics,kafkausers,pods
  ${kubectl} apply -f examples/playground/topic.yaml   # edit and apply again
The resources: examples/playground/*.yaml

Roll the cluster safely (one node at a time, each only when Kafka can lose it, the active controller last):
  ${kubectl} annotate kafkanodepool dual-role strimzi.io/manual-rolling-update=true
  ${kubectl} get kafka ${cluster} -w -o jsonpath='{.status.conditions[0].message}{"\\n"}'
  ${kubectl} get events -w --field-selector involvedObject.kind=Kafka

Broker metrics (Prometheus, the rules of the ConfigMap kafka-metrics), one address per pod, e.g.:
  http://${cluster}-dual-role-0.${cluster}-kafka-brokers.${namespace}.svc:9404/metrics
State-chart view: http://127.0.0.1:${playground.operator.stateChartViewPort}/  (STATE_CHART_VIEW_PORT sets the port)
Operator metrics: http://127.0.0.1:${playground.operator.httpPort}/metrics
Logs:
  operator    ${playground.operator.child.logFile}
  pod runner  ${playground.podRunner.child.logFile}
  brokers     ${brokerLogs}
  services    ${playground.testenvLogs}
`;
}
