// Who may read what the operator serves over HTTP (the state-chart view, /metrics), decided by the
// apiserver as kube-rbac-proxy does: the request's bearer token is reviewed (TokenReview), and the
// user it names must be allowed `get` on the proxy of a Service (SubjectAccessReview), the right that
// `kubectl proxy` users already hold. Decisions are kept for a short while, so a page's polling and
// Prometheus' scrapes cost no review each; an apiserver that cannot answer is a refusal (503).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export type Decision = { allowed: true } | { allowed: false; status: 401 | 403 | 503; reason: string };

export interface RequestAuthorizer {
  decide(request: IncomingMessage): Promise<Decision>;
}

// The Service whose `services/proxy` right lets a user in.
export interface GuardedService {
  namespace: string;
  name: string;
}

export const allowEveryone: RequestAuthorizer = { decide: async () => ({ allowed: true }) };

const decisionTtlMs = 30_000;
const maxKeptDecisions = 1_000;

export class ApiserverAuthorizer implements RequestAuthorizer {
  readonly #authentication: AuthenticationV1Api;
  readonly #authorization: AuthorizationV1Api;
  readonly #service: GuardedService;
  readonly #logger: Logger;
  readonly #now: () => number;
  // By a hash of the token, never the token itself.
  readonly #kept = new Map<string, { decision: Decision; until: number }>();

  constructor(kubeConfig: KubeConfig, service: GuardedService, logger: Logger, now: () => number = Date.now) {
    this.#authentication = kubeConfig.makeApiClient(AuthenticationV1Api);
    this.#authorization = kubeConfig.makeApiClient(AuthorizationV1Api);
    this.#service = service;
    this.#logger = logger;
    this.#now = now;
  }

  async decide(request: IncomingMessage): Promise<Decision> {
    const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    if (!token) return { allowed: false, status: 401, reason: 'a bearer token is required' };
    const key = createHash('sha256').update(token).digest('hex');
    const kept = this.#kept.get(key);
    if (kept && kept.until > this.#now()) return kept.decision;
    let decision: Decision;
    try {
      decision = await this.#review(token);
    } catch (error) {
      this.#logger.error({ err: error }, 'the apiserver cannot review a request token: refusing it');
      return { allowed: false, status: 503, reason: 'the apiserver cannot review the token now' };
    }
    if (this.#kept.size >= maxKeptDecisions) this.#kept.delete(this.#kept.keys().next().value ?? '');
    this.#kept.set(key, { decision, until: this.#now() + decisionTtlMs });
    return decision;
  }

  async #review(token: string): Promise<Decision> {
    const review = await this.#authentication.createTokenReview({ body: { spec: { token } } });
    const user = review.status?.user;
    if (!review.status?.authenticated || !user?.username) {
      return { allowed: false, status: 401, reason: 'the token is not valid' };
    }
    const { namespace, name } = this.#service;
    const access = await this.#authorization.createSubjectAccessReview({
      body: {
        spec: {
          user: user.username,
          uid: user.uid,
          groups: user.groups,
          extra: user.extra,
          resourceAttributes: { namespace, resource: 'services', subresource: 'proxy', name, verb: 'get' },
        },
      },
    });
    return access.status?.allowed
      ? { allowed: true }
      : {
          allowed: false,
          status: 403,
          reason: `${user.username} may not get services/proxy ${namespace}/${name}`,
        };
  }
}
