// The apiserver behind a TCP proxy a test can cut (TLS passes through untouched), and a KubeConfig that
// reaches it only through the proxy.
import { KubeConfig } from '@kubernetes/client-node';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

export async function startApiserverProxy(
  kc: KubeConfig,
): Promise<{ proxy: TcpProxy; kubeConfig: KubeConfig }> {
  const apiserver = new URL(kc.getCurrentCluster()?.server ?? '');
  const proxy = await startTcpProxy(apiserver.hostname, Number(apiserver.port));
  return { proxy, kubeConfig: kubeConfigThroughProxy(kc, proxy.port) };
}

// `kc` with every cluster's server replaced by a proxy on 127.0.0.1:`port`.
export function kubeConfigThroughProxy(kc: KubeConfig, port: number): KubeConfig {
  const proxied = new KubeConfig();
  proxied.loadFromOptions({
    clusters: kc.clusters.map((cluster) => ({ ...cluster, server: `https://127.0.0.1:${port}` })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return proxied;
}
