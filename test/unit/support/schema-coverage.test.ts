// The conformance run's coverage figure: which of a reference schema's paths another schema types.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StructuralSchema } from '../../../src/api/schema.ts';
import { coveragePercent, schemaCoverage } from '../../support/schema-coverage.ts';

const reference: StructuralSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        size: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        roles: { type: 'array', items: { type: 'string' } },
        template: { type: 'object', properties: { pod: { type: 'object' } } },
      },
    },
  },
};

test('every path of the reference counts, through properties and array items', () => {
  const coverage = schemaCoverage(reference, reference);
  assert.deepEqual(coverage, { total: 7, typed: 7, untyped: [] });
  assert.equal(coveragePercent(coverage), 100);
});

test('a missing path, a path of another type, and paths only an open object keeps are not typed', () => {
  const ours: StructuralSchema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'string' },
          size: { type: 'string' },
          template: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  };
  const coverage = schemaCoverage(reference, ours);
  assert.deepEqual(coverage.untyped, [
    ".spec.replicas: Strimzi's type is integer, ours string",
    ".spec.size: Strimzi's type is int-or-string, ours string",
    '.spec.roles: missing',
    '.spec.roles[]: missing',
    '.spec.template.pod: missing',
  ]);
  assert.equal(coverage.typed, 2);
  assert.equal(coveragePercent(coverage).toFixed(1), '28.6');
});
