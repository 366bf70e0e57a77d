// Conformance with Strimzi 1.2 (real kube-apiserver with etcd): the project's CRDs keep every field of
// Strimzi's with its type and enum values, the same names and columns, type at least 90% of Strimzi's
// schema paths (the figures are printed), and every one of Strimzi's example resources passes the
// apiserver's dry run with its spec kept whole.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { buildCustomResourceDefinitions, type CustomResourceDefinitionManifest } from '../../src/api/crds.ts';
import { installCustomResourceDefinitions } from '../../src/api/install.ts';
import type { StructuralSchema } from '../../src/api/schema.ts';
import { kubernetesEnvironment } from '../support/environment.ts';
import { dryRunProblems } from '../support/manifests.ts';
import { coveragePercent, schemaCoverage } from '../support/schema-coverage.ts';
import { strimziCrd, strimziExampleFiles } from './strimzi-files.ts';

// Fields of Strimzi's schema that ours neither declares nor keeps in an open object, or declares differently.
function compatibilityProblems(reference: StructuralSchema, ours: StructuralSchema, path: string): string[] {
  if (ours['x-kubernetes-preserve-unknown-fields'] === true && ours.properties === undefined) return [];
  const problems: string[] = [];
  if (reference.type !== undefined && ours.type !== undefined && reference.type !== ours.type) {
    problems.push(`${path}: Strimzi's type is ${reference.type}, ours ${ours.type}`);
  }
  for (const value of reference.enum ?? []) {
    if (!ours.enum?.includes(value)) problems.push(`${path}: Strimzi accepts ${value}, we do not`);
  }
  if (!path.startsWith('.status')) {
    for (const name of ours.required ?? []) {
      if (!reference.required?.includes(name)) problems.push(`${path}: we require ${name}, Strimzi does not`);
    }
  }
  for (const [name, child] of Object.entries(reference.properties ?? {})) {
    const ourChild = ours.properties?.[name];
    if (ourChild === undefined && ours['x-kubernetes-preserve-unknown-fields'] !== true) {
      problems.push(`${path}.${name}: missing`);
    } else if (ourChild !== undefined) {
      problems.push(...compatibilityProblems(child, ourChild, `${path}.${name}`));
    }
  }
  if (reference.items !== undefined && ours.items !== undefined) {
    problems.push(...compatibilityProblems(reference.items, ours.items, `${path}[]`));
  }
  return problems;
}

function rootSchemaOf(crd: CustomResourceDefinitionManifest): StructuralSchema {
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  assert.ok(schema, `${crd.metadata.name} has no schema`);
  return schema;
}

const columns = (crd: CustomResourceDefinitionManifest) =>
  crd.spec.versions[0]?.additionalPrinterColumns.map(({ name, type, jsonPath }) => ({
    name,
    type,
    jsonPath,
  }));

for (const ours of buildCustomResourceDefinitions()) {
  const kind = ours.spec.names.kind;
  test(`${kind} keeps every field of Strimzi's schema with its type and enum values, its names and columns`, () => {
    const reference = strimziCrd(kind);
    assert.deepEqual(compatibilityProblems(rootSchemaOf(reference), rootSchemaOf(ours), ''), []);
    assert.deepEqual(columns(ours), columns(reference));
    assert.deepEqual(ours.spec.names, reference.spec.names);
  });
}

// The least share of Strimzi's schema paths each kind's CRD must type.
const minimumCoveragePercent = 90;

for (const ours of buildCustomResourceDefinitions()) {
  const kind = ours.spec.names.kind;
  test(`${kind} types at least ${minimumCoveragePercent}% of Strimzi's schema paths`, (t) => {
    const coverage = schemaCoverage(rootSchemaOf(strimziCrd(kind)), rootSchemaOf(ours));
    const percent = coveragePercent(coverage);
    const figure = `${kind}: ${coverage.typed} of Strimzi's ${coverage.total} schema paths typed (${percent.toFixed(1)}%)`;
    t.diagnostic(figure);
    process.stdout.write(`conformance: ${figure}\n`);
    assert.ok(
      percent >= minimumCoveragePercent,
      `${figure}, under ${minimumCoveragePercent}%; untyped:\n${coverage.untyped.join('\n')}`,
    );
  });
}

const { kubeconfig } = kubernetesEnvironment();
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const namespace = `conformance-crds-${randomUUID().slice(0, 8)}`;

before(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await installCustomResourceDefinitions(kc);
});

after(async () => {
  await core.deleteNamespace({ name: namespace });
});

test("every one of Strimzi's example resources passes a server-side dry run with its spec kept whole", async () => {
  const problems = await dryRunProblems(kc.makeApiClient(CustomObjectsApi), namespace, strimziExampleFiles());
  assert.deepEqual(problems, []);
});
