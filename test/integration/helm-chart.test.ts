// Real services: kube-apiserver (CRDs installed, RBAC and Pod Security admission on), Kafka (SASL/SCRAM
// listener) and Redis; the helm and kubectl binaries the test environment built. The operator runs as a
// process under the chart's ServiceAccount token, not as admin.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  NetworkingV1Api,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  type V1Pod,
} from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { controlPlaneListener, replicationListener } from '../../src/actors/cluster/cluster-names.ts';
import { clusterProgressReasons } from '../../src/actors/cluster/cluster-waits.ts';
import { buildDesiredObjects } from '../../src/actors/cluster/desired-objects/desired-objects.ts';
import type { Kafka } from '../../src/api/kafka.ts';
import { kafkaType } from '../../src/api/resources.ts';
import { writeCustomResourceDefinitions } from '../../src/api/write-crds.ts';
import {
  clustersDirectory,
  fixtureInputs,
  fixtureModel,
  readClusterFixture,
} from '../support/cluster-fixtures.ts';
import { freePort } from '../support/free-port.ts';
import { chart, chartTools, type Manifest, run } from '../support/helm-chart.ts';
import { kafkaTopicApi, kafkaTopicClient } from '../support/kafka-topics.ts';
import { isReady, kafkaUserClient } from '../support/kafka-users.ts';
import { kafkaClusterClient, readManifests } from '../support/manifests.ts';
import { markdownTable } from '../support/markdown-table.ts';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';
import { waitFor } from '../support/wait.ts';

const workDirectory = mkdtempSync(join(tmpdir(), 'helm-chart-test-'));
const suffix = randomUUID().slice(0, 8);
const releaseName = 'kao';
const { helm, kubernetes, valuesFile, helmTemplate, renderChart, kubectlCreate, installRbac } = chartTools(
  workDirectory,
  releaseName,
);

const kc = new KubeConfig();
kc.loadFromFile(kubernetes.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const createdNamespaces: string[] = [];

async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await core.createNamespace({ body: { metadata: { name, labels } } });
  createdNamespaces.push(name);
}

after(async () => {
  await Promise.all(createdNamespaces.map((name) => core.deleteNamespace({ name })));
  rmSync(workDirectory, { recursive: true, force: true });
});

// A Pod made from a workload's template, so Pod Security admission judges what the workload would run.
function podOf(workload: Manifest): Manifest {
  const spec = structuredClone(workload.spec.template.spec);
  for (const claim of workload.spec.volumeClaimTemplates ?? []) {
    const claimName = `${claim.metadata.name}-${workload.metadata.name}-0`;
    spec.volumes = [
      ...(spec.volumes ?? []),
      { name: claim.metadata.name, persistentVolumeClaim: { claimName } },
    ];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${workload.metadata.name}-0`, namespace: workload.metadata.namespace },
    spec,
  };
}

// The ci/ values name namespaces; each run gets its own, so runs never meet in the shared apiserver.
function ownNamespaces(values: Record<string, unknown>): Record<string, unknown> {
  const override: Record<string, unknown> = {};
  if (Array.isArray(values.watchNamespaces)) {
    override.watchNamespaces = values.watchNamespaces.map((name) => `${name}-${suffix}`);
  }
  const clusters = values.kafkaClusters as Record<string, { credentialsSecret?: string }> | undefined;
  if (clusters !== undefined) {
    override.kafkaClusters = Object.fromEntries(
      Object.entries(clusters).map(([name, cluster]) => {
        if (cluster.credentialsSecret === undefined) return [name, cluster];
        const [namespace, secret] = cluster.credentialsSecret.split('/');
        return [name, { ...cluster, credentialsSecret: `${namespace}-${suffix}/${secret}` }];
      }),
    );
  }
  return override;
}

function namespacesNamedIn(override: Record<string, unknown>): string[] {
  const watched = (override.watchNamespaces as string[] | undefined) ?? [];
  const clusters = Object.values(
    (override.kafkaClusters ?? {}) as Record<string, { credentialsSecret?: string }>,
  );
  const secretNamespaces = clusters.flatMap((cluster) => cluster.credentialsSecret?.split('/')[0] ?? []);
  return [...new Set([...watched, ...secretNamespaces])];
}

// A node's pod as the operator makes it for a Kafka whose metricsConfig runs the JMX exporter.
function fixtureNodePodWithMetrics(): V1Pod {
  const fixture = readClusterFixture(join(clustersDirectory, 'dual-role.yaml'));
  fixture.kafka.spec.kafka.metricsConfig = {
    type: 'jmxPrometheusExporter',
    valueFrom: { configMapKeyRef: { name: 'kafka-metrics', key: 'rules.yml' } },
  };
  const model = fixtureModel(fixture);
  const pod = buildDesiredObjects(model, fixtureInputs(model)).nodes[0]?.pod;
  assert.ok(pod);
  return pod;
}

describe('the chart renders valid manifests for every values file in ci/', () => {
  const valuesFiles = readdirSync(join(chart, 'ci')).filter((name) => name.endsWith('.yaml'));

  test('there is a values file for the default, all namespaces, external Redis and high availability', () => {
    assert.deepEqual(valuesFiles.sort(), [
      'all-namespaces-values.yaml',
      'default-values.yaml',
      'external-redis-values.yaml',
      'high-availability-values.yaml',
    ]);
  });

  for (const file of valuesFiles) {
    test(`${file}: helm lint --strict passes and the kube-apiserver accepts every rendered object in a server-side dry run`, async () => {
      const path = join(chart, 'ci', file);
      const lint = run(helm, ['lint', '--strict', chart, '--values', path]);
      assert.equal(lint.status, 0, `helm lint --strict failed:\n${lint.stdout}${lint.stderr}`);

      const override = ownNamespaces((load(readFileSync(path, 'utf8')) ?? {}) as Record<string, unknown>);
      const releaseNamespace = `helm-${file.replace('-values.yaml', '')}-${suffix}`;
      // The release namespace enforces the restricted Pod Security Standard, as a careful cluster would.
      await createNamespace(releaseNamespace, { 'pod-security.kubernetes.io/enforce': 'restricted' });
      for (const namespace of namespacesNamedIn(override)) await createNamespace(namespace);
      const manifests = renderChart(releaseNamespace, [path, valuesFile(override)]);

      const prometheusKinds = ['ServiceMonitor', 'PodMonitor'];
      const cannotDryRun = manifests.filter((m) => m.kind === 'ServiceMonitor');
      const objects = manifests.filter((m) => !prometheusKinds.includes(m.kind));
      const pods = objects.filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet').map(podOf);
      const created = kubectlCreate([...objects, ...pods], true);
      assert.equal(created.status, 0, `the apiserver refused rendered objects:\n${created.stderr}`);
      assert.equal(created.stdout.trim().split('\n').length, objects.length + pods.length, created.stdout);

      // The test apiserver has no prometheus-operator CRDs: check that the ServiceMonitor scrapes the metrics Service.
      for (const monitor of cannotDryRun) {
        const service = manifests.find((m) => m.kind === 'Service' && m.metadata.name.endsWith('-metrics'));
        assert.ok(service, 'a ServiceMonitor needs the metrics Service');
        for (const [label, value] of Object.entries(monitor.spec.selector.matchLabels)) {
          assert.equal(
            service.metadata.labels?.[label],
            value,
            `the ServiceMonitor selects ${label}=${value}`,
          );
        }
        assert.deepEqual(monitor.spec.namespaceSelector.matchNames, [releaseNamespace]);
        assert.ok(
          service.spec.ports.some((port: { name: string }) => port.name === monitor.spec.endpoints[0].port),
        );
      }
      // The Kafka nodes' PodMonitor selects the pods the operator makes, on the port it names.
      for (const monitor of manifests.filter((m) => m.kind === 'PodMonitor')) {
        const nodePod = fixtureNodePodWithMetrics();
        for (const { key, operator, values } of monitor.spec.selector.matchExpressions) {
          const label = nodePod.metadata?.labels?.[key];
          assert.ok(
            operator === 'Exists' ? label !== undefined : values.includes(label),
            `the PodMonitor selects ${key}`,
          );
        }
        assert.ok(
          nodePod.spec?.containers[0]?.ports?.some(
            (port) => port.name === monitor.spec.podMetricsEndpoints[0].port,
          ),
          'the PodMonitor scrapes the port the operator names',
        );
        assert.deepEqual(monitor.spec.namespaceSelector.matchNames, [releaseNamespace]);
      }
    });
  }

  test('Pod Security admission in the test apiserver refuses a privileged pod, so the dry runs above judge the chart', async () => {
    const namespace = `helm-pss-${suffix}`;
    await createNamespace(namespace, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const refused = kubectlCreate(
      [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'privileged', namespace },
          spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
        },
      ],
      true,
    );
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /violates PodSecurity "restricted/);
  });

  test('helm install into a namespace that enforces the restricted Pod Security Standard: the ReplicaSet and the StatefulSet create their pods; a pod the standard refuses shows as FailedCreate', async (t) => {
    const namespace = `helm-restricted-${suffix}`;
    await createNamespace(namespace, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const install = (release: string, values: object) => {
      const installed = run(helm, [
        'install',
        release,
        chart,
        '--namespace',
        namespace,
        '--kubeconfig',
        kubernetes.kubeconfig,
        '--skip-crds',
        '--values',
        valuesFile(values),
      ]);
      assert.equal(installed.status, 0, `helm install ${release} failed:\n${installed.stderr}`);
      // The auth-delegator ClusterRoleBinding outlives the namespace: uninstall removes it.
      t.after(() => {
        const removed = run(helm, [
          'uninstall',
          release,
          '--namespace',
          namespace,
          '--kubeconfig',
          kubernetes.kubeconfig,
        ]);
        assert.equal(removed.status, 0, removed.stderr);
      });
    };
    const podsOf = async (release: string, component: string) =>
      (
        await core.listNamespacedPod({
          namespace,
          labelSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/component=${component}`,
        })
      ).items;
    install('kao', {});
    const operatorPods = await waitFor('the ReplicaSet to create the operator pod', async () => {
      const pods = await podsOf('kao', 'operator');
      return pods.length > 0 ? pods : undefined;
    });
    assert.equal(operatorPods[0]?.metadata?.ownerReferences?.[0]?.kind, 'ReplicaSet');
    await waitFor('the StatefulSet to create the Redis pod', async () =>
      (await podsOf('kao', 'redis')).length > 0 ? true : undefined,
    );

    // A host path is refused by the restricted standard: the ReplicaSet reports it and makes no pod.
    install('kao-host-path', {
      redis: { bundled: { enabled: false }, url: 'redis://redis:6379' },
      extraVolumes: [{ name: 'host', hostPath: { path: '/var/run' } }],
      extraVolumeMounts: [{ name: 'host', mountPath: '/host' }],
    });
    const refusal = await waitFor('a FailedCreate Event of the host-path ReplicaSet', async () =>
      (await core.listNamespacedEvent({ namespace })).items.find(
        (event) =>
          event.reason === 'FailedCreate' &&
          event.involvedObject.kind === 'ReplicaSet' &&
          event.involvedObject.name?.startsWith('kao-host-path-'),
      ),
    );
    assert.match(refusal.message ?? '', /violates PodSecurity "restricted:latest": .*hostPath/);
    assert.deepEqual(await podsOf('kao-host-path', 'operator'), []);
    const admitted = (await core.listNamespacedEvent({ namespace })).items.filter(
      (event) => event.reason === 'FailedCreate' && !event.involvedObject.name?.startsWith('kao-host-path-'),
    );
    assert.deepEqual(admitted, [], 'no FailedCreate for the default install');
  });

  test('watching listed namespaces needs no cluster-wide rule but the review of callers; watching all uses a ClusterRole and no Role per namespace', () => {
    const listed = renderChart('ops', [valuesFile({ watchNamespaces: ['team-a', 'team-b'] })]);
    const kinds = (manifests: Manifest[], kind: string) =>
      manifests.filter((m) => m.kind === kind).map((m) => `${m.metadata.namespace}/${m.metadata.name}`);
    assert.deepEqual(kinds(listed, 'ClusterRole'), []);
    // The one cluster-wide grant: Kubernetes' role for asking who a caller of /metrics is.
    const bindings = listed.filter((m) => m.kind === 'ClusterRoleBinding');
    assert.deepEqual(
      bindings.map((m) => [m.metadata.name, m.roleRef.name]),
      [['ops-kao-kafka-actor-operator-auth-delegator', 'system:auth-delegator']],
    );
    assert.deepEqual(kinds(listed, 'Role').sort(), [
      'ops/kao-kafka-actor-operator-http-reader',
      'ops/kao-kafka-actor-operator-leader-election',
      'team-a/kao-kafka-actor-operator',
      'team-b/kao-kafka-actor-operator',
    ]);
    const all = renderChart('ops', [valuesFile({ watchNamespaces: '*' })]);
    assert.equal(kinds(all, 'ClusterRole').length, 1);
    assert.deepEqual(kinds(all, 'Role').sort(), [
      'ops/kao-kafka-actor-operator-http-reader',
      'ops/kao-kafka-actor-operator-leader-election',
    ]);
  });

  test('the bundled Redis requires a password generated into a Secret that it and the operator read, and keeps it across upgrades', async () => {
    const manifests = renderChart('ops', []);
    const secretName = 'kao-kafka-actor-operator-redis-password';
    const secret = manifests.find((m) => m.kind === 'Secret' && m.metadata.name === secretName);
    assert.match(Buffer.from(secret?.data?.password ?? '', 'base64').toString(), /^[A-Za-z0-9]{32}$/);
    const redis = manifests.find((m) => m.kind === 'StatefulSet')?.spec.template.spec.containers[0];
    const args: string[] = redis?.args ?? [];
    assert.equal(args[args.indexOf('--protected-mode') + 1], 'yes');
    assert.equal(args[args.indexOf('--requirepass') + 1], '$(REDIS_PASSWORD)');
    const fromSecret = (container: { env?: { name: string; valueFrom?: unknown }[] }, name: string) =>
      container.env?.find((variable) => variable.name === name)?.valueFrom;
    const expected = { secretKeyRef: { name: secretName, key: 'password' } };
    assert.deepEqual(fromSecret(redis, 'REDIS_PASSWORD'), expected);
    assert.deepEqual(fromSecret(redis, 'REDISCLI_AUTH'), expected, 'the probes log in');
    const operator = manifests.find((m) => m.kind === 'Deployment')?.spec.template.spec.containers[0];
    assert.deepEqual(fromSecret(operator, 'REDIS_PASSWORD'), expected);

    // An upgrade renders against the Secret the install made: the password stays.
    const namespace = `helm-redis-${suffix}`;
    await createNamespace(namespace);
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: secretName }, stringData: { password: 'kept-from-the-install' } },
    });
    const upgraded = renderChart(namespace, [], releaseName, [
      '--dry-run=server',
      '--kubeconfig',
      kubernetes.kubeconfig,
    ]);
    const kept = upgraded.find((m) => m.kind === 'Secret' && m.metadata.name === secretName);
    assert.equal(Buffer.from(kept?.data?.password ?? '', 'base64').toString(), 'kept-from-the-install');
  });

  test("an external rediss:// Redis gets its password and its CA from the release's Secrets", () => {
    const manifests = renderChart('ops', [
      valuesFile({
        redis: {
          bundled: { enabled: false },
          url: 'rediss://redis.infra:6380',
          passwordSecret: { name: 'redis-login' },
          tls: { caSecret: { name: 'redis-ca', key: 'tls-ca.pem' } },
        },
      }),
    ]);
    assert.equal(manifests.filter((m) => m.kind === 'StatefulSet' || m.kind === 'Secret').length, 0);
    const pod = manifests.find((m) => m.kind === 'Deployment')?.spec.template.spec;
    const env = Object.fromEntries(
      (pod.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((variable) => [
        variable.name,
        variable.value ?? variable.valueFrom,
      ]),
    );
    assert.equal(env.REDIS_URL, 'rediss://redis.infra:6380');
    assert.deepEqual(env.REDIS_PASSWORD, { secretKeyRef: { name: 'redis-login', key: 'password' } });
    const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === 'redis-ca');
    assert.equal(env.REDIS_TLS_CA_FILE, `${mount.mountPath}/ca.crt`);
    assert.deepEqual(pod.volumes.find((v: { name: string }) => v.name === 'redis-ca').secret, {
      secretName: 'redis-ca',
      items: [{ key: 'tls-ca.pem', path: 'ca.crt' }],
    });
  });

  test('docs/security.md lists exactly the rules the chart binds to its ServiceAccount and the Role it defines for callers, for listed and all namespaces, with and without operands', async () => {
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const delegation = await rbac.readClusterRole({ name: 'system:auth-delegator' });
    const scopes = run(kubernetes.kubectl, [
      '--kubeconfig',
      kubernetes.kubeconfig,
      'api-resources',
      '--namespaced=false',
      '--output=name',
    ]);
    assert.equal(scopes.status, 0, scopes.stderr);
    const clusterScoped = new Set(scopes.stdout.trim().split('\n'));
    const credentials = { prod: { bootstrap: 'kafka:9093', credentialsSecret: 'kafka-ops/prod-admin' } };
    const scenarios: [GrantScenario, object][] = [
      [
        { operands: true, all: false, reviews: true, credentialsOutside: true },
        { watchNamespaces: ['team-a', 'team-b'], kafkaClusters: credentials },
      ],
      [
        { operands: true, all: false, reviews: true, credentialsOutside: true, nodes: true },
        { watchNamespaces: ['team-a', 'team-b'], kafkaClusters: credentials, rbac: { nodes: true } },
      ],
      [
        { operands: false, all: false, reviews: false, credentialsOutside: true },
        {
          watchNamespaces: ['team-a', 'team-b'],
          kafkaClusters: credentials,
          rbac: { operands: false },
          metrics: { authorization: { enabled: false } },
        },
      ],
      [
        { operands: true, all: true, reviews: true, credentialsOutside: false },
        { watchNamespaces: '*', kafkaClusters: credentials },
      ],
      [
        { operands: false, all: true, reviews: true, credentialsOutside: false },
        {
          watchNamespaces: '*',
          rbac: { operands: false },
          metrics: { authorization: { enabled: false } },
          stateChartView: { enabled: true, service: { enabled: true } },
        },
      ],
    ];
    for (const [scenario, values] of scenarios) {
      const manifests = renderChart('ops', [valuesFile(values)]);
      const serviceAccount = manifests.find((m) => m.kind === 'ServiceAccount')?.metadata.name;
      const watchedNamespaces = scenario.all ? [] : ['team-a', 'team-b'];
      const leaseName = deploymentSetting(manifests, 'LEASE_NAME');
      const grants: string[] = [];
      const perWatchedNamespace = new Map<string, string[]>();
      const bindings = manifests.filter((m) => m.kind === 'RoleBinding' || m.kind === 'ClusterRoleBinding');
      for (const binding of bindings) {
        const bindsOperator = binding.subjects.some(
          (subject: { kind: string; name: string }) =>
            subject.kind === 'ServiceAccount' && subject.name === serviceAccount,
        );
        assert.ok(bindsOperator, `${binding.kind} ${binding.metadata.name} binds the operator`);
        // A ClusterRoleBinding has none.
        const namespace = binding.metadata.namespace ?? '';
        const role =
          binding.roleRef.name === 'system:auth-delegator'
            ? delegation
            : manifests.find(
                (m) =>
                  m.kind === binding.roleRef.kind &&
                  m.metadata.name === binding.roleRef.name &&
                  (m.metadata.namespace ?? '') === namespace,
              );
        assert.ok(role, `the role ${binding.roleRef.name} of ${binding.metadata.name}`);
        const where = (group: string, resource: string) => {
          if (binding.kind === 'ClusterRoleBinding') {
            const base = resource.split('/')[0];
            return clusterScoped.has(group ? `${base}.${group}` : `${base}`)
              ? 'cluster-wide'
              : 'watched namespaces';
          }
          if (watchedNamespaces.includes(namespace)) return 'watched namespaces';
          return namespace === 'ops' ? 'release namespace' : 'credentials namespaces';
        };
        const names = (resourceNames: string[] | undefined) => {
          if (resourceNames === undefined) return 'all';
          if (JSON.stringify(resourceNames) === JSON.stringify([leaseName]))
            return 'leaderElection.leaseName';
          if (namespace === 'kafka-ops' && JSON.stringify(resourceNames) === '["prod-admin"]') {
            return 'kafkaClusters.*.credentialsSecret';
          }
          return JSON.stringify(resourceNames);
        };
        const keys = (role.rules ?? []).flatMap(
          (rule: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }) =>
            rule.apiGroups.flatMap((group) =>
              rule.resources.map((resource) =>
                grantKey({
                  group,
                  resource,
                  verbs: rule.verbs,
                  where: where(group, resource),
                  names: names(rule.resourceNames),
                }),
              ),
            ),
        );
        if (binding.kind === 'RoleBinding' && watchedNamespaces.includes(namespace)) {
          perWatchedNamespace.set(namespace, [...(perWatchedNamespace.get(namespace) ?? []), ...keys].sort());
        }
        grants.push(...keys);
      }
      const [first, ...others] = [...perWatchedNamespace.values()];
      for (const other of others)
        assert.deepEqual(other, first, 'every watched namespace gets the same rules');
      assert.deepEqual(
        [...new Set(grants)].sort(),
        documentedGrants(scenario).map(grantKey).sort(),
        `docs/security.md for ${JSON.stringify(values)}`,
      );

      const forCallers = manifests
        .filter((m) => m.kind === 'Role' && m.metadata.name.endsWith('-http-reader'))
        .flatMap((role) =>
          role.rules.flatMap((rule: { apiGroups: string[]; resources: string[]; verbs: string[] }) =>
            rule.apiGroups.flatMap((group) =>
              rule.resources.map((resource) =>
                grantKey({ group, resource, verbs: rule.verbs, where: 'release namespace', names: '' }),
              ),
            ),
          ),
        );
      assert.deepEqual(
        forCallers.sort(),
        documentedGrants(scenario, 'for-callers')
          .map((grant) => grantKey({ ...grant, names: '' }))
          .sort(),
      );
    }
  });

  // The operator's NetworkPolicy is checked as rendered (and accepted by the apiserver in the dry runs
  // above): the test apiserver, like any cluster without an enforcing network plugin, does not apply it.
  test("the operator's NetworkPolicy admits only its metrics, probe and view ports and lets it reach only DNS, the apiserver, Redis and Kafka; networkPolicy.enabled: false removes it", () => {
    const operatorPolicy = (manifests: Manifest[]) =>
      manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'kao-kafka-actor-operator');
    const podOfKind = (manifests: Manifest[], kind: string) =>
      manifests.find((m) => m.kind === kind)?.spec.template;
    // Each egress rule as "ports -> destinations", to compare whole rules at once.
    interface EgressRule {
      ports: { port: number | string; protocol?: string }[];
      to?: unknown[];
    }
    const egress = (policy: Manifest | undefined) =>
      ((policy?.spec.egress ?? []) as EgressRule[]).map((rule) => {
        const ports = rule.ports.map((port) => `${port.port}${port.protocol ? `/${port.protocol}` : ''}`);
        return `${ports.join(',')} -> ${JSON.stringify(rule.to ?? 'anywhere')}`;
      });

    const defaults = renderChart('ops', []);
    const policy = operatorPolicy(defaults);
    const operatorPod = podOfKind(defaults, 'Deployment');
    assert.deepEqual(policy?.spec.podSelector.matchLabels, operatorPod.metadata.labels);
    assert.deepEqual(policy?.spec.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(policy?.spec.ingress, [{ ports: [{ port: 'http' }] }]);
    assert.deepEqual(operatorPod.spec.containers[0].ports, [{ name: 'http', containerPort: 8080 }]);
    const redisPod = podOfKind(defaults, 'StatefulSet');
    assert.ok(redisPod.spec.containers[0].ports.some((port: { name: string }) => port.name === 'redis'));
    const kafkaPods = (namespaces: object) => ({
      podSelector: { matchLabels: { 'strimzi.io/kind': 'Kafka' } },
      namespaceSelector: namespaces,
    });
    const inNamespaces = (values: string[]) => ({
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values }],
    });
    const kafkaPorts = `${controlPlaneListener.port},${replicationListener.port}`;
    assert.deepEqual(egress(policy), [
      '53/UDP,53/TCP -> "anywhere"',
      '443,6443 -> "anywhere"',
      `redis -> ${JSON.stringify([{ podSelector: { matchLabels: redisPod.metadata.labels } }])}`,
      `${kafkaPorts} -> ${JSON.stringify([kafkaPods(inNamespaces(['ops']))])}`,
    ]);

    const exposed = operatorPolicy(
      renderChart('ops', [
        valuesFile({
          watchNamespaces: '*',
          stateChartView: { enabled: true, service: { enabled: true } },
          networkPolicy: {
            ingressFrom: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
            ],
            apiServer: { ports: [6443], cidrs: ['10.0.0.10/32'] },
          },
        }),
      ]),
    );
    assert.deepEqual(exposed?.spec.ingress, [
      {
        ports: [{ port: 'http' }, { port: 'view' }],
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      },
    ]);
    assert.ok(egress(exposed).includes('6443 -> [{"ipBlock":{"cidr":"10.0.0.10/32"}}]'));
    assert.ok(egress(exposed).includes(`${kafkaPorts} -> ${JSON.stringify([kafkaPods({})])}`));

    const external = operatorPolicy(
      renderChart('ops', [
        valuesFile({
          watchNamespaces: ['team-a', 'team-b'],
          redis: { bundled: { enabled: false }, url: 'rediss://redis.infra:6380' },
          kafkaClusters: {
            prod: { bootstrap: 'kafka-1:9093,kafka-2:9093' },
            audit: { bootstrap: 'audit-kafka:19092' },
          },
          rbac: { operands: false },
          networkPolicy: { extraEgress: [{ ports: [{ port: 8443 }] }] },
        }),
      ]),
    );
    assert.deepEqual(egress(external), [
      '53/UDP,53/TCP -> "anywhere"',
      '443,6443 -> "anywhere"',
      '6380 -> "anywhere"',
      '19092,9093 -> "anywhere"',
      '8443 -> "anywhere"',
    ]);
    const fromSecret = operatorPolicy(
      renderChart('ops', [
        valuesFile({ redis: { bundled: { enabled: false }, urlSecret: { name: 'redis-url' } } }),
      ]),
    );
    assert.ok(egress(fromSecret).includes('6379 -> "anywhere"'));

    const off = renderChart('ops', [valuesFile({ networkPolicy: { enabled: false } })]);
    assert.equal(operatorPolicy(off), undefined);
    assert.deepEqual(
      off.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.metadata.name),
      ['kao-kafka-actor-operator-redis'],
      "the bundled Redis's own policy stays",
    );
  });

  test('a Redis under Sentinel: the operator gets the sentinels, the master name and both passwords from Secrets, no URL, and its NetworkPolicy lets it reach the sentinels and the master', () => {
    const manifests = renderChart('ops', [
      valuesFile({
        redis: {
          bundled: { enabled: false },
          sentinel: {
            addresses: ['sentinel-0.infra:26379', 'sentinel-1.infra:26380'],
            masterName: 'queue',
            passwordSecret: { name: 'sentinel-login' },
          },
          passwordSecret: { name: 'redis-login', key: 'secret' },
        },
      }),
    ]);
    const operator = manifests.find((m) => m.kind === 'Deployment')?.spec.template.spec.containers[0];
    const env = Object.fromEntries(
      (operator.env as { name: string; value?: string; valueFrom?: unknown }[]).map((variable) => [
        variable.name,
        variable.value ?? variable.valueFrom,
      ]),
    );
    assert.equal(env.REDIS_URL, undefined);
    assert.equal(env.REDIS_SENTINELS, 'sentinel-0.infra:26379,sentinel-1.infra:26380');
    assert.equal(env.REDIS_SENTINEL_MASTER, 'queue');
    assert.deepEqual(env.REDIS_SENTINEL_PASSWORD, {
      secretKeyRef: { name: 'sentinel-login', key: 'password' },
    });
    assert.deepEqual(env.REDIS_PASSWORD, { secretKeyRef: { name: 'redis-login', key: 'secret' } });
    const policy = manifests.find((m) => m.kind === 'NetworkPolicy');
    assert.ok(
      policy?.spec.egress.some(
        (rule: { ports: { port: number }[]; to?: unknown }) =>
          rule.to === undefined &&
          JSON.stringify(rule.ports) === '[{"port":26379},{"port":26380},{"port":6379}]',
      ),
      JSON.stringify(policy?.spec.egress),
    );
  });

  test('one replica gets no PodDisruptionBudget; several get one and the same operator settings', () => {
    const single = renderChart('ops', []);
    const several = renderChart('ops', [valuesFile({ replicas: 3 })]);
    assert.equal(single.filter((m) => m.kind === 'PodDisruptionBudget').length, 0);
    const budget = several.find((m) => m.kind === 'PodDisruptionBudget');
    assert.equal(budget?.spec.maxUnavailable, 1);
    const env = (manifests: Manifest[]) =>
      manifests.find((m) => m.kind === 'Deployment')?.spec.template.spec.containers[0].env;
    assert.deepEqual(env(several), env(single));
  });
});

describe('values that break the rules are refused before anything reaches the cluster', () => {
  const refusals: [string, object, RegExp][] = [
    ['a negative replica count', { replicas: -1 }, /at '\/replicas': minimum: got -1, want 1/],
    ['watchNamespaces that is neither a list nor "*"', { watchNamespaces: 5 }, /at '\/watchNamespaces'/],
    ['a namespace name that is not a DNS label', { watchNamespaces: ['Team_A'] }, /'Team_A' does not match/],
    [
      'no Redis: the bundled one off and no URL',
      { redis: { bundled: { enabled: false } } },
      /at '\/redis\/url': minLength: got 0, want 1/,
    ],
    [
      'two Redis: a URL and the bundled one',
      { redis: { url: 'redis://redis:6379' } },
      /give either an external Redis \(redis.url or redis.urlSecret\) or redis.bundled.enabled: true, not both/,
    ],
    ['a misspelt setting', { replica: 2 }, /additional properties 'replica' not allowed/],
    [
      'a renew deadline not below the lease duration',
      { leaderElection: { leaseDurationMs: 10000, renewDeadlineMs: 10000 } },
      /leaderElection.renewDeadlineMs \(10000\) must be less than leaderElection.leaseDurationMs \(10000\)/,
    ],
    [
      'Redis Sentinel beside the bundled Redis',
      { redis: { sentinel: { addresses: ['sentinel:26379'], masterName: 'queue' } } },
      /give either redis.sentinel or another Redis \(redis.url, redis.urlSecret, redis.bundled.enabled: true\), not both/,
    ],
    [
      'Redis Sentinel without the master name',
      { redis: { bundled: { enabled: false }, sentinel: { addresses: ['sentinel:26379'] } } },
      /redis.sentinel.masterName is required with redis.sentinel.addresses/,
    ],
    [
      'a sentinel address without its port',
      { redis: { bundled: { enabled: false }, sentinel: { addresses: ['sentinel'], masterName: 'queue' } } },
      /at '\/redis\/sentinel\/addresses\/0'/,
    ],
    [
      'a Kafka credentials Secret without its namespace',
      { kafkaClusters: { prod: { bootstrap: 'kafka:9093', credentialsSecret: 'prod-admin' } } },
      /at '\/kafkaClusters\/prod\/credentialsSecret'/,
    ],
    [
      'a Kafka super user without its principal type',
      { kafkaClusters: { prod: { bootstrap: 'kafka:9093', superUsers: ['ops'] } } },
      /at '\/kafkaClusters\/prod\/superUsers\/0'/,
    ],
  ];
  for (const [what, values, message] of refusals) {
    test(`helm template refuses ${what} and says why`, () => {
      const { status, stdout, stderr } = helmTemplate('ops', [valuesFile(values)]);
      assert.notEqual(status, 0, `rendered instead of refusing:\n${stdout}`);
      assert.equal(stdout, '');
      assert.match(stderr, message);
    });
  }
});

test("the chart's CRDs are the ones the code generates (npm run crds writes them)", () => {
  const generated = writeCustomResourceDefinitions(join(workDirectory, 'crds')).map((path) =>
    path.split('/').pop(),
  );
  const inChart = readdirSync(join(chart, 'crds'));
  assert.deepEqual(
    inChart.sort(),
    [...generated].sort(),
    'run npm run crds and commit charts/kafka-actor-operator/crds',
  );
  for (const file of inChart) {
    assert.equal(
      readFileSync(join(chart, 'crds', file), 'utf8'),
      readFileSync(join(workDirectory, 'crds', file), 'utf8'),
      `charts/kafka-actor-operator/crds/${file} differs from what the code generates; run npm run crds`,
    );
  }
});

// A variable the rendered Deployment sets on the operator container.
// Cluster-scoped objects outlive the namespaces: a test that made ClusterRoles or their bindings removes them.
function deleteClusterRbac(manifests: Manifest[]): void {
  const removed = run(kubernetes.kubectl, [
    '--kubeconfig',
    kubernetes.kubeconfig,
    'delete',
    ...manifests.map((m) => `${m.kind.toLowerCase()}.rbac.authorization.k8s.io/${m.metadata.name}`),
  ]);
  assert.equal(removed.status, 0, removed.stderr);
}

function deploymentSetting(manifests: Manifest[], name: string): string {
  const deployment = manifests.find((m) => m.kind === 'Deployment');
  const value = deployment?.spec.template.spec.containers[0].env.find(
    (variable: { name: string }) => variable.name === name,
  )?.value;
  assert.ok(typeof value === 'string', `the Deployment sets ${name}`);
  return value;
}

// The HTTP status of a request made with some client: 200 when it succeeds.
function codeOf(request: Promise<unknown>): Promise<unknown> {
  return request.then(
    () => 200,
    (error: unknown) => (error instanceof ApiException ? error.code : error),
  );
}

const securityDoc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'security.md'), 'utf8');

// What decides which rows of docs/security.md's tables an install gets.
interface GrantScenario {
  operands: boolean;
  all: boolean;
  // The operator reviews callers: /metrics is authorized or the view is exposed.
  reviews: boolean;
  credentialsOutside: boolean;
  // rbac.nodes: the operator reads nodes with listed namespaces too.
  nodes?: boolean;
}

const grantConditions: Record<string, (scenario: GrantScenario) => boolean> = {
  always: () => true,
  'rbac.operands': (scenario) => scenario.operands,
  'rbac.operands and (watchNamespaces: "*" or rbac.nodes)': (scenario) =>
    scenario.operands && (scenario.all || scenario.nodes === true),
  'metrics.authorization.enabled or an exposed view': (scenario) => scenario.reviews,
  'a credentials Secret outside the watched namespaces': (scenario) => scenario.credentialsOutside,
};

interface Grant {
  group: string;
  resource: string;
  verbs: string[];
  where: string;
  names: string;
}

function grantKey(grant: Grant): string {
  return `${grant.group || 'core'} ${grant.resource}: ${[...grant.verbs].sort().join(',')} in ${grant.where} on ${grant.names}`;
}

// The rows of a docs/security.md table that apply to a scenario, one per resource.
function documentedGrants(scenario: GrantScenario, table = 'granted'): Grant[] {
  return markdownTable(securityDoc, table).flatMap((row) => {
    const condition = grantConditions[row.When ?? ''];
    assert.ok(condition, `docs/security.md: unknown condition "${row.When}"`);
    if (!condition(scenario)) return [];
    const group = row['API group'] === 'core' ? '' : (row['API group'] ?? '');
    return (row.Resources ?? '').split(', ').map((resource) => ({
      group,
      resource,
      verbs: (row.Verbs ?? '').split(', '),
      where: row.Where ?? '',
      names: row.Names ?? '',
    }));
  });
}

// An action asked of the apiserver: verb, group ('' for the core group), resource[/subresource],
// namespace (none: cluster-wide), name.
type AccessCheck = [verb: string, group: string, resource: string, namespace?: string, name?: string];

// The actions among `checks` whose SelfSubjectAccessReview, made with `as`, answers `allowed`.
async function accessChecks(as: KubeConfig, checks: AccessCheck[], allowed: boolean): Promise<string[]> {
  const reviews = as.makeApiClient(AuthorizationV1Api);
  const answers = await Promise.all(
    checks.map(async ([verb, group, path, namespace, name]) => {
      const [resource, subresource] = path.split('/');
      const review = await reviews.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb, group, resource, subresource, namespace, name } } },
      });
      const where = namespace === undefined ? 'cluster-wide' : `in ${namespace}`;
      const what = `${verb} ${group ? `${group}/` : ''}${path}${name ? ` ${name}` : ''} ${where}`;
      return review.status?.allowed === allowed ? [what] : [];
    }),
  );
  return answers.flat();
}

function assertRefusedNothing(operator: OperatorProcess): void {
  const forbidden = operator.logs().filter((line) => /forbidden/i.test(JSON.stringify(line)));
  assert.deepEqual(forbidden, [], `the operator was refused nothing it needed (log: ${operator.logFile})`);
}

// The single-node fixture with a nodeport listener too, whose addresses need the nodes.
async function createSingleNodeCluster(namespace: string): Promise<void> {
  const objects = readManifests(join(clustersDirectory, 'single-node.yaml'));
  const kafka = objects.find((object) => object.kind === 'Kafka') as Kafka | undefined;
  kafka?.spec.kafka.listeners.push({ name: 'external', port: 9094, type: 'nodeport', tls: false });
  await kafkaClusterClient(kc.makeApiClient(CustomObjectsApi)).createAll(namespace, objects);
}

// The Kafka once a reconcile of its current generation settled, asserted Ready.
async function readyKafka(namespace: string, operator: OperatorProcess): Promise<Kafka> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const read = async () =>
    (await custom.getNamespacedCustomObject({
      group: kafkaType.group,
      version: kafkaType.version,
      namespace,
      plural: kafkaType.plural,
      name: 'my-cluster',
    })) as Kafka;
  const kafka = await waitFor(
    `Kafka ${namespace}/my-cluster to settle (operator log: ${operator.logFile})`,
    async () => {
      const current = await read();
      const settled = current.status?.conditions?.find(
        (c) => c.type === 'Ready' || (c.type === 'NotReady' && !clusterProgressReasons.has(c.reason ?? '')),
      );
      return settled && current.status?.observedGeneration === current.metadata?.generation
        ? current
        : undefined;
    },
    120_000,
    500,
  ).catch(async (error: unknown) => {
    throw new Error(
      `${(error as Error).message}\n${await clusterDiagnosis(namespace, await read(), operator)}`,
    );
  });
  assert.ok(
    kafka.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    `Ready: ${conditionsOf(kafka)}`,
  );
  return kafka;
}

const conditionsOf = (kafka: Kafka) =>
  (kafka.status?.conditions ?? [])
    .map((c) => `${c.type}=${c.status} ${c.reason ?? ''} ${c.message ?? ''}`)
    .join('; ');

// What a Kafka that did not settle was waiting for: its conditions, its pods as the apiserver has them,
// and the operator's last log lines about it, for a failure seen only in CI's output.
async function clusterDiagnosis(namespace: string, kafka: Kafka, operator: OperatorProcess): Promise<string> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: 'strimzi.io/cluster=my-cluster' });
  const podLines = pods.items.map((pod) => {
    const conditions = (pod.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(',');
    return `  pod ${pod.metadata?.name} rv ${pod.metadata?.resourceVersion} node ${pod.spec?.nodeName ?? '-'} phase ${pod.status?.phase} ${conditions}`;
  });
  const logLines = operator
    .logs()
    .map((line) => JSON.stringify(line))
    .filter((line) => line.includes('my-cluster'))
    .slice(-15);
  return [
    `conditions: ${conditionsOf(kafka)}`,
    `observedGeneration ${kafka.status?.observedGeneration} of ${kafka.metadata?.generation}`,
    ...podLines,
    'operator log:',
    ...logLines,
  ].join('\n');
}

// The addresses the Kafka's status gives for its nodeport listener, and the bootstrap's node port.
async function externalListener(namespace: string, kafka: Kafka) {
  const bootstrap = await core.readNamespacedService({
    namespace,
    name: 'my-cluster-kafka-external-bootstrap',
  });
  return {
    addresses: kafka.status?.listeners?.find((listener) => listener.name === 'external')?.addresses,
    nodePort: bootstrap.spec?.ports?.[0]?.nodePort,
  };
}

describe("the operator under the chart's ServiceAccount token", () => {
  let fixture: Awaited<ReturnType<typeof operatorFixture>>;
  let watched: string;
  let unwatched: string;
  let operatorEnv: Record<string, string>;
  let asOperator: KubeConfig;
  // One operator for the topic, user and cluster tests: it runs with the chart's default rules.
  let operator: OperatorProcess;
  const operators: OperatorProcess[] = [];

  before(async () => {
    // The fixture's namespace is the release namespace: it holds the Kafka credentials Secret.
    fixture = await operatorFixture('helm-rbac');
    watched = `${fixture.namespace}-a`;
    unwatched = `${fixture.namespace}-b`;
    await createNamespace(watched);
    await createNamespace(unwatched);
    const manifests = renderChart(fixture.namespace, [
      valuesFile({
        watchNamespaces: [watched],
        kafkaClusters: JSON.parse(fixture.env.KAFKA_CLUSTERS ?? '{}'),
        redis: { url: fixture.redis.url, bundled: { enabled: false } },
      }),
    ]);
    const kubeconfig = await installRbac(manifests, fixture.namespace);
    asOperator = new KubeConfig();
    asOperator.loadFromFile(kubeconfig);
    operatorEnv = {
      ...fixture.env,
      KUBECONFIG: kubeconfig,
      WATCH_NAMESPACES: watched,
      LEASE_NAME: deploymentSetting(manifests, 'LEASE_NAME'),
      RUN_KAFKA_CLUSTERS: deploymentSetting(manifests, 'RUN_KAFKA_CLUSTERS'),
      METRICS_AUTHORIZATION_SERVICE: deploymentSetting(manifests, 'METRICS_AUTHORIZATION_SERVICE'),
    };
    assert.equal(operatorEnv.RUN_KAFKA_CLUSTERS, 'true', 'the chart runs Kafka clusters by default');
    operator = startOperatorProcess('helm-rbac', operatorEnv);
    operators.push(operator);
    await operator.httpPort();
  });

  after(async () => {
    await Promise.all(operators.map((started) => started.stop()));
    await fixture?.cleanup();
  });

  test("serves /metrics to a caller bound to the chart's http-reader Role and refuses others: its rights to review callers are enough", async () => {
    const tokenOf = async (name: string) => {
      await core.createNamespacedServiceAccount({
        namespace: fixture.namespace,
        body: { metadata: { name } },
      });
      const request = await core.createNamespacedServiceAccountToken({
        name,
        namespace: fixture.namespace,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      });
      return request.status?.token ?? '';
    };
    const prometheus = await tokenOf('prometheus');
    const stranger = await tokenOf('stranger');
    await kc.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace: fixture.namespace,
      body: {
        metadata: { name: 'prometheus-reads-metrics' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'kao-kafka-actor-operator-http-reader',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: fixture.namespace }],
      },
    });
    const port = await operator.httpPort();
    const metricsStatus = async (token?: string) =>
      (
        await fetch(`http://127.0.0.1:${port}/metrics`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
          signal: AbortSignal.timeout(10_000),
        })
      ).status;
    assert.equal(await metricsStatus(), 401);
    assert.equal(await metricsStatus(stranger), 403);
    assert.equal(await metricsStatus(prometheus), 200);
    assertRefusedNothing(operator);
  });

  test('reconciles a KafkaTopic in a watched namespace to Ready and removes its finalizer on deletion: the RBAC is enough', async () => {
    const topics = kafkaTopicClient(kc.makeApiClient(CustomObjectsApi), watched, {
      timeoutHint: `operator log: ${operator.logFile}`,
    });
    await topics.create('payments');
    const ready = await topics.waitReady('payments');
    assert.deepEqual(ready.metadata?.finalizers, ['strimzi.io/topic-operator']);

    await topics.delete('payments');
    await topics.waitGone('payments');
    assertRefusedNothing(operator);
  });

  test("reconciles a SCRAM KafkaUser with ACLs to Ready, writes its Secret and removes its finalizer on deletion: the RBAC for users' Secrets is enough", async () => {
    const users = kafkaUserClient(kc.makeApiClient(CustomObjectsApi), core, watched);
    // Kafka's users are shared by every test file: the name carries this run's suffix.
    const name = `helm-user-${suffix}`;
    await users.create(name, {
      authentication: { type: 'scram-sha-512' },
      authorization: {
        type: 'simple',
        acls: [
          { resource: { type: 'topic', name: `${name}-orders` }, operations: ['Describe', 'Read', 'Write'] },
          { resource: { type: 'group', name: `${name}-`, patternType: 'prefix' }, operations: ['Read'] },
        ],
      },
    });
    const ready = await users.waitUntil(name, `to be Ready (operator log: ${operator.logFile})`, (user) =>
      isReady(user) && user.status?.observedGeneration === user.metadata?.generation ? user : undefined,
    );
    assert.deepEqual(ready.metadata?.finalizers, ['strimzi.io/user-operator']);
    assert.equal(ready.status?.secret, name);
    const secret = await users.secret(name);
    const password = secret?.password?.toString() ?? '';
    assert.match(password, /^[A-Za-z0-9]{32}$/);
    assert.equal(
      secret?.['sasl.jaas.config']?.toString(),
      `org.apache.kafka.common.security.scram.ScramLoginModule required username="${name}" password="${password}";`,
    );

    await users.delete(name);
    await users.waitGone(name);
    assertRefusedNothing(operator);
  });

  test("runs a Kafka with a KafkaNodePool to Ready on the kwok nodes, creating its pods, services, config maps, secrets, claims, service account, disruption budget and network policy: the RBAC for operands is enough; a nodeport listener, refused the nodes, is addressed by its pod's host IP", async () => {
    await createSingleNodeCluster(watched);
    const kafka = await readyKafka(watched, operator);

    const labelSelector = 'strimzi.io/cluster=my-cluster,strimzi.io/kind=Kafka';
    const namesOf = (list: { items: { metadata?: { name?: string } }[] }) =>
      list.items.map((item) => item.metadata?.name ?? '').sort();
    const pods = await core.listNamespacedPod({ namespace: watched, labelSelector });
    assert.deepEqual(namesOf(pods), ['my-cluster-dual-role-0']);
    assert.match(pods.items[0]?.spec?.nodeName ?? '', /^kwok-node-[123]$/);
    const services = namesOf(await core.listNamespacedService({ namespace: watched, labelSelector }));
    assert.ok(services.includes('my-cluster-kafka-bootstrap'), services.join(', '));
    assert.ok(services.includes('my-cluster-kafka-brokers'), services.join(', '));
    const configMaps = namesOf(await core.listNamespacedConfigMap({ namespace: watched, labelSelector }));
    assert.ok(configMaps.includes('my-cluster-dual-role-0'), configMaps.join(', '));
    const secrets = namesOf(await core.listNamespacedSecret({ namespace: watched, labelSelector }));
    for (const expected of [
      'my-cluster-cluster-ca-cert',
      'my-cluster-clients-ca-cert',
      'my-cluster-dual-role-0',
    ]) {
      assert.ok(secrets.includes(expected), `${expected} in ${secrets.join(', ')}`);
    }
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace: watched, labelSelector });
    assert.equal(claims.items.length, 1);
    const serviceAccounts = await core.listNamespacedServiceAccount({ namespace: watched, labelSelector });
    assert.equal(serviceAccounts.items.length, 1);
    const budgets = await kc
      .makeApiClient(PolicyV1Api)
      .listNamespacedPodDisruptionBudget({ namespace: watched, labelSelector });
    assert.equal(budgets.items.length, 1);
    const policies = await kc
      .makeApiClient(NetworkingV1Api)
      .listNamespacedNetworkPolicy({ namespace: watched, labelSelector });
    assert.equal(policies.items.length, 1);
    // Refused the node (403), the operator addresses the listener by the pod's host IP.
    const external = await externalListener(watched, kafka);
    assert.ok(pods.items[0]?.status?.hostIP);
    assert.deepEqual(external.addresses, [{ host: pods.items[0]?.status?.hostIP, port: external.nodePort }]);
    assertRefusedNothing(operator);
  });

  test('is forbidden from a namespace the chart does not cover, and from Secrets other than the Kafka credentials', async () => {
    const custom = asOperator.makeApiClient(CustomObjectsApi);
    const listIn = (namespace: string) => custom.listNamespacedCustomObject({ ...kafkaTopicApi, namespace });
    assert.equal(await codeOf(listIn(unwatched)), 403);
    assert.equal(await codeOf(listIn(watched)), 200);
    assert.equal(await codeOf(custom.listClusterCustomObject(kafkaTopicApi)), 403);

    const secrets = asOperator.makeApiClient(CoreV1Api);
    const [credentialsNamespace, credentialsName] = (
      JSON.parse(fixture.env.KAFKA_CLUSTERS ?? '{}')['test-cluster'].credentialsSecret as string
    ).split('/') as [string, string];
    await core.createNamespacedSecret({
      namespace: fixture.namespace,
      body: { metadata: { name: 'not-for-the-operator' }, stringData: { key: 'value' } },
    });
    assert.equal(
      await codeOf(secrets.readNamespacedSecret({ namespace: credentialsNamespace, name: credentialsName })),
      200,
    );
    assert.equal(
      await codeOf(
        secrets.readNamespacedSecret({ namespace: fixture.namespace, name: 'not-for-the-operator' }),
      ),
      403,
    );
  });

  test('the apiserver allows its ServiceAccount every verb docs/security.md grants and refuses every action it lists as forbidden', async () => {
    const [credentialsNamespace, credentialsName] = (
      JSON.parse(fixture.env.KAFKA_CLUSTERS ?? '{}')['test-cluster'].credentialsSecret as string
    ).split('/') as [string, string];
    assert.notEqual(credentialsNamespace, watched, 'the credentials Secret is outside the watched namespace');
    const install: GrantScenario = { operands: true, all: false, reviews: true, credentialsOutside: true };
    const namespaceOf: Record<string, string | undefined> = {
      'watched namespaces': watched,
      'release namespace': fixture.namespace,
      'credentials namespaces': credentialsNamespace,
      'cluster-wide': undefined,
    };
    const nameOf: Record<string, string | undefined> = {
      all: undefined,
      'leaderElection.leaseName': operatorEnv.LEASE_NAME,
      'kafkaClusters.*.credentialsSecret': credentialsName,
    };
    const needed = documentedGrants(install).map(({ group, resource, verbs, where, names }) => {
      assert.ok(
        where in namespaceOf && names in nameOf,
        `docs/security.md: unknown place ${where} or ${names}`,
      );
      return verbs.map((verb): AccessCheck => [verb, group, resource, namespaceOf[where], nameOf[names]]);
    });
    const forbiddenWhere: Record<string, string | undefined> = {
      'a watched namespace': watched,
      'an unwatched namespace': unwatched,
      'the release namespace': fixture.namespace,
      'cluster-wide': undefined,
    };
    const forbidden = markdownTable(securityDoc, 'forbidden').map((row): AccessCheck => {
      const where = row.Where ?? '';
      assert.ok(where in forbiddenWhere, `docs/security.md: unknown place ${where}`);
      // The table names a resource of another group as group/resource; groups have a dot in their name.
      const [group, ...path] = (row.Resource ?? '').split('/');
      return group?.includes('.')
        ? [row.Verb ?? '', group, path.join('/'), forbiddenWhere[where]]
        : [row.Verb ?? '', '', row.Resource ?? '', forbiddenWhere[where]];
    });
    assert.ok(needed.flat().length > 40 && forbidden.length > 30);
    assert.deepEqual(
      await accessChecks(asOperator, needed.flat(), false),
      [],
      'refused what the operator needs',
    );
    assert.deepEqual(await accessChecks(asOperator, forbidden, true), [], 'allowed what it must not do');
  });

  test('told to watch a namespace the chart does not cover, it never becomes ready and logs that it is forbidden', async () => {
    // It never logs 'operator started' (that waits for the first sync): give it a port of our choosing.
    const port = await freePort();
    const refused = startOperatorProcess('helm-rbac-unwatched', {
      ...operatorEnv,
      WATCH_NAMESPACES: `${watched},${unwatched}`,
      HTTP_PORT: String(port),
    });
    operators.push(refused);
    const refusals = () =>
      refused
        .logs()
        .filter(
          (line) =>
            String(line.resource).startsWith('kafkatopics.') &&
            line.msg.includes(`namespace ${unwatched}`) &&
            /forbidden/i.test(line.msg),
        );
    // Not ready after the topics' informer has retried and been refused again, and again.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const refusal = await waitFor(`refusal ${attempt} of the list in ${unwatched}`, async () =>
        refusals().length >= attempt ? refusals()[attempt - 1] : undefined,
      );
      assert.match(refusal.msg, /HTTP 403/);
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { checks: { informersSynced: boolean } };
      assert.equal(body.checks.informersSynced, false);
    }
    await refused.stop();
  });

  test('installed with rbac.operands: false it has no rights on pods, yet (RUN_KAFKA_CLUSTERS=false) becomes ready and reconciles a KafkaTopic', async () => {
    const topicsOnly = `${fixture.namespace}-c`;
    await createNamespace(topicsOnly);
    // Another release beside the first: its own ServiceAccount, Roles, Lease and queue.
    const manifests = renderChart(
      fixture.namespace,
      [
        valuesFile({
          watchNamespaces: [topicsOnly],
          kafkaClusters: JSON.parse(fixture.env.KAFKA_CLUSTERS ?? '{}'),
          redis: { url: fixture.redis.url, bundled: { enabled: false } },
          rbac: { operands: false },
        }),
      ],
      'kao-topics',
    );
    const kubeconfig = await installRbac(manifests, fixture.namespace);
    const asTopicsOnly = new KubeConfig();
    asTopicsOnly.loadFromFile(kubeconfig);
    assert.equal(
      await codeOf(asTopicsOnly.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: topicsOnly })),
      403,
    );
    const runKafkaClusters = deploymentSetting(manifests, 'RUN_KAFKA_CLUSTERS');
    assert.equal(runKafkaClusters, 'false');
    const topicsOperator = startOperatorProcess('helm-rbac-topics-only', {
      ...fixture.env,
      KUBECONFIG: kubeconfig,
      WATCH_NAMESPACES: topicsOnly,
      LEASE_NAME: deploymentSetting(manifests, 'LEASE_NAME'),
      QUEUE_PREFIX: `${fixture.env.QUEUE_PREFIX}-topics-only`,
      RUN_KAFKA_CLUSTERS: runKafkaClusters,
    });
    operators.push(topicsOperator);
    const port = await topicsOperator.httpPort();
    await waitFor(`the operator to be ready (log: ${topicsOperator.logFile})`, async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined,
    );
    const topics = kafkaTopicClient(kc.makeApiClient(CustomObjectsApi), topicsOnly, {
      timeoutHint: `operator log: ${topicsOperator.logFile}`,
    });
    await topics.create('audit');
    await topics.waitReady('audit');
    await topics.delete('audit');
    await topics.waitGone('audit');
    assertRefusedNothing(topicsOperator);
    await topicsOperator.stop();
  });

  test("installed watching every namespace, its ClusterRole lets it read the nodes: a nodeport listener is addressed by its node's external IP", async (t) => {
    const anywhere = `${fixture.namespace}-d`;
    await createNamespace(anywhere);
    const release = `kao-all-${suffix}`;
    const manifests = renderChart(
      fixture.namespace,
      [
        valuesFile({
          watchNamespaces: '*',
          kafkaClusters: JSON.parse(fixture.env.KAFKA_CLUSTERS ?? '{}'),
          redis: { url: fixture.redis.url, bundled: { enabled: false } },
        }),
      ],
      release,
    );
    const clusterWide = manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding');
    // The ClusterRole and its binding, and the binding to Kubernetes' role for reviewing callers.
    assert.equal(clusterWide.length, 3);
    const kubeconfig = await installRbac(manifests, fixture.namespace);
    t.after(() => deleteClusterRbac(clusterWide));
    // The ClusterRole covers every namespace; told to watch one, the operator leaves other tests' resources alone.
    const clusterOperator = startOperatorProcess('helm-rbac-all-namespaces', {
      ...fixture.env,
      KUBECONFIG: kubeconfig,
      WATCH_NAMESPACES: anywhere,
      LEASE_NAME: deploymentSetting(manifests, 'LEASE_NAME'),
      QUEUE_PREFIX: `${fixture.env.QUEUE_PREFIX}-all-namespaces`,
      RUN_KAFKA_CLUSTERS: deploymentSetting(manifests, 'RUN_KAFKA_CLUSTERS'),
    });
    operators.push(clusterOperator);
    await clusterOperator.httpPort();
    await createSingleNodeCluster(anywhere);
    const kafka = await readyKafka(anywhere, clusterOperator);
    const pod = await core.readNamespacedPod({ namespace: anywhere, name: 'my-cluster-dual-role-0' });
    const node = await core.readNode({ name: pod.spec?.nodeName ?? '' });
    const externalIp = node.status?.addresses?.find((address) => address.type === 'ExternalIP')?.address;
    assert.ok(externalIp && externalIp !== pod.status?.hostIP, 'the kwok node has an external IP of its own');
    const external = await externalListener(anywhere, kafka);
    assert.deepEqual(external.addresses, [{ host: externalIp, port: external.nodePort }]);
    assertRefusedNothing(clusterOperator);
    await clusterOperator.stop();
  });

  // Last of the operator's tests: it grants the operator the nodes, which the tests above prove it lacks.
  test("with listed namespaces a broker whose rack is its node's zone waits, a RackUnknown Warning naming rbac.nodes says why; the ClusterRole rbac.nodes adds lets the operator write the zone", async (t) => {
    const zoneKey = 'topology.kubernetes.io/zone';
    const objects = readManifests(join(clustersDirectory, 'single-node.yaml')).map((object) => {
      const renamed = structuredClone(object) as Manifest;
      if (renamed.kind === 'Kafka') {
        renamed.metadata.name = 'racked';
        (renamed as unknown as Kafka).spec.kafka.rack = { topologyKey: zoneKey };
      } else {
        renamed.metadata.name = 'racked-pool';
        renamed.metadata.labels = { 'strimzi.io/cluster': 'racked' };
      }
      return renamed;
    });
    await kafkaClusterClient(kc.makeApiClient(CustomObjectsApi)).createAll(watched, objects);
    const scheduled = await waitFor('the broker pod of Kafka racked to be scheduled', async () => {
      const pods = await core.listNamespacedPod({
        namespace: watched,
        labelSelector: 'strimzi.io/cluster=racked',
      });
      return pods.items.find((pod) => pod.spec?.nodeName);
    });
    const podName = scheduled.metadata?.name ?? '';
    const warning = await waitFor(`a RackUnknown Warning on pod ${podName}`, async () => {
      const events = await core.listNamespacedEvent({
        namespace: watched,
        fieldSelector: `involvedObject.name=${podName},reason=RackUnknown`,
      });
      return events.items[0];
    });
    assert.equal(warning.type, 'Warning');
    assert.equal(warning.involvedObject.kind, 'Pod', 'kubectl describe pod shows it');
    assert.match(warning.message ?? '', /may not read node .* \(get nodes\).*rbac\.nodes: true/);
    // Refused again at its next try, the pod gets no second Warning.
    const refusals = () =>
      operator
        .logs()
        .filter(
          (line) =>
            line.msg.startsWith('the rack of a broker pod is not known yet') &&
            line.pod === `${watched}/${podName}`,
        );
    await waitFor(`a second refused try for pod ${podName}`, async () =>
      refusals().length >= 2 ? true : undefined,
    );
    const warnings = await core.listNamespacedEvent({
      namespace: watched,
      fieldSelector: `involvedObject.name=${podName},reason=RackUnknown`,
    });
    assert.equal(warnings.items.length, 1);
    const waiting = await core.readNamespacedPod({ namespace: watched, name: podName });
    assert.equal(waiting.metadata?.annotations?.['kafka-actor-operator.io/rack'], undefined);

    const granting = renderChart(fixture.namespace, [
      valuesFile({ watchNamespaces: [watched], rbac: { nodes: true } }),
    ]).filter((m) => m.kind.startsWith('Cluster') && m.metadata.name.endsWith('-nodes'));
    assert.deepEqual(
      granting.map((m) => m.kind),
      ['ClusterRole', 'ClusterRoleBinding'],
    );
    const created = kubectlCreate(granting, false);
    assert.equal(created.status, 0, created.stderr);
    t.after(() => deleteClusterRbac(granting));
    const node = await core.readNode({ name: scheduled.spec?.nodeName ?? '' });
    const zone = node.metadata?.labels?.[zoneKey];
    assert.match(zone ?? '', /^zone-[123]$/);
    // The operator tries a refused pod again every 10 s.
    await waitFor(`the rack ${zone} on pod ${podName}`, async () => {
      const pod = await core.readNamespacedPod({ namespace: watched, name: podName });
      return pod.metadata?.annotations?.['kafka-actor-operator.io/rack'] === zone ? true : undefined;
    });
  });
});
