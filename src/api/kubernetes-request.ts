// One request to the Kubernetes API, core and custom groups alike, as plain JSON through the
// KubeConfig's authentication (PooledKubeConfig's shared connection pool): the runtime's lists and
// watches and the effects' object client go through it. It is sent with the pool's own request rather
// than fetch: fetch's web streams cost about twice the CPU per request.
import { HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { type Dispatcher, getGlobalDispatcher } from 'undici';

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

type ResponseBody = Dispatcher.ResponseData['body'];

// The path of a resource's collection (name undefined) or of one object, in a namespace or (namespace
// undefined) across all or cluster-scoped. The core group lives under /api, the others under /apis.
export function resourcePath(
  { group, version, plural }: { group: string; version: string; plural: string },
  namespace: string | undefined,
  name?: string,
): string {
  const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${base}${scope}/${plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

export class KubernetesRequests {
  readonly #kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    return this.#answer<T>(method, path, await this.#send(method, path, options));
  }

  // One object, or undefined when there is none: an expected 404 builds no error.
  async getIfPresent<T>(path: string, options: RequestOptions = {}): Promise<T | undefined> {
    const response = await this.#send(HttpMethod.GET, path, options);
    if (response.statusCode !== 404) return this.#answer<T>(HttpMethod.GET, path, response);
    await response.body.dump();
    return undefined;
  }

  // A GET whose answer the caller reads as it comes (a watch); an error status fails it as `request` does.
  async stream(
    path: string,
    options: Omit<RequestOptions, 'body' | 'contentType'> = {},
  ): Promise<ResponseBody> {
    const response = await this.#send(HttpMethod.GET, path, options);
    if (response.statusCode < 400) return response.body;
    return this.#answer<never>(HttpMethod.GET, path, response);
  }

  async #answer<T>(method: HttpMethod, path: string, response: Dispatcher.ResponseData): Promise<T> {
    const text = await response.body.text();
    if (response.statusCode >= 400) throw refusal(method, path, response.statusCode, parseJson(text));
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async #send(method: HttpMethod, path: string, options: RequestOptions): Promise<Dispatcher.ResponseData> {
    const server = this.#kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const context = new RequestContext(url.toString(), method);
    context.setHeaderParam('Accept', options.accept ?? 'application/json');
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) context.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
    await this.#kubeConfig.applySecurityAuthentication(context);
    // No dispatcher: the kubeconfig asks for nothing of its own (plain HTTP, no proxy).
    const dispatcher = (context.getDispatcher() as Dispatcher | undefined) ?? getGlobalDispatcher();
    try {
      return await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers: context.getHeaders(),
        body,
        signal: options.signal,
      });
    } catch (error) {
      throw new KubernetesRequestError(
        `${method} ${path} failed: ${error instanceof Error ? error.message : String(error)}; check that ${server} is reachable`,
        undefined,
        { cause: error },
      );
    }
  }
}

function refusal(
  method: HttpMethod,
  path: string,
  statusCode: number,
  parsed: unknown,
): KubernetesRequestError {
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return new KubernetesRequestError(
    `${method} ${path} failed: HTTP ${statusCode}${typeof message === 'string' ? ` ${message}` : ''}`,
    statusCode,
  );
}

// An error answer that is not JSON (a proxy's page) is reported by its status alone.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
