// A node's pod: its revision says exactly whether the running pod must be replaced; template, resources
// and jvmOptions of the pool reach the pod.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { buildDesiredObjects } from '../../../src/actors/cluster/desired-objects/desired-objects.ts';
import { jvmEnvironment } from '../../../src/actors/cluster/desired-objects/jvm-environment.ts';
import {
  clustersDirectory,
  fixtureInputs,
  fixtureModel,
  readClusterFixture,
} from '../../support/cluster-fixtures.ts';

const dualRole = () => readClusterFixture(`${clustersDirectory}/dual-role.yaml`);

function firstPod(fixture = dualRole(), inputs = {}): V1Pod {
  const model = fixtureModel(fixture);
  const pod = buildDesiredObjects(model, fixtureInputs(model, inputs)).nodes[0]?.pod;
  assert.ok(pod);
  return pod;
}

const revision = (pod: V1Pod) => pod.metadata?.annotations?.['strimzi.io/revision'];

test('the revision is the same on every build of the same cluster', () => {
  assert.equal(revision(firstPod()), revision(firstPod()));
});

test('a configuration change changes the configuration hash and the revision', () => {
  const changed = dualRole();
  changed.kafka.spec.kafka.config = { ...changed.kafka.spec.kafka.config, 'log.retention.hours': 1 };
  const [before, after] = [firstPod(), firstPod(changed)];
  assert.notEqual(
    after.metadata?.annotations?.['strimzi.io/configuration-hash'],
    before.metadata?.annotations?.['strimzi.io/configuration-hash'],
  );
  assert.notEqual(revision(after), revision(before));
});

test('a new certificate or a new CA generation changes the revision', () => {
  const before = firstPod();
  const model = fixtureModel(dualRole());
  const renewed = new Map(fixtureInputs(model).nodeCertificates);
  renewed.set(0, { certificatePem: 'renewed certificate', privateKeyPem: 'key' });
  const newCertificate = firstPod(dualRole(), { nodeCertificates: renewed });
  assert.notEqual(
    newCertificate.metadata?.annotations?.['strimzi.io/server-cert-hash'],
    before.metadata?.annotations?.['strimzi.io/server-cert-hash'],
  );
  assert.notEqual(revision(newCertificate), revision(before));
  const newCa = firstPod(dualRole(), {
    caGenerations: { clusterCaCert: 1, clusterCaKey: 1, clientsCaCert: 0 },
  });
  assert.equal(newCa.metadata?.annotations?.['strimzi.io/cluster-ca-key-generation'], '1');
  assert.notEqual(revision(newCa), revision(before));
});

test('a version change changes the image, the kafka-version annotation and the revision', () => {
  const older = dualRole();
  older.kafka.spec.kafka.version = '4.2.1';
  delete older.kafka.spec.kafka.metadataVersion;
  const pod = firstPod(older);
  assert.equal(pod.spec?.containers[0]?.image, 'apache/kafka:4.2.1');
  assert.equal(pod.metadata?.annotations?.['strimzi.io/kafka-version'], '4.2.1');
  assert.notEqual(revision(pod), revision(firstPod()));
});

test("the pool's template labels, annotations (but a manual rolling update request), affinity and tolerations reach the pod, Strimzi's labels win", () => {
  const fixture = dualRole();
  const affinity = {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
  };
  const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'kafka', effect: 'NoSchedule' }];
  (fixture.pools[0] as { spec: { template?: unknown } }).spec.template = {
    pod: {
      metadata: {
        labels: { team: 'streaming', 'strimzi.io/cluster': 'other' },
        annotations: { owner: 'ops', 'strimzi.io/manual-rolling-update': 'true' },
      },
      affinity,
      tolerations,
    },
  };
  const pod = firstPod(fixture);
  assert.equal(pod.metadata?.labels?.team, 'streaming');
  assert.equal(pod.metadata?.labels?.['strimzi.io/cluster'], 'my-cluster');
  assert.equal(pod.metadata?.annotations?.owner, 'ops');
  // A pod born with the request would be restarted again after every restart.
  assert.equal(pod.metadata?.annotations?.['strimzi.io/manual-rolling-update'], undefined);
  assert.deepEqual(pod.spec?.affinity, affinity);
  assert.deepEqual(pod.spec?.tolerations, tolerations);
});

test("the pool's resources and JVM options reach the kafka container", () => {
  const fixture = dualRole();
  const spec = fixture.pools[0]?.spec;
  assert.ok(spec);
  spec.resources = { requests: { memory: '2Gi', cpu: '500m' }, limits: { memory: '2Gi' } };
  spec.jvmOptions = { '-XX': { UseG1GC: 'true' }, javaSystemProperties: [{ name: 'a.b', value: 'c' }] };
  const container = firstPod(fixture).spec?.containers[0];
  assert.deepEqual(container?.resources, spec.resources);
  const env = Object.fromEntries((container?.env ?? []).map((variable) => [variable.name, variable.value]));
  assert.equal(env.KAFKA_HEAP_OPTS, '-Xmx1024m');
  assert.equal(env.KAFKA_JVM_PERFORMANCE_OPTS, '-XX:+UseG1GC');
  assert.equal(env.KAFKA_OPTS, '-javaagent:/opt/kafka-agent/broker-state-agent.jar=8082 -Da.b=c');
});

test('heap options follow Strimzi: explicit sizes, else half the memory up to 5 GiB, else -Xms128M', () => {
  const heap = (...args: Parameters<typeof jvmEnvironment>) =>
    jvmEnvironment(...args).find((variable) => variable.name === 'KAFKA_HEAP_OPTS')?.value;
  assert.equal(heap({ '-Xms': '1g', '-Xmx': '2g' }), '-Xms1g -Xmx2g');
  assert.equal(heap({ '-XX': { MaxRAMPercentage: '70' } }), '-XX:MaxRAMPercentage=70');
  assert.equal(heap(undefined, { limits: { memory: '64Gi' } }), '-Xmx5120m');
  assert.equal(heap(undefined, { requests: { memory: '1000M' } }), '-Xmx476m');
  assert.equal(heap(undefined), '-Xms128M');
  assert.equal(heap({ '-Xms': '256m' }), '-Xms256m');
});

test('performance options put unlock flags first and turn true/false into +/-', () => {
  const env = jvmEnvironment({
    '-XX': { G1HeapRegionSize: '16M', UseZGC: 'false', UnlockExperimentalVMOptions: 'true' },
  });
  assert.equal(
    env.find((variable) => variable.name === 'KAFKA_JVM_PERFORMANCE_OPTS')?.value,
    '-XX:+UnlockExperimentalVMOptions -XX:G1HeapRegionSize=16M -XX:-UseZGC',
  );
  assert.equal(env.find((variable) => variable.name === 'EXTRA_ARGS')?.value, '-name kafkaServer');
  assert.equal(
    jvmEnvironment({ gcLoggingEnabled: true }).find((variable) => variable.name === 'EXTRA_ARGS')?.value,
    '-name kafkaServer -loggc',
  );
});

test('a controller-only node exposes and is probed on the controller port only', () => {
  const fixture = readClusterFixture(`${clustersDirectory}/separate-roles-persistent.yaml`);
  const model = fixtureModel(fixture);
  const desired = buildDesiredObjects(model, fixtureInputs(model));
  const controller = desired.nodes.find(({ node }) => !node.roles.includes('broker'));
  assert.ok(controller);
  const container = controller.pod.spec?.containers[0];
  assert.deepEqual(
    container?.ports?.map((port) => [port.name, port.containerPort]),
    [['tcp-ctrlplane', 9090]],
  );
  assert.equal(container?.readinessProbe?.tcpSocket?.port, 9090);
  assert.deepEqual(controller.services, []);
});

test("a TLS listener's own certificate Secret is mounted on brokers where the configuration reads it", () => {
  const fixture = readClusterFixture(`${clustersDirectory}/separate-roles-persistent.yaml`);
  fixture.kafka.spec.kafka.listeners?.push({
    name: 'external',
    port: 9094,
    type: 'cluster-ip',
    tls: true,
    configuration: {
      brokerCertChainAndKey: { secretName: 'my-listener-cert', certificate: 'tls.crt', key: 'tls.key' },
    },
  });
  const model = fixtureModel(fixture);
  const desired = buildDesiredObjects(model, fixtureInputs(model));
  const mountsOf = (pod: V1Pod) =>
    (pod.spec?.volumes ?? [])
      .filter((volume) => volume.secret?.secretName === 'my-listener-cert')
      .map(
        (volume) =>
          pod.spec?.containers[0]?.volumeMounts?.find((mount) => mount.name === volume.name)?.mountPath,
      );
  for (const { node, pod, configMap } of desired.nodes) {
    if (node.roles.includes('broker')) {
      assert.deepEqual(mountsOf(pod), ['/opt/kafka/certificates/external-9094-certs']);
      assert.ok(configMap.data?.['server.config']?.includes('/opt/kafka/certificates/external-9094-certs'));
    } else {
      assert.deepEqual(mountsOf(pod), []);
    }
  }
});

test('metricsConfig of type jmxPrometheusExporter: the rules mounted from their ConfigMap, the exporter started with the server on tcp-prometheus, the port open to all', () => {
  const fixture = dualRole();
  fixture.kafka.spec.kafka.metricsConfig = {
    type: 'jmxPrometheusExporter',
    valueFrom: { configMapKeyRef: { name: 'kafka-metrics', key: 'rules.yml' } },
  };
  const model = fixtureModel(fixture);
  const desired = buildDesiredObjects(model, fixtureInputs(model));
  const node = desired.nodes[0];
  const container = node?.pod.spec?.containers[0];
  assert.deepEqual(
    container?.ports?.find((port) => port.name === 'tcp-prometheus'),
    { name: 'tcp-prometheus', containerPort: 9404, protocol: 'TCP' },
  );
  const volume = node?.pod.spec?.volumes?.find((candidate) => candidate.name === 'metrics-config');
  assert.deepEqual(volume?.configMap, {
    name: 'kafka-metrics',
    items: [{ key: 'rules.yml', path: 'metrics-config.yml' }],
  });
  assert.deepEqual(
    container?.volumeMounts?.find((mount) => mount.name === 'metrics-config'),
    { name: 'metrics-config', mountPath: '/opt/kafka/metrics-config', readOnly: true },
  );
  const script = node?.configMap.data?.['kafka-start.sh'] ?? '';
  const at = (part: string) => script.indexOf(part);
  const agent = at('-javaagent:$metrics_agent=9404:/opt/kafka/metrics-config/metrics-config.yml');
  assert.ok(
    at('kafka-storage.sh format') >= 0 &&
      at('kafka-storage.sh format') < agent &&
      agent < at('kafka-server-start.sh'),
    'the exporter joins the server, after formatting',
  );
  const metricsRule = desired.networkPolicy.spec?.ingress?.find((rule) => rule.ports?.[0]?.port === 9404);
  assert.deepEqual(metricsRule, { ports: [{ port: 9404, protocol: 'TCP' }] });

  const without = buildDesiredObjects(fixtureModel(dualRole()), fixtureInputs(fixtureModel(dualRole())));
  assert.equal(
    without.nodes[0]?.pod.spec?.containers[0]?.ports?.some((port) => port.name === 'tcp-prometheus'),
    false,
  );
});
