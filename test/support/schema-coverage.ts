// How much of a reference CRD schema (Strimzi's) another schema (ours) types: every path of the reference
// reached through properties and array items, and whether ours has a node there of a compatible type.
// A path that ours only keeps inside an open object (x-kubernetes-preserve-unknown-fields) is not typed.
import type { StructuralSchema } from '../../src/api/schema.ts';

export interface SchemaCoverage {
  /** Paths of the reference schema, e.g. `.spec.kafka.listeners[].port`. */
  total: number;
  /** Of those, the paths ours has with a compatible type. */
  typed: number;
  /** The reference's paths ours lacks or types differently, each with why. */
  untyped: string[];
}

// int-or-string nodes have no type of their own; they are compatible with each other only.
function typeOf(schema: StructuralSchema): string | undefined {
  return schema['x-kubernetes-int-or-string'] === true ? 'int-or-string' : schema.type;
}

function walk(
  reference: StructuralSchema,
  ours: StructuralSchema | undefined,
  path: string,
  into: SchemaCoverage,
) {
  into.total += 1;
  if (ours === undefined) {
    into.untyped.push(`${path}: missing`);
  } else if (typeOf(reference) !== typeOf(ours)) {
    into.untyped.push(`${path}: Strimzi's type is ${typeOf(reference)}, ours ${typeOf(ours)}`);
  } else {
    into.typed += 1;
  }
  for (const [name, child] of Object.entries(reference.properties ?? {})) {
    walk(child, ours?.properties?.[name], `${path}.${name}`, into);
  }
  if (reference.items !== undefined) walk(reference.items, ours?.items, `${path}[]`, into);
}

/** The coverage of every path of `reference`'s root schema (spec, status, envelope) by `ours`. */
export function schemaCoverage(reference: StructuralSchema, ours: StructuralSchema): SchemaCoverage {
  const coverage: SchemaCoverage = { total: 0, typed: 0, untyped: [] };
  for (const [name, child] of Object.entries(reference.properties ?? {})) {
    walk(child, ours.properties?.[name], `.${name}`, coverage);
  }
  return coverage;
}

export function coveragePercent({ typed, total }: SchemaCoverage): number {
  return total === 0 ? 0 : (100 * typed) / total;
}
