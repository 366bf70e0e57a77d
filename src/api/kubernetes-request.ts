// One request to the Kubernetes API, core and custom groups alike, as plain JSON through the
// KubeConfig's authentication (PooledKubeConfig's shared connection pool): the runtime's lists and the
// effects' object client go through it.
import {
  type HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

// A request the apiserver refused or could not answer; `statusCode` is undefined when it never answered.
export class KubernetesRequestError extends Error {
  readonly statusCode: number | undefined;

  constructor(message: string, statusCode: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubernetesRequestError';
    this.statusCode = statusCode;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubernetesRequestError && error.statusCode === 404;
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  // What to answer with, e.g. the objects' metadata only; plain JSON objects by default.
  accept?: string;
  signal?: AbortSignal;
}

export class KubernetesRequests {
  readonly #kubeConfig: KubeConfig;
  readonly #http = new IsomorphicFetchHttpLibrary();

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const server = this.#kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const context = new RequestContext(url.toString(), method);
    context.setHeaderParam('Accept', options.accept ?? 'application/json');
    if (options.body !== undefined) {
      context.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      context.setBody(JSON.stringify(options.body));
    }
    if (options.signal) context.setSignal(options.signal);
    await this.#kubeConfig.applySecurityAuthentication(context);
    const what = `${method} ${path}`;
    let response: ResponseContext;
    try {
      response = await this.#http.send(context).toPromise();
    } catch (error) {
      throw new KubernetesRequestError(
        `${what} failed: ${error instanceof Error ? error.message : String(error)}; check that ${server} is reachable`,
        undefined,
        { cause: error },
      );
    }
    const text = await response.body.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (response.httpStatusCode >= 400) {
      const message = (parsed as { message?: unknown } | undefined)?.message;
      throw new KubernetesRequestError(
        `${what} failed: HTTP ${response.httpStatusCode}${typeof message === 'string' ? ` ${message}` : ''}`,
        response.httpStatusCode,
      );
    }
    return parsed as T;
  }
}
