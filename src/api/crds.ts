// The CustomResourceDefinitions of kafka.strimzi.io, built from the kinds' own schemas.
import type { CustomResourceKind, PrinterColumn } from './common.ts';
import { apiGroup, customResourceKinds, servedVersions, storageVersion } from './resources.ts';
import type { StructuralSchema } from './schema.ts';

/** A CRD as sent to the apiserver and written to YAML (wire field names, unlike the client's models). */
export interface CustomResourceDefinitionManifest {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: Pick<
      CustomResourceKind,
      'kind' | 'listKind' | 'plural' | 'singular' | 'shortNames' | 'categories'
    >;
    scope: 'Namespaced';
    conversion: { strategy: 'None' };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: {
        status: Record<string, never>;
        scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string };
      };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: StructuralSchema };
    }[];
  };
}

export function buildCustomResourceDefinition(
  definition: CustomResourceKind,
): CustomResourceDefinitionManifest {
  const { kind, listKind, plural, singular, shortNames, categories, schema, printerColumns, scale } =
    definition;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${apiGroup}`,
      labels: { app: 'kafka-actor-operator' },
    },
    spec: {
      group: apiGroup,
      names: { kind, listKind, plural, singular, shortNames, categories },
      scope: 'Namespaced',
      // Both versions have one schema, so objects convert by changing apiVersion alone.
      conversion: { strategy: 'None' },
      versions: servedVersions.map((version) => ({
        name: version,
        served: true,
        storage: version === storageVersion,
        subresources: scale === undefined ? { status: {} } : { status: {}, scale },
        additionalPrinterColumns: printerColumns,
        schema: { openAPIV3Schema: schema },
      })),
    },
  };
}

export function buildCustomResourceDefinitions(): CustomResourceDefinitionManifest[] {
  return customResourceKinds.map(buildCustomResourceDefinition);
}
