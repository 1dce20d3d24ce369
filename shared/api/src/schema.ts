/**
 * Builders for the API types. Each builder returns a TypeBox schema, so one declaration gives both the static
 * TypeScript type (`Static<typeof X>`) and the JSON schema from which crds/ is generated. Kubernetes extensions
 * (`x-kubernetes-*`) ride along as schema options and are copied into the CRD verbatim.
 */
import { Type, type TSchema, type TObject, type TProperties, type TLiteral, type SchemaOptions, type Static } from "@sinclair/typebox";

export { Type, type Static, type TSchema };

/** Options accepted by every builder: documentation, defaults and Kubernetes extensions. */
export interface FieldOptions extends SchemaOptions {
  description?: string;
  default?: unknown;
  "x-kubernetes-validations"?: Array<{ rule: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string }>;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
}

export const str = (o: FieldOptions & { pattern?: string; minLength?: number; maxLength?: number; format?: string } = {}) =>
  Type.String(o);
export const int = (o: FieldOptions & { minimum?: number; maximum?: number; format?: "int32" | "int64" } = {}) =>
  Type.Integer(o);
export const num = (o: FieldOptions & { minimum?: number; maximum?: number } = {}) => Type.Number(o);
export const bool = (o: FieldOptions = {}) => Type.Boolean(o);

/**
 * A string restricted to `values`; the static type is the union of the literals. Built as a union of literals so
 * TypeBox can check values at run time; the CRD generator writes it as `type: string` + `enum`.
 */
export const enumOf = <const V extends readonly string[]>(values: V, o: FieldOptions = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)) as TLiteral<V[number]>[],
    o,
  );

/** Go's time.Duration as Flux writes it (`1m`, `1h30m`, `500ms`). */
export const DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";
export const duration = (o: FieldOptions = {}) => Type.String({ pattern: DURATION_PATTERN, ...o });
/** Timeouts of the source, image and notification kinds: as DURATION_PATTERN but without hours. */
export const TIMEOUT_PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m))+$";

/** RFC 3339 timestamp (metav1.Time). */
export const time = (o: FieldOptions = {}) => Type.String({ format: "date-time", ...o });

/** A struct. Fields wrapped in `opt()` are optional; the rest are listed as `required`. */
export const obj = <P extends TProperties>(props: P, o: FieldOptions = {}): TObject<P> => Type.Object(props, o);

/** Marks a field of `obj()` optional. */
export const opt = <S extends TSchema>(s: S) => Type.Optional(s);

/** A list. Pass `x-kubernetes-list-type` / `-list-map-keys` in `o` where Flux's CRD does. */
export const listOf = <S extends TSchema>(items: S, o: FieldOptions & { minItems?: number; maxItems?: number } = {}) =>
  Type.Array(items, o);

/** A map from string keys to `values` (OpenAPI `additionalProperties`). */
export const mapOf = <S extends TSchema>(values: S, o: FieldOptions = {}) => Type.Record(Type.String(), values, o);

/** Arbitrary JSON kept as it is (e.g. HelmRelease `values`): `x-kubernetes-preserve-unknown-fields`, no type. */
export const anyJSON = (o: FieldOptions = {}) => Type.Unknown({ "x-kubernetes-preserve-unknown-fields": true, ...o });

/** A value that may be an integer or a string (`x-kubernetes-int-or-string`). */
export const intOrString = (o: FieldOptions = {}) =>
  Type.Union([Type.Integer(), Type.String()], { "x-kubernetes-int-or-string": true, ...o });

/** How a CRD version is served; see crd.ts for the full kind definition. */
export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}
