// The Helm chart as tests use it: rendered by the helm the test environment built, its objects sent to
// the real apiserver with kubectl, and its ServiceAccount's token written as the kubeconfig the
// operator's pod would run with. Files go to the caller's work directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { kubernetesEnvironment, toolPath } from './environment.ts';

export const chart = join(import.meta.dirname, '..', '..', 'charts', 'kafka-actor-operator');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests of many kinds are read field by field
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  [field: string]: any;
}

export function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function chartTools(workDirectory: string, defaultRelease = 'kao') {
  const helm = toolPath('helm');
  const kubernetes = kubernetesEnvironment();
  const admin = new KubeConfig();
  admin.loadFromFile(kubernetes.kubeconfig);

  // Writes values to a file of their own, so each render sees exactly the files it names.
  function valuesFile(values: object): string {
    const path = join(workDirectory, `values-${randomUUID().slice(0, 8)}.json`);
    writeFileSync(path, JSON.stringify(values));
    return path;
  }

  // `flags`: more of helm's, e.g. --dry-run=server and --kubeconfig to render against the apiserver.
  function helmTemplate(namespace: string, files: string[], release = defaultRelease, flags: string[] = []) {
    return run(helm, [
      'template',
      release,
      chart,
      '--namespace',
      namespace,
      ...files.flatMap((file) => ['--values', file]),
      ...flags,
    ]);
  }

  function renderChart(
    namespace: string,
    files: string[],
    release = defaultRelease,
    flags: string[] = [],
  ): Manifest[] {
    const { status, stdout, stderr } = helmTemplate(namespace, files, release, flags);
    assert.equal(status, 0, `helm template failed for ${files.join(', ')}:\n${stderr}`);
    return loadAll(stdout).filter((document) => document !== null) as Manifest[];
  }

  // Sends the objects to the apiserver through kubectl, as users do; strict field validation makes an
  // unknown or misspelt field an error, not a warning.
  function kubectlCreate(manifests: Manifest[], dryRun: boolean) {
    const path = join(workDirectory, `manifests-${randomUUID().slice(0, 8)}.json`);
    writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
    return run(kubernetes.kubectl, [
      '--kubeconfig',
      kubernetes.kubeconfig,
      'create',
      ...(dryRun ? ['--dry-run=server'] : []),
      '--validate=strict',
      '--output=name',
      '--filename',
      path,
    ]);
  }

  // Installs a rendered chart's ServiceAccount, Roles and bindings and returns a kubeconfig holding the
  // ServiceAccount's token: what the operator's pod would run with.
  async function installRbac(manifests: Manifest[], namespace: string): Promise<string> {
    const rbac = manifests.filter((m) =>
      ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(m.kind),
    );
    const applied = kubectlCreate(rbac, false);
    assert.equal(applied.status, 0, `could not install the chart's RBAC:\n${applied.stderr}`);
    const serviceAccount = rbac.find((m) => m.kind === 'ServiceAccount');
    assert.ok(serviceAccount);
    const token = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
      name: serviceAccount.metadata.name,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const cluster = admin.getCurrentCluster();
    assert.ok(cluster && token.status?.token);
    const kubeconfig = join(workDirectory, `${serviceAccount.metadata.name}.kubeconfig`);
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'test',
            cluster: {
              server: cluster.server,
              'certificate-authority-data':
                cluster.caData ?? Buffer.from(readFileSync(cluster.caFile ?? '')).toString('base64'),
            },
          },
        ],
        users: [{ name: 'operator', user: { token: token.status.token } }],
        contexts: [{ name: 'operator', context: { cluster: 'test', user: 'operator' } }],
        'current-context': 'operator',
      }),
    );
    return kubeconfig;
  }

  return { helm, kubernetes, valuesFile, helmTemplate, renderChart, kubectlCreate, installRbac };
}
