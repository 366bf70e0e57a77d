// Real services: kube-apiserver, kube-scheduler and kube-controller-manager (hostpath provisioner);
// the pod runner (tools/pod-runner) in this process, running pods as real processes (sh, python3, and
// Kafka from the test environment's jars) in their own network and mount namespaces. Mount points
// missing on the machine are created there (empty), so the test's volumes go under one directory of its own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiException, CoreV1Api, type V1Container, type V1Pod, type V1Probe } from '@kubernetes/client-node';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { PooledKubeConfig } from '../../src/actors/kubernetes/pooled-kube-config.ts';
import { defaultTaint, parseTaint, runnerSettings } from '../../tools/pod-runner/options.ts';
import { PodRunner } from '../../tools/pod-runner/pod-runner.ts';
import { kubernetesEnvironment, runDirectory as testenvRun } from '../support/environment.ts';
import { waitFor } from '../support/wait.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const { kubeconfig } = kubernetesEnvironment();
execFileSync('bash', [join(repoRoot, 'test/env/build-tools.sh'), 'kafka'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});

const suffix = randomUUID().replaceAll('-', '').slice(0, 6);
const nodeName = `pod-runner-test-${suffix}`;
const namespace = `pod-runner-${suffix}`;
const bridge = `kt${suffix.slice(0, 4)}`;
// Clear of the playground's 10.245/16 (npm start may run beside the tests) and the e2e test's 10.150–199.
const podCidr = `10.${randomInt(200, 240)}.0.0/16`;
const runDirectory = join(testenvRun, `pod-runner-test-${suffix}`);
const kubeConfig = new PooledKubeConfig();
kubeConfig.loadFromFile(kubeconfig);
const core = kubeConfig.makeApiClient(CoreV1Api);
const log = pino(pino.destination({ dest: join(runDirectory, 'runner.log'), mkdir: true, sync: true }));
const runner = new PodRunner({
  kubeConfig,
  nodeName,
  bridge,
  podCidr,
  taints: [parseTaint(defaultTaint)],
  runDirectory,
  kafkaLibraries: runnerSettings([], process.env, repoRoot).kafkaLibraries,
  systemHostsFile: '/etc/hosts',
  log,
  volumeRefreshMs: 500,
});
const toleration = { ...parseTaint(defaultTaint), operator: 'Equal' };

before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await runner.start();
});
after(async () => {
  await runner.stop();
  await core.deleteNamespace({ name: namespace });
  await kubeConfig.closePools();
});

const logOf = (pod: string, container: string) =>
  readFileSync(join(runner.podsDirectory, namespace, pod, 'logs', `${container}.log`), 'utf8');

function readyPod(name: string, timeoutMs = 60_000): Promise<V1Pod> {
  return waitFor(
    `pod ${name} to be Ready`,
    async () => {
      const pod = await core.readNamespacedPod({ name, namespace });
      return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? pod : undefined;
    },
    timeoutMs,
  );
}

function podGone(name: string, timeoutMs = 60_000): Promise<true> {
  return waitFor(
    `pod ${name} to be removed`,
    async () => {
      try {
        await core.readNamespacedPod({ name, namespace });
        return undefined;
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return true;
        throw error;
      }
    },
    timeoutMs,
  );
}

// A port the pod listens on: enough for a TCP readiness probe and for other pods to connect to.
const listen = `python3 -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 8080)); s.listen()
while True: s.accept()[0].close()' &`;

function shellContainer(script: string, extra: Partial<V1Container> = {}): V1Container {
  return {
    name: 'main',
    image: 'busybox',
    command: ['sh', '-c', script],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ],
    readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
    ...extra,
  };
}

// A check run inside the pod every second; one failure counts.
const execProbe = (check: string): V1Probe => ({
  exec: { command: ['sh', '-c', check] },
  periodSeconds: 1,
  failureThreshold: 1,
});

// A one-container pod with a scratch emptyDir at /var/lib/pod-runner-test/scratch that outlives restarts.
function createScratchPod(
  name: string,
  script: string,
  probes: Pick<V1Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'>,
): Promise<V1Pod> {
  return core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name },
      spec: {
        nodeName,
        terminationGracePeriodSeconds: 2,
        containers: [
          shellContainer(script, {
            volumeMounts: [{ name: 'scratch', mountPath: '/var/lib/pod-runner-test/scratch' }],
            ...probes,
          }),
        ],
        volumes: [{ name: 'scratch', emptyDir: {} }],
      },
    },
  });
}

let firstPod: V1Pod;

test('a pod bound to the node runs its command with its ConfigMap volume and downward API environment, and turns Ready with its own address', async () => {
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'settings' }, data: { greeting: 'hello' } },
  });
  const script = `trap 'echo "got SIGTERM"; exit 0' TERM
echo "pod=$POD_NAME ns=$NS ip=$POD_IP host=$HOST_IP node=$NODE"
echo "mode=$(stat -c %a /var/lib/pod-runner-test/config/greeting.txt) hostname=$(hostname)"
${listen}
last=""
while :; do g=$(cat /var/lib/pod-runner-test/config/greeting.txt); [ "$g" = "$last" ] || echo "greeting=$g"; last=$g; sleep 0.2; done`;
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'plain-a', labels: { app: 'plain' } },
      spec: {
        nodeName,
        hostname: 'plain-a',
        subdomain: 'peers',
        terminationGracePeriodSeconds: 10,
        containers: [
          shellContainer(script, {
            volumeMounts: [{ name: 'config', mountPath: '/var/lib/pod-runner-test/config' }],
          }),
        ],
        volumes: [
          {
            name: 'config',
            configMap: { name: 'settings', items: [{ key: 'greeting', path: 'greeting.txt', mode: 0o600 }] },
          },
        ],
      },
    },
  });

  firstPod = await readyPod('plain-a');
  const podIP = firstPod.status?.podIP ?? '';
  assert.equal(firstPod.status?.phase, 'Running');
  assert.equal(firstPod.status?.hostIP, runner.nodeAddress);
  assert.deepEqual(
    firstPod.status?.podIPs?.map((entry) => entry.ip),
    [podIP],
  );
  assert.equal(podIP.split('.').slice(0, 2).join('.'), podCidr.split('.').slice(0, 2).join('.'));
  assert.notEqual(podIP, runner.nodeAddress);
  const [container] = firstPod.status?.containerStatuses ?? [];
  assert.equal(container?.ready, true);
  assert.equal(container?.started, true);
  assert.ok(container?.state?.running, 'the container is running');

  const output = logOf('plain-a', 'main');
  assert.match(
    output,
    new RegExp(`pod=plain-a ns=${namespace} ip=${podIP} host=${runner.nodeAddress} node=${nodeName}`),
  );
  assert.match(output, /mode=600 hostname=plain-a/);
  assert.match(output, /greeting=hello/);
});

test('a changed ConfigMap reaches the mounted file while the pod runs', async () => {
  await core.replaceNamespacedConfigMap({
    name: 'settings',
    namespace,
    body: { metadata: { name: 'settings' }, data: { greeting: 'hola' } },
  });
  await waitFor('the new greeting in the container', async () =>
    logOf('plain-a', 'main').includes('greeting=hola') ? true : undefined,
  );
});

test('a second pod placed by the scheduler (node selector and toleration) gets another address, listens on the same port, and reaches the first by its DNS name', async () => {
  const script = `${listen}
until python3 -c "import socket; socket.create_connection(('plain-a.peers.$NS.svc', 8080), 1)" 2>/dev/null; do sleep 0.3; done
echo "reached plain-a"
wait`;
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'plain-b', labels: { app: 'plain' } },
      spec: {
        nodeSelector: { 'kubernetes.io/hostname': nodeName },
        tolerations: [toleration],
        hostname: 'plain-b',
        subdomain: 'peers',
        containers: [shellContainer(script)],
      },
    },
  });
  const second = await readyPod('plain-b');
  assert.equal(second.spec?.nodeName, nodeName);
  assert.notEqual(second.status?.podIP, firstPod.status?.podIP);
  await waitFor('plain-b to reach plain-a by name', async () =>
    logOf('plain-b', 'main').includes('reached plain-a') ? true : undefined,
  );
  // Clients on this machine resolve the pods' names too (the runner's block in /etc/hosts).
  const resolved = await lookup(`plain-b.peers.${namespace}.svc`, { family: 4 });
  assert.equal(resolved.address, second.status?.podIP);
});

test('deleting a pod sends its process SIGTERM, keeps its output and removes the pod', async () => {
  const pid = Number(firstPod.status?.containerStatuses?.[0]?.containerID?.replace('pod-runner://', ''));
  assert.ok(pid > 0, 'the container id carries the process id');
  await core.deleteNamespacedPod({ name: 'plain-a', namespace });
  await podGone('plain-a');
  assert.match(logOf('plain-a', 'main'), /got SIGTERM/);
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
});

test('a container that exits is restarted, a failing liveness probe restarts it, and exec probes run inside the pod', async () => {
  // Run 1 exits with 3; run 2 makes itself unhealthy and, stopped by SIGTERM, heals on its way out,
  // so no liveness probe can catch run 3 before it starts; run 3, being the third, is ready.
  const script = `n=$(cat /var/lib/pod-runner-test/scratch/runs 2>/dev/null || echo 0); n=$((n + 1)); echo $n > /var/lib/pod-runner-test/scratch/runs; echo "run $n"
[ $n -eq 1 ] && exit 3
[ $n -eq 2 ] && touch /var/lib/pod-runner-test/scratch/sick && trap 'rm -f /var/lib/pod-runner-test/scratch/sick; exit 143' TERM
${listen}
wait`;
  await createScratchPod('restarts', script, {
    readinessProbe: execProbe('test "$(cat /var/lib/pod-runner-test/scratch/runs)" -ge 3'),
    livenessProbe: execProbe('test ! -f /var/lib/pod-runner-test/scratch/sick'),
  });
  const pod = await readyPod('restarts');
  const [container] = pod.status?.containerStatuses ?? [];
  assert.equal(container?.restartCount, 2);
  assert.equal(
    container?.lastState?.terminated?.exitCode,
    143,
    'run 2 ended by SIGTERM from the liveness probe',
  );
  assert.match(logOf('restarts', 'main'), /run 1[\s\S]*run 2[\s\S]*run 3/);
});

test('a startup probe holds liveness and readiness back until it passes, so a slow start is not restarted', async () => {
  // Starting takes 3 seconds; a liveness probe running meanwhile would restart the container at once.
  const script = `sleep 3; touch /var/lib/pod-runner-test/scratch/started; echo started
${listen}
wait`;
  const started = execProbe('test -f /var/lib/pod-runner-test/scratch/started');
  await createScratchPod('slow-start', script, {
    startupProbe: { ...started, failureThreshold: 30 },
    readinessProbe: started,
    livenessProbe: started,
  });
  const pod = await readyPod('slow-start');
  const [container] = pod.status?.containerStatuses ?? [];
  assert.equal(container?.started, true);
  assert.equal(container?.restartCount, 0, 'liveness did not run before the startup probe passed');
  assert.match(logOf('slow-start', 'main'), /^started$/m);
});

const kafkaConfig = (ns: string) => `process.roles=broker,controller
node.id=0
controller.quorum.voters=0@kafka-0.kafka-brokers.${ns}.svc:9090
listeners=CONTROLPLANE-9090://0.0.0.0:9090,PLAIN-9092://0.0.0.0:9092
advertised.listeners=PLAIN-9092://kafka-0.kafka-brokers.${ns}.svc:9092
controller.listener.names=CONTROLPLANE-9090
inter.broker.listener.name=PLAIN-9092
listener.security.protocol.map=CONTROLPLANE-9090:PLAINTEXT,PLAIN-9092:PLAINTEXT
log.dirs=/var/lib/kafka/data/kafka-log0
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
`;

// As the operator's start-up script: format the storage unless formatted, then run the server.
const kafkaStart = `set -eu
/opt/kafka/bin/kafka-storage.sh format --cluster-id=BniwNfSpTqWdcZly0ta2nA --config=/opt/kafka/custom-config/server.config --ignore-formatted
exec /opt/kafka/bin/kafka-server-start.sh /opt/kafka/custom-config/server.config
`;

const kafkaPod: V1Pod = {
  metadata: { name: 'kafka-0', labels: { app: 'kafka' } },
  spec: {
    nodeName,
    hostname: 'kafka-0',
    subdomain: 'kafka-brokers',
    containers: [
      {
        name: 'kafka',
        image: 'apache/kafka:4.2.1',
        command: ['/bin/sh', '/opt/kafka/custom-config/kafka-start.sh'],
        env: [{ name: 'KAFKA_HEAP_OPTS', value: '-Xms128m -Xmx512m' }],
        volumeMounts: [
          { name: 'config', mountPath: '/opt/kafka/custom-config' },
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'data', mountPath: '/var/lib/kafka/data' },
        ],
        readinessProbe: { tcpSocket: { port: 9092 }, periodSeconds: 1 },
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: 'kafka-0' } },
      { name: 'tmp', emptyDir: { medium: 'Memory' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-kafka-0' } },
    ],
  },
};

async function kafkaTopics(): Promise<string[]> {
  const kafka = new Kafka({
    clientId: 'pod-runner-test',
    brokers: [`kafka-bootstrap.${namespace}.svc:9092`],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'kept', numPartitions: 1 }], waitForLeaders: true });
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

test('a single-node Kafka from a ConfigMap turns Ready, serves clients by its service name, and keeps its data on its claim when its pod is replaced', async () => {
  await core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: { name: 'kafka-0' },
      data: { 'server.config': kafkaConfig(namespace), 'kafka-start.sh': kafkaStart },
    },
  });
  await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: {
      metadata: { name: 'data-kafka-0' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
  });
  const selector = { app: 'kafka' };
  await core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: 'kafka-brokers' },
      spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector, ports: [{ port: 9092 }] },
    },
  });
  await core.createNamespacedService({
    namespace,
    body: { metadata: { name: 'kafka-bootstrap' }, spec: { selector, ports: [{ port: 9092 }] } },
  });
  await core.createNamespacedPod({ namespace, body: kafkaPod });
  await readyPod('kafka-0', 120_000);
  assert.match(logOf('kafka-0', 'kafka'), /Kafka Server started/);
  const created = await waitFor('the topic to be created', kafkaTopics);
  assert.ok(created.includes('kept'));

  await core.deleteNamespacedPod({ name: 'kafka-0', namespace });
  await podGone('kafka-0');
  await core.createNamespacedPod({ namespace, body: kafkaPod });
  await readyPod('kafka-0', 120_000);
  const afterRestart = await waitFor('the restarted broker to list topics', kafkaTopics);
  assert.ok(afterRestart.includes('kept'), `topics after the restart: ${afterRestart.join(', ')}`);
  assert.match(
    logOf('kafka-0', 'kafka'),
    /already formatted|Kafka Server started[\s\S]*Kafka Server started/,
  );
});

test('stopping the runner stops its pods, deletes its node and withdraws its host names', async () => {
  const pod = await core.readNamespacedPod({ name: 'plain-b', namespace });
  const pid = Number(pod.status?.containerStatuses?.[0]?.containerID?.replace('pod-runner://', ''));
  await runner.stop();
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  await assert.rejects(
    core.readNode({ name: nodeName }),
    (error: unknown) => error instanceof ApiException && error.code === 404,
  );
  assert.ok(!readFileSync('/etc/hosts', 'utf8').includes(nodeName), '/etc/hosts has no block of the runner');
  assert.ok(!execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(`${bridge}-`));
});
