import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { load } from 'js-yaml';
import {
  buildCustomResourceDefinitions,
  type CustomResourceDefinitionManifest,
} from '../../../src/api/crds.ts';
import { kafkaNodePoolType, resourceTypeForKind } from '../../../src/api/resources.ts';
import type { StructuralSchema } from '../../../src/api/schema.ts';
import { writeCustomResourceDefinitions } from '../../../src/api/write-crds.ts';

const crds = buildCustomResourceDefinitions();

function crdOf(kind: string): CustomResourceDefinitionManifest {
  const crd = crds.find((candidate) => candidate.spec.names.kind === kind);
  assert.ok(crd, `no CRD for ${kind}`);
  return crd;
}

function rootSchemaOf(crd: CustomResourceDefinitionManifest): StructuralSchema {
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  assert.ok(schema, `${crd.metadata.name} has no schema`);
  return schema;
}

const schemaKeys = new Set([
  'type',
  'description',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'enum',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'format',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-validations',
]);
const ruleKeys = new Set(['rule', 'message', 'fieldPath', 'reason']);

// The rules of a structural schema (Kubernetes docs, "Specifying a structural schema"), plus no stray keys.
function structuralProblems(node: StructuralSchema, path: string): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (!schemaKeys.has(key)) problems.push(`${path}: unknown key ${key}`);
    if (value === undefined) problems.push(`${path}: ${key} is undefined`);
  }
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.type === undefined && !intOrString && !open) problems.push(`${path}: no type`);
  if (intOrString && node.type !== undefined) problems.push(`${path}: int-or-string with a type`);
  if (node.anyOf !== undefined) {
    if (!intOrString) problems.push(`${path}: anyOf outside int-or-string`);
    for (const branch of node.anyOf) {
      if (Object.keys(branch).some((key) => key !== 'type'))
        problems.push(`${path}: anyOf branch not just a type`);
    }
  }
  if ((node.type === 'array') !== (node.items !== undefined)) problems.push(`${path}: items without array`);
  if ((node.properties !== undefined || node.additionalProperties !== undefined) && node.type !== 'object') {
    problems.push(`${path}: properties on a non-object`);
  }
  if (node.properties !== undefined && node.additionalProperties !== undefined) {
    problems.push(`${path}: both properties and additionalProperties`);
  }
  for (const name of node.required ?? []) {
    if (node.properties?.[name] === undefined) problems.push(`${path}: required ${name} is not a property`);
  }
  for (const value of node.enum ?? []) {
    if (typeof value !== node.type) problems.push(`${path}: enum value ${value} is not a ${node.type}`);
  }
  if (node['x-kubernetes-list-type'] === 'map') {
    for (const key of node['x-kubernetes-list-map-keys'] ?? []) {
      if (!node.items?.required?.includes(key)) problems.push(`${path}: map key ${key} is not required`);
    }
  }
  for (const rule of node['x-kubernetes-validations'] ?? []) {
    if (!rule.rule || !rule.message) problems.push(`${path}: a CEL rule needs a rule and a message`);
    for (const key of Object.keys(rule)) if (!ruleKeys.has(key)) problems.push(`${path}: rule key ${key}`);
  }
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    problems.push(...structuralProblems(child, `${path}.${name}`));
  }
  if (node.items !== undefined) problems.push(...structuralProblems(node.items, `${path}[]`));
  if (node.additionalProperties !== undefined) {
    problems.push(...structuralProblems(node.additionalProperties, `${path}{}`));
  }
  return problems;
}

test('every CRD schema is structural: each node is typed (or int-or-string, or open) and has no unknown keys', () => {
  for (const crd of crds) {
    const root = rootSchemaOf(crd);
    assert.deepEqual(structuralProblems(root, crd.spec.names.kind), []);
    assert.deepEqual(root.properties?.metadata, { type: 'object' }, 'metadata is left to the apiserver');
  }
});

test('the four kinds are served as v1 (stored) and v1beta2 with one schema, a status subresource and columns', () => {
  assert.deepEqual(
    crds.map((crd) => [crd.metadata.name, crd.spec.names.shortNames, crd.spec.names.categories]),
    [
      ['kafkas.kafka.strimzi.io', ['k'], ['strimzi']],
      ['kafkanodepools.kafka.strimzi.io', ['knp'], ['strimzi']],
      ['kafkatopics.kafka.strimzi.io', ['kt'], ['strimzi']],
      ['kafkausers.kafka.strimzi.io', ['ku'], ['strimzi']],
    ],
  );
  for (const crd of crds) {
    assert.equal(crd.spec.group, 'kafka.strimzi.io');
    assert.equal(crd.spec.scope, 'Namespaced');
    const [v1, v1beta2] = crd.spec.versions;
    assert.deepEqual([v1?.name, v1?.served, v1?.storage], ['v1', true, true]);
    assert.deepEqual([v1beta2?.name, v1beta2?.served, v1beta2?.storage], ['v1beta2', true, false]);
    assert.deepEqual(v1beta2?.schema, v1?.schema);
    assert.deepEqual(v1beta2?.subresources, v1?.subresources);
    assert.deepEqual(v1?.subresources.status, {});
    assert.ok((v1?.additionalPrinterColumns.length ?? 0) > 0);
  }
});

test('KafkaNodePool has the scale subresource on spec.replicas, status.replicas and status.labelSelector', () => {
  assert.deepEqual(crdOf('KafkaNodePool').spec.versions[0]?.subresources.scale, {
    specReplicasPath: '.spec.replicas',
    statusReplicasPath: '.status.replicas',
    labelSelectorPath: '.status.labelSelector',
  });
  assert.equal(crdOf('KafkaTopic').spec.versions[0]?.subresources.scale, undefined);
});

test('write-crds writes one YAML file per CRD, named as Strimzi numbers them, that reads back as built', () => {
  const directory = mkdtempSync(join(tmpdir(), 'crds-'));
  try {
    const paths = writeCustomResourceDefinitions(join(directory, 'crds'));
    assert.deepEqual(readdirSync(join(directory, 'crds')).sort(), [
      '040-crd-kafka.yaml',
      '043-crd-kafkatopic.yaml',
      '044-crd-kafkauser.yaml',
      '045-crd-kafkanodepool.yaml',
    ]);
    for (const path of paths) {
      const text = readFileSync(path, 'utf8');
      assert.doesNotMatch(text, /[&*]ref_\d+/, `${path} uses YAML anchors`);
      const written = load(text) as CustomResourceDefinitionManifest;
      assert.deepEqual(written, crdOf(written.spec.names.kind));
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a kind resolves to its group, storage version and plural, and an unknown kind is an error that lists them', () => {
  assert.deepEqual(resourceTypeForKind('KafkaNodePool'), kafkaNodePoolType);
  assert.deepEqual(kafkaNodePoolType, {
    group: 'kafka.strimzi.io',
    version: 'v1',
    kind: 'KafkaNodePool',
    plural: 'kafkanodepools',
  });
  assert.throws(
    () => resourceTypeForKind('KafkaConnect'),
    /KafkaConnect is not a kind of kafka.strimzi.io.*KafkaTopic/,
  );
});
