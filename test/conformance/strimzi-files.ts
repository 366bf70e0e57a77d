// Strimzi's own files for the conformance run: its CRDs and example resources, found at any depth under
// the directories that STRIMZI_FILES lists (scripts/conformance.sh sets it from its arguments). Nothing
// found is a failure, never a pass.
import { delimiter, join } from 'node:path';
import type { CustomResourceDefinitionManifest } from '../../src/api/crds.ts';
import { apiGroup } from '../../src/api/resources.ts';
import { type ManifestFile, manifestFilesUnder, strimziResources } from '../support/manifests.ts';

function directories(): string[] {
  const listed = (process.env.STRIMZI_FILES ?? '').split(delimiter).filter((directory) => directory !== '');
  if (listed.length === 0) {
    throw new Error(
      "STRIMZI_FILES names no directory of Strimzi's files; run the conformance run as " +
        '`npm run conformance -- DIR...` (see the README)',
    );
  }
  return listed;
}

const files: ManifestFile[] = directories().flatMap((directory) =>
  manifestFilesUnder(directory).map(({ file, manifests }) => ({ file: join(directory, file), manifests })),
);

/** Strimzi's CRD of a kind of kafka.strimzi.io. */
export function strimziCrd(kind: string): CustomResourceDefinitionManifest {
  const crd = files
    .flatMap(({ manifests }) => manifests)
    .find((manifest) => {
      const candidate = manifest as unknown as CustomResourceDefinitionManifest;
      return (
        candidate.kind === 'CustomResourceDefinition' &&
        candidate.spec?.group === apiGroup &&
        candidate.spec.names?.kind === kind
      );
    });
  if (!crd) throw new Error(`no CustomResourceDefinition of ${kind} in ${directories().join(', ')}`);
  return crd as unknown as CustomResourceDefinitionManifest;
}

/** The files that hold Strimzi custom resources (Kafka, KafkaNodePool, KafkaTopic, KafkaUser). */
export function strimziExampleFiles(): ManifestFile[] {
  const examples = files.filter(({ manifests }) => strimziResources(manifests).length > 0);
  if (examples.length === 0) throw new Error(`no Strimzi example resources in ${directories().join(', ')}`);
  return examples;
}
