// A schema builder whose values are Kubernetes structural OpenAPI v3 schemas and whose TypeScript types are
// inferred from them (`Infer<typeof schema>`), so the CRD, the apiserver's validation and the types that the
// operator reads cannot drift apart.

/** A CEL rule the apiserver checks at admission (`x-kubernetes-validations`). */
export interface ValidationRule {
  rule: string;
  message: string;
  /** Where the error points, relative to the node that holds the rule, e.g. `.topicName`. */
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

/** The subset of OpenAPI v3 that a structural CRD schema may use, spelled as on the wire. */
export interface StructuralSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, StructuralSchema>;
  required?: string[];
  additionalProperties?: StructuralSchema;
  items?: StructuralSchema;
  anyOf?: StructuralSchema[];
  enum?: readonly (string | number | boolean)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: ValidationRule[];
}

// Exists only in the type system: carries the TypeScript type a schema describes.
declare const describes: unique symbol;

/** A structural schema that also carries the TypeScript type of the values it accepts. */
export type Schema<T> = StructuralSchema & { readonly [describes]: T };

export type Infer<S> = S extends { readonly [describes]: infer T } ? T : never;

/** Options every schema node accepts. */
export interface CommonOptions<T> {
  description?: string;
  default?: T;
  validations?: ValidationRule[];
}

export interface StringOptions extends CommonOptions<string> {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
}

export interface NumberOptions extends CommonOptions<number> {
  minimum?: number;
  maximum?: number;
}

export interface ArrayOptions<T> extends CommonOptions<T[]> {
  minItems?: number;
  maxItems?: number;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
}

export interface ObjectOptions<R extends string> extends CommonOptions<never> {
  required?: readonly R[];
  /** Keep fields the schema does not list (Strimzi's open objects: broker config, pod templates). */
  preserveUnknownFields?: boolean;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ObjectOf<P extends Record<string, Schema<unknown>>, R extends keyof P> = Simplify<
  { [K in R]: Infer<P[K]> } & { [K in Exclude<keyof P, R>]?: Infer<P[K]> }
>;

// Builds one node; options left unset leave no key behind, so the output stays a minimal structural schema.
function node<T>(schema: StructuralSchema, options: CommonOptions<T> = {}): Schema<T> {
  const { description, validations } = options;
  const entries = Object.entries({
    ...schema,
    description,
    default: options.default,
    'x-kubernetes-validations': validations?.length ? validations : undefined,
  });
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as unknown as Schema<T>;
}

export function string(options: StringOptions = {}): Schema<string> {
  const { pattern, minLength, maxLength, format, ...common } = options;
  return node({ type: 'string', pattern, minLength, maxLength, format }, common);
}

/** A string restricted to the given values; its type is their union. */
export function enumOf<const V extends string>(
  values: readonly V[],
  options: CommonOptions<V> = {},
): Schema<V> {
  return node({ type: 'string', enum: values }, options);
}

export function integer(options: NumberOptions = {}): Schema<number> {
  const { minimum, maximum, ...common } = options;
  return node({ type: 'integer', minimum, maximum }, common);
}

export function number(options: NumberOptions = {}): Schema<number> {
  const { minimum, maximum, ...common } = options;
  return node({ type: 'number', minimum, maximum }, common);
}

export function boolean(options: CommonOptions<boolean> = {}): Schema<boolean> {
  return node({ type: 'boolean' }, options);
}

/** Kubernetes' int-or-string (quantities, ports by name); a pattern applies to the string form. */
export function intOrString(
  options: CommonOptions<number | string> & { pattern?: string } = {},
): Schema<number | string> {
  const { pattern, ...common } = options;
  return node(
    {
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      pattern,
    },
    common,
  );
}

export function array<T>(items: Schema<T>, options: ArrayOptions<T> = {}): Schema<T[]> {
  const { minItems, maxItems, listType, listMapKeys, ...common } = options;
  return node(
    {
      type: 'array',
      items,
      minItems,
      maxItems,
      'x-kubernetes-list-type': listType,
      'x-kubernetes-list-map-keys': listMapKeys,
    },
    common,
  );
}

/** An object with arbitrary keys whose values all follow one schema (labels, resource quantities). */
export function record<T>(
  values: Schema<T>,
  options: CommonOptions<Record<string, T>> = {},
): Schema<Record<string, T>> {
  return node({ type: 'object', additionalProperties: values }, options);
}

/** An object whose content the apiserver keeps as sent; T is what the operator expects to find there. */
export function preserveUnknown<T extends object = Record<string, unknown>>(
  options: CommonOptions<T> = {},
): Schema<T> {
  return node({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, options);
}

export function object<P extends Record<string, Schema<unknown>>, const R extends keyof P & string = never>(
  properties: P,
  options: ObjectOptions<R> & { preserveUnknownFields: true },
): Schema<ObjectOf<P, R> & { [field: string]: unknown }>;
export function object<P extends Record<string, Schema<unknown>>, const R extends keyof P & string = never>(
  properties: P,
  options?: ObjectOptions<R>,
): Schema<ObjectOf<P, R>>;
export function object<P extends Record<string, Schema<unknown>>, const R extends keyof P & string = never>(
  properties: P,
  options: ObjectOptions<R> = {},
): Schema<ObjectOf<P, R>> {
  const { required, preserveUnknownFields, ...common } = options;
  return node<ObjectOf<P, R>>(
    {
      type: 'object',
      properties: Object.keys(properties).length === 0 ? undefined : properties,
      required: required === undefined || required.length === 0 ? undefined : [...required],
      'x-kubernetes-preserve-unknown-fields': preserveUnknownFields ? true : undefined,
    },
    common,
  );
}
