// spec.kafka.template and a pool's spec.template in the desired objects: the pod's scheduling, priority,
// security, DNS and /tmp fields, the kafka container's variables and security context, the services'
// labels, annotations and IP families, the disruption budget and the ServiceAccount.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDesiredObjects } from '../../../src/actors/cluster/desired-objects/desired-objects.ts';
import {
  clustersDirectory,
  fixtureInputs,
  fixtureModel,
  readClusterFixture,
} from '../../support/cluster-fixtures.ts';

const spread = [
  { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' },
];

function templatedCluster(kafkaTemplate: unknown, poolTemplate?: unknown) {
  const fixture = readClusterFixture(`${clustersDirectory}/separate-roles-persistent.yaml`);
  fixture.kafka.spec.kafka.template = kafkaTemplate as Record<string, unknown>;
  fixture.kafka.spec.kafka.listeners.push({ name: 'external', port: 9094, type: 'nodeport', tls: false });
  if (poolTemplate) {
    for (const pool of fixture.pools) pool.spec.template = poolTemplate as Record<string, unknown>;
  }
  const model = fixtureModel(fixture);
  return buildDesiredObjects(model, fixtureInputs(model));
}

test("a node's pod gets the template's spread, priority, security context, pull secrets, grace period, host aliases, service links, scheduler, DNS and /tmp size", () => {
  const desired = templatedCluster({
    pod: {
      topologySpreadConstraints: spread,
      priorityClassName: 'kafka-critical',
      securityContext: { runAsNonRoot: true, fsGroup: 2000 },
      imagePullSecrets: [{ name: 'registry' }],
      terminationGracePeriodSeconds: 90,
      hostAliases: [{ ip: '192.0.2.1', hostnames: ['ldap.example.com'] }],
      enableServiceLinks: false,
      schedulerName: 'zone-aware',
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['192.0.2.53'] },
      tmpDirSizeLimit: '10Mi',
    },
  });
  for (const { pod } of desired.nodes) {
    assert.deepEqual(pod.spec?.hostAliases, [{ ip: '192.0.2.1', hostnames: ['ldap.example.com'] }]);
    assert.equal(pod.spec?.enableServiceLinks, false);
    assert.equal(pod.spec?.schedulerName, 'zone-aware');
    assert.equal(pod.spec?.dnsPolicy, 'None');
    assert.deepEqual(pod.spec?.dnsConfig, { nameservers: ['192.0.2.53'] });
    assert.deepEqual(pod.spec?.volumes?.find((volume) => volume.name === 'strimzi-tmp')?.emptyDir, {
      medium: 'Memory',
      sizeLimit: '10Mi',
    });
    assert.deepEqual(pod.spec?.topologySpreadConstraints, spread);
    assert.equal(pod.spec?.priorityClassName, 'kafka-critical');
    assert.deepEqual(pod.spec?.securityContext, { runAsNonRoot: true, fsGroup: 2000 });
    assert.deepEqual(pod.spec?.imagePullSecrets, [{ name: 'registry' }]);
    assert.equal(pod.spec?.terminationGracePeriodSeconds, 90);
  }
});

test("without a template a pod keeps the operator's defaults and sets nothing more", () => {
  const desired = templatedCluster(undefined);
  for (const { pod } of desired.nodes) {
    assert.deepEqual(pod.spec?.securityContext, { fsGroup: 1000 });
    assert.equal(pod.spec?.terminationGracePeriodSeconds, 30);
    assert.equal(
      pod.spec?.volumes?.find((volume) => volume.name === 'strimzi-tmp')?.emptyDir?.sizeLimit,
      '5Mi',
    );
    const unset = [
      'topologySpreadConstraints',
      'priorityClassName',
      'imagePullSecrets',
      'hostAliases',
      'enableServiceLinks',
      'schedulerName',
      'dnsPolicy',
      'dnsConfig',
    ] as const;
    for (const field of unset) {
      assert.equal(pod.spec?.[field], undefined, field);
    }
    assert.deepEqual(pod.spec?.containers[0]?.securityContext, {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  }
});

test("the kafka container gets the template's variables, the operator's own keeping their values, and its security context", () => {
  const desired = templatedCluster(
    { kafkaContainer: { env: [{ name: 'FROM_KAFKA', value: 'k' }] } },
    {
      kafkaContainer: {
        env: [
          { name: 'RACK_FROM_ENV', value: 'zone-b' },
          { name: 'KAFKA_HEAP_OPTS', value: '-Xmx1m' },
        ],
        securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true },
      },
    },
  );
  for (const { pod } of desired.nodes) {
    const container = pod.spec?.containers[0];
    const env = container?.env ?? [];
    // The pool's kafkaContainer replaces the Kafka's.
    assert.equal(
      env.find((variable) => variable.name === 'FROM_KAFKA'),
      undefined,
    );
    assert.deepEqual(
      env.find((variable) => variable.name === 'RACK_FROM_ENV'),
      { name: 'RACK_FROM_ENV', value: 'zone-b' },
    );
    const heap = env.filter((variable) => variable.name === 'KAFKA_HEAP_OPTS');
    assert.equal(heap.length, 1);
    assert.notEqual(heap[0]?.value, '-Xmx1m');
    assert.deepEqual(container?.securityContext, { readOnlyRootFilesystem: true, runAsNonRoot: true });
  }
});

test("the cluster's services get their templates' labels, annotations and IP families, the per-broker services their labels and annotations, under the operator's own", () => {
  const desired = templatedCluster({
    bootstrapService: {
      metadata: { labels: { 'strimzi.io/cluster': 'not-this', team: 'a' }, annotations: { lb: 'internal' } },
      ipFamilyPolicy: 'PreferDualStack',
      ipFamilies: ['IPv4', 'IPv6'],
    },
    brokersService: { metadata: { labels: { headless: 'yes' } } },
    externalBootstrapService: { metadata: { annotations: { dns: 'bootstrap.example.com' } } },
    perPodService: { metadata: { labels: { broker: 'exposed' } } },
  });
  const byName = new Map(desired.services.map((service) => [service.metadata?.name, service]));
  const bootstrap = byName.get('my-cluster-kafka-bootstrap');
  assert.equal(bootstrap?.metadata?.labels?.team, 'a');
  assert.equal(bootstrap?.metadata?.labels?.['strimzi.io/cluster'], 'my-cluster');
  assert.equal(bootstrap?.metadata?.annotations?.lb, 'internal');
  assert.ok(bootstrap?.metadata?.annotations?.['strimzi.io/discovery']);
  assert.equal(bootstrap?.spec?.ipFamilyPolicy, 'PreferDualStack');
  assert.deepEqual(bootstrap?.spec?.ipFamilies, ['IPv4', 'IPv6']);
  const brokers = byName.get('my-cluster-kafka-brokers');
  assert.equal(brokers?.metadata?.labels?.headless, 'yes');
  assert.equal(brokers?.metadata?.annotations, undefined);
  assert.equal(brokers?.spec?.ipFamilyPolicy, undefined);
  const external = byName.get('my-cluster-kafka-external-bootstrap');
  assert.equal(external?.metadata?.annotations?.dns, 'bootstrap.example.com');
  const perBroker = desired.nodes.flatMap((node) => node.services);
  assert.ok(perBroker.length > 0);
  for (const service of perBroker) {
    assert.equal(service.metadata?.labels?.broker, 'exposed');
  }
});

test("the disruption budget takes the template's labels, annotations and maxUnavailable", () => {
  const nodes = templatedCluster(undefined).nodes.length;
  assert.equal(templatedCluster(undefined).podDisruptionBudget.spec?.minAvailable, nodes - 1);
  const budget = templatedCluster({
    podDisruptionBudget: {
      metadata: { labels: { budget: 'kafka' }, annotations: { owner: 'platform' } },
      maxUnavailable: 0,
    },
  }).podDisruptionBudget;
  assert.equal(budget.spec?.minAvailable, nodes);
  assert.equal(budget.metadata?.labels?.budget, 'kafka');
  assert.equal(budget.metadata?.labels?.['strimzi.io/cluster'], 'my-cluster');
  assert.deepEqual(budget.metadata?.annotations, { owner: 'platform' });
});

test("the ServiceAccount takes the template's labels and annotations under the operator's labels", () => {
  const account = templatedCluster({
    serviceAccount: {
      metadata: {
        labels: { 'strimzi.io/cluster': 'not-this', workload: 'kafka' },
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/kafka' },
      },
    },
  }).serviceAccount;
  assert.equal(account.metadata?.labels?.workload, 'kafka');
  assert.equal(account.metadata?.labels?.['strimzi.io/cluster'], 'my-cluster');
  assert.deepEqual(account.metadata?.annotations, {
    'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/kafka',
  });
  assert.equal(templatedCluster(undefined).serviceAccount.metadata?.annotations, undefined);
});

test("the template's volumes join the pod's and its mounts the kafka container's, below /mnt", () => {
  const volumes = [
    { name: 'trust', secret: { secretName: 'ldap-trust' } },
    { name: 'scratch', emptyDir: {} },
  ];
  const mounts = [{ name: 'trust', mountPath: '/mnt/trust', readOnly: true }];
  const desired = templatedCluster({ pod: { volumes }, kafkaContainer: { volumeMounts: mounts } });
  for (const { pod } of desired.nodes) {
    assert.deepEqual(pod.spec?.volumes?.slice(-2), volumes);
    assert.deepEqual(pod.spec?.containers[0]?.volumeMounts?.slice(-1), mounts);
    // The operator's own volumes stay.
    assert.ok(pod.spec?.volumes?.some((volume) => volume.name === 'kafka-config'));
  }
});

test('additional volumes are refused, every problem at once, unless they follow Strimzi’s rules', () => {
  assert.throws(
    () =>
      templatedCluster({
        pod: {
          volumes: [
            { name: 'host', hostPath: { path: '/etc' } },
            { name: 'kafka-config', configMap: { name: 'mine' } },
            { name: 'twice', emptyDir: {} },
            { name: 'twice', emptyDir: {} },
          ],
        },
        kafkaContainer: {
          volumeMounts: [
            { name: 'twice', mountPath: '/opt/kafka/config' },
            { name: 'twice', mountPath: '/mnt/../etc' },
            { name: 'absent', mountPath: '/mnt/absent' },
          ],
        },
      }),
    (error: Error & { reason?: string }) => {
      assert.equal(error.reason, 'InvalidResource');
      for (const problem of [
        /volume "host" needs exactly one source, of secret, configMap, emptyDir, persistentVolumeClaim, csi, image/,
        /volume name "kafka-config" is one the operator uses/,
        /volume name "twice" appears more than once/,
        /volume mount "twice" at \/opt\/kafka\/config must be below \/mnt\//,
        /volume mount "twice" at \/mnt\/\.\.\/etc must be below \/mnt\//,
        /volume mount "absent" names no volume of template\.pod\.volumes/,
      ]) {
        assert.match(error.message, problem);
      }
      return true;
    },
  );
});

test("the nodes' claims take the pool's claim template over the Kafka's, under the operator's labels and annotations", () => {
  const claims = templatedCluster(
    { persistentVolumeClaim: { metadata: { labels: { from: 'kafka' } } } },
    {
      persistentVolumeClaim: {
        metadata: {
          labels: { backup: 'daily', 'strimzi.io/cluster': 'not-this' },
          annotations: { 'strimzi.io/delete-claim': 'not-this', snapshot: 'hourly' },
        },
      },
    },
  ).nodes.flatMap((node) => node.persistentVolumeClaims);
  assert.ok(claims.length > 0);
  for (const claim of claims) {
    assert.equal(claim.metadata?.labels?.backup, 'daily');
    assert.equal(claim.metadata?.labels?.from, undefined);
    assert.equal(claim.metadata?.labels?.['strimzi.io/cluster'], 'my-cluster');
    assert.equal(claim.metadata?.annotations?.snapshot, 'hourly');
    assert.match(claim.metadata?.annotations?.['strimzi.io/delete-claim'] ?? '', /^(true|false)$/);
  }
});
