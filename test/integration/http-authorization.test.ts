// Real services: kube-apiserver (TokenReview, SubjectAccessReview, service-account tokens), Kafka, Redis;
// the operator as a separate process with /metrics and the state-chart view each guarded by a Service's
// `services/proxy` right. No token: 401; a token without the right: 403; with it: 200. The probes stay open.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { operatorFixture } from '../support/operator-fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../support/operator-process.ts';

const fixture = await operatorFixture('http-authorization');
const { core, namespace } = fixture;
const metricsService = 'kao-metrics';
const viewService = 'kao-state-chart-view';
let operator: OperatorProcess;
let httpPort: number;
let viewPort: number;
const tokens: Record<'viewer' | 'stranger', string> = { viewer: '', stranger: '' };

async function serviceAccountToken(name: string): Promise<string> {
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  const request = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  return request.status?.token ?? '';
}

before(async () => {
  const rbac = fixture.kc.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'operator-http-reader' },
      rules: [
        {
          apiGroups: [''],
          resources: ['services/proxy'],
          resourceNames: [metricsService, viewService],
          verbs: ['get'],
        },
      ],
    },
  });
  tokens.viewer = await serviceAccountToken('viewer');
  tokens.stranger = await serviceAccountToken('stranger');
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'viewer-reads-operator-http' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'operator-http-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace }],
    },
  });
  operator = startOperatorProcess('http-authorization', {
    ...fixture.env,
    METRICS_AUTHORIZATION_SERVICE: `${namespace}/${metricsService}`,
    STATE_CHART_VIEW_PORT: '0',
    STATE_CHART_VIEW_AUTHORIZATION_SERVICE: `${namespace}/${viewService}`,
    STATE_CHART_VIEW_MAX_STREAMS: '1',
  });
  httpPort = await operator.httpPort();
  viewPort = await operator.stateChartViewPort();
});
after(async () => {
  await operator.stop();
  await fixture.cleanup();
});

async function status(port: number, path: string, token?: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel();
  return response.status;
}

test('/metrics needs a token allowed services/proxy on its Service; /healthz and /readyz need none', async () => {
  assert.equal(await status(httpPort, '/metrics'), 401);
  assert.equal(await status(httpPort, '/metrics', 'not-a-token'), 401);
  assert.equal(await status(httpPort, '/metrics', tokens.stranger), 403);
  assert.equal(await status(httpPort, '/metrics', tokens.viewer), 200);
  assert.equal(await status(httpPort, '/healthz'), 200);
  assert.notEqual(await status(httpPort, '/readyz'), 401);
});

test('the state-chart view answers only a token allowed services/proxy on its Service', async () => {
  for (const path of ['/', '/api/actors', '/api/machines']) {
    assert.equal(await status(viewPort, path), 401, path);
    assert.equal(await status(viewPort, path, tokens.stranger), 403, path);
    assert.equal(await status(viewPort, path, tokens.viewer), 200, path);
  }
});

test('the view keeps at most STATE_CHART_VIEW_MAX_STREAMS live streams open, and refuses more with 429', async () => {
  const first = new AbortController();
  const open = await fetch(`http://127.0.0.1:${viewPort}/events`, {
    headers: { authorization: `Bearer ${tokens.viewer}` },
    signal: first.signal,
  });
  try {
    assert.equal(open.status, 200);
    assert.equal(await status(viewPort, '/events', tokens.viewer), 429);
  } finally {
    first.abort();
  }
});
