// The Ingresses of ingress listeners, as Strimzi makes them: one for the bootstrap and one per broker, each
// routing its host to the ClusterIP service of the same name. Kafka speaks TLS end to end, so the ingress
// controller passes the connection through by its SNI host (ingress-nginx's ssl-passthrough) rather than
// terminating it; the listener's configuration.class names the IngressClass.
import type { V1Ingress } from '@kubernetes/client-node';
import type {
  ClusterModel,
  ListenerModel,
  MetadataTemplateModel,
  NodeModel,
} from '../../../machines/cluster-model.ts';
import { listenerBootstrapServiceName, perBrokerServiceName } from '../cluster-names.ts';
import { clusterLabels, isBroker, kafkaOwnerReference, poolLabels } from './object-metadata.ts';
import { templatedServiceMetadata } from './service-template.ts';

const passthroughAnnotations = {
  'ingress.kubernetes.io/ssl-passthrough': 'true',
  'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
  'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
};

function ingressListeners(model: ClusterModel): ListenerModel[] {
  return model.listeners.filter((listener) => listener.type === 'ingress');
}

interface IngressParts {
  name: string;
  host: string | undefined;
  template: MetadataTemplateModel;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

// Without a host there is nothing to route: the listener's validation says so, and no Ingress is made.
function buildIngress(model: ClusterModel, listener: ListenerModel, parts: IngressParts): V1Ingress[] {
  if (!parts.host) return [];
  const className = listener.configuration.class;
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: parts.name,
        namespace: model.namespace,
        ...templatedServiceMetadata(parts.template, parts.labels, {
          ...passthroughAnnotations,
          ...parts.annotations,
        }),
        ownerReferences: [kafkaOwnerReference(model)],
      },
      spec: {
        ...(typeof className === 'string' && { ingressClassName: className }),
        rules: [
          {
            host: parts.host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: parts.name, port: { number: listener.port } } },
                },
              ],
            },
          },
        ],
        tls: [{ hosts: [parts.host] }],
      },
    },
  ];
}

export function buildListenerBootstrapIngresses(model: ClusterModel): V1Ingress[] {
  return ingressListeners(model).flatMap((listener) =>
    buildIngress(model, listener, {
      name: listenerBootstrapServiceName(model.name, listener.name),
      host: listener.bootstrap.host,
      template: model.templates.externalBootstrapIngress,
      labels: { ...listener.bootstrap.labels, ...clusterLabels(model) },
      annotations: listener.bootstrap.annotations,
    }),
  );
}

export function buildPerBrokerIngresses(model: ClusterModel, node: NodeModel): V1Ingress[] {
  if (!isBroker(node)) return [];
  return ingressListeners(model).flatMap((listener) => {
    const broker = listener.brokers.find((entry) => entry.nodeId === node.id);
    return buildIngress(model, listener, {
      name: perBrokerServiceName(model.name, node.pool, listener.name, node.id),
      host: broker?.host,
      template: model.pools.find((pool) => pool.name === node.pool)?.template.perPodIngress ?? {
        labels: {},
        annotations: {},
      },
      labels: { ...broker?.labels, ...poolLabels(model, node.pool) },
      annotations: broker?.annotations ?? {},
    });
  });
}
