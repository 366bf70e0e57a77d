// Service accounts of namespace kao-audited, whose requests the test apiserver's audit log records (gets,
// lists and writes: test/env/up.sh), and the entries recorded, for tests that ask the apiserver who did what.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, type CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { kubernetesAuditLog, runDirectory } from './environment.ts';
import { type OperatorProcess, startOperatorProcess } from './operator-process.ts';

export const auditedNamespace = 'kao-audited';

export interface AuditEntry {
  username: string;
  verb: string;
  namespace: string | undefined;
  resource: string;
  name: string;
  // RFC 3339 with microseconds: compared as strings.
  received: string;
  completed: string;
  code: number;
}

const ignoreConflict = (error: unknown) => {
  if (!(error instanceof ApiException && error.code === 409)) throw error;
};

export const auditedUser = (name: string) => `system:serviceaccount:${auditedNamespace}:${name}`;

// A kubeconfig file that authenticates as service account kao-audited/<name>, bound to cluster-admin.
export async function auditedKubeConfig(
  admin: KubeConfig,
  core: CoreV1Api,
  name: string,
  base: KubeConfig = admin,
): Promise<string> {
  await core.createNamespace({ body: { metadata: { name: auditedNamespace } } }).catch(ignoreConflict);
  await core
    .createNamespacedServiceAccount({ namespace: auditedNamespace, body: { metadata: { name } } })
    .catch(ignoreConflict);
  await admin
    .makeApiClient(RbacAuthorizationV1Api)
    .createClusterRoleBinding({
      body: {
        metadata: { name: `${auditedNamespace}-${name}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name, namespace: auditedNamespace }],
      },
    })
    .catch(ignoreConflict);
  const token = await core.createNamespacedServiceAccountToken({
    name,
    namespace: auditedNamespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: base.clusters,
    users: [{ name, token: token.status?.token }],
    contexts: [{ name, cluster: base.getCurrentCluster()?.name ?? '', user: name }],
    currentContext: name,
  });
  const path = join(runDirectory, `kubeconfig-${auditedNamespace}-${name}`);
  writeFileSync(path, kc.exportConfig());
  return path;
}

// The operator as a process under service account kao-audited/<account>, resyncing every 2 s, so
// that the audit log tells what its resyncs ask of the apiserver.
export async function startAuditedOperator(
  name: string,
  fixture: { env: Record<string, string>; kc: KubeConfig; core: CoreV1Api },
  account: string,
): Promise<OperatorProcess> {
  return startOperatorProcess(name, {
    ...fixture.env,
    KUBECONFIG: await auditedKubeConfig(fixture.kc, fixture.core, account),
    RESYNC_INTERVAL_MS: '2000',
  });
}

export function auditEntries(): AuditEntry[] {
  return readFileSync(kubernetesAuditLog(), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .map((entry) => ({
      username: entry.user?.username,
      verb: entry.verb,
      namespace: entry.objectRef?.namespace,
      resource: [entry.objectRef?.resource, entry.objectRef?.subresource].filter(Boolean).join('/'),
      name: entry.objectRef?.name ?? '',
      received: entry.requestReceivedTimestamp,
      completed: entry.stageTimestamp,
      code: entry.responseStatus?.code ?? 0,
    }));
}

export const writeVerbs: ReadonlySet<string> = new Set([
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
]);
