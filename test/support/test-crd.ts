// A small custom resource of the tests' own, for exercising the apiserver and the informer apart from
// Strimzi's schemas: namespaced, with spec.size and a status subresource holding phase and observedGeneration.
import { ApiException, ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { waitFor } from './wait.ts';

export interface TestResourceNames {
  group: string;
  version: string;
  kind: string;
  singular: string;
  plural: string;
}

// Creates the CRD unless it exists (test files share one apiserver) and waits until it is served.
export async function installTestCrd(kc: KubeConfig, names: TestResourceNames): Promise<void> {
  const { group, version, kind, singular, plural } = names;
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  const name = `${plural}.${group}`;
  await extensions
    .createCustomResourceDefinition({
      body: {
        metadata: { name },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural, singular, kind },
          versions: [
            {
              name: version,
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: { type: 'object', properties: { size: { type: 'integer' } } },
                    status: {
                      type: 'object',
                      properties: { phase: { type: 'string' }, observedGeneration: { type: 'integer' } },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    })
    .catch((error: unknown) => {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    });
  await waitFor(`the ${kind} CRD to be established`, async () => {
    const crd = await extensions.readCustomResourceDefinition({ name });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
      ? true
      : undefined;
  });
}
