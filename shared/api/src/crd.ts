/**
 * Turns a KindDefinition into the apiextensions.k8s.io/v1 CustomResourceDefinition Flux ships for it.
 *
 * The schemas are TypeBox objects; a CRD needs a *structural* OpenAPI v3 schema instead (every node typed, maps as
 * `additionalProperties`, no `$ref`, `anyOf` only in the int-or-string form). `structuralSchema()` does that
 * conversion and refuses what cannot be expressed, so a schema mistake surfaces when crds/ is generated rather than
 * when an API server rejects the CRD. Keys come out sorted and the YAML is laid out as go-yaml writes it (goyaml.ts),
 * so the files are byte for byte Flux's.
 */
import { goYAML } from "./goyaml.js";
import type { TSchema } from "@sinclair/typebox";
import type { KindDefinition } from "./kind.js";
import type { PrinterColumn } from "./schema.js";

/** A schema the generator cannot express as a structural CRD schema. */
export class CRDGenerationError extends Error {
  readonly reason = "Invalid";
  constructor(
    readonly kind: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${kind}: ${path || "<root>"}: ${detail}`);
    this.name = "CRDGenerationError";
  }
}

export type JSONSchemaProps = { [key: string]: unknown };

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; annotations: Record<string, string>; labels: Record<string, string> };
  spec: {
    group: string;
    names: { categories?: string[]; kind: string; listKind: string; plural: string; shortNames?: string[]; singular: string };
    scope: "Namespaced" | "Cluster";
    versions: Array<{
      additionalPrinterColumns?: PrinterColumn[];
      deprecated?: boolean;
      deprecationWarning?: string;
      name: string;
      schema: { openAPIV3Schema: JSONSchemaProps };
      served: boolean;
      storage: boolean;
      subresources: { status?: Record<string, never> };
    }>;
  };
}

/** The OpenAPI keywords a CRD schema may carry; anything else in a TypeBox schema (`$id`, `[Kind]`, ...) is dropped. */
const CARRIED_KEYWORDS = new Set([
  "description",
  "type",
  "format",
  "title",
  "default",
  "example",
  "enum",
  "nullable",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "required",
  "x-kubernetes-validations",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-map-type",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-int-or-string",
  "x-kubernetes-embedded-resource",
]);

/** TypeBox's key pattern for `Type.Record(Type.String(), V)`. */
const ANY_KEY_PATTERN = "^(.*)$";

/**
 * Converts a TypeBox schema into a structural OpenAPI v3 schema. `kind` and `path` only label errors.
 */
export function structuralSchema(schema: TSchema | JSONSchemaProps, kind = "schema", path = ""): JSONSchemaProps {
  const src = schema as JSONSchemaProps;
  const out: JSONSchemaProps = {};
  for (const [key, value] of Object.entries(src)) {
    if (CARRIED_KEYWORDS.has(key)) out[key] = key === "default" || key === "example" ? structuredClone(value) : value;
  }
  if (Array.isArray(out.required)) {
    if (out.required.length === 0) delete out.required;
    else out.required = [...(out.required as string[])].sort();
  }

  const intOrString = src["x-kubernetes-int-or-string"] === true;
  const preserveUnknown = src["x-kubernetes-preserve-unknown-fields"] === true;

  // Literal unions (Type.Union([Type.Literal(...)])) and single literals become enums.
  if ("const" in src) {
    out.enum = [src.const];
    out.type ??= jsonType(src.const, kind, path);
  }
  if (Array.isArray(src.anyOf) && !intOrString) {
    const branches = src.anyOf as JSONSchemaProps[];
    if (branches.length > 0 && branches.every((b) => "const" in b)) {
      const values = branches.map((b) => b.const);
      const types = new Set(values.map((v) => jsonType(v, kind, path)));
      if (types.size !== 1) throw new CRDGenerationError(kind, path, "an enum mixes value types");
      out.enum = values;
      out.type ??= [...types][0];
    } else {
      throw new CRDGenerationError(kind, path, "anyOf is only expressible as int-or-string or a union of literals");
    }
  }
  if (intOrString) {
    out.anyOf = [{ type: "integer" }, { type: "string" }];
    delete out.type;
  }
  for (const banned of ["oneOf", "allOf", "not", "$ref"]) {
    if (banned in src) throw new CRDGenerationError(kind, path, `${banned} is not allowed in a structural schema`);
  }

  // controller-gen never writes `properties: {}`; an object without declared fields is just `type: object`.
  if (src.properties !== undefined && Object.keys(src.properties as object).length > 0) {
    const props: JSONSchemaProps = {};
    for (const [name, prop] of Object.entries(src.properties as Record<string, TSchema>)) {
      props[name] = structuralSchema(prop, kind, `${path}.${name}`);
    }
    out.properties = props;
  }
  if (src.patternProperties !== undefined) {
    const patterns = Object.entries(src.patternProperties as Record<string, TSchema>);
    if (patterns.length !== 1 || patterns[0]![0] !== ANY_KEY_PATTERN) {
      throw new CRDGenerationError(kind, path, "patternProperties other than a string-keyed map cannot be expressed");
    }
    if (out.properties !== undefined) throw new CRDGenerationError(kind, path, "a map cannot also declare properties");
    out.additionalProperties = structuralSchema(patterns[0]![1], kind, `${path}[*]`);
  }
  const additional = src.additionalProperties;
  if (additional !== undefined && additional !== false) {
    if (out.properties !== undefined) throw new CRDGenerationError(kind, path, "additionalProperties together with properties");
    out.additionalProperties = additional === true ? true : structuralSchema(additional as TSchema, kind, `${path}[*]`);
  }
  if (src.items !== undefined) {
    if (Array.isArray(src.items)) throw new CRDGenerationError(kind, path, "tuple items are not allowed");
    out.items = structuralSchema(src.items as TSchema, kind, `${path}[]`);
  }
  if (out.type === undefined && !intOrString && !preserveUnknown) {
    throw new CRDGenerationError(kind, path, "every field needs a type (or x-kubernetes-preserve-unknown-fields / int-or-string)");
  }
  if (out.type === "array" && out.items === undefined) throw new CRDGenerationError(kind, path, "an array needs items");
  return out;
}

function jsonType(value: unknown, kind: string, path: string): string {
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      return Number.isInteger(value) ? "integer" : "number";
    default:
      throw new CRDGenerationError(kind, path, `unsupported literal ${JSON.stringify(value)}`);
  }
}

/** Which Flux controller owns each kind; Flux labels its CRDs with it. */
const CONTROLLER_BY_KIND: Record<string, string> = {
  GitRepository: "source-controller",
  OCIRepository: "source-controller",
  HelmRepository: "source-controller",
  HelmChart: "source-controller",
  Bucket: "source-controller",
  ExternalArtifact: "source-controller",
  Kustomization: "kustomize-controller",
  HelmRelease: "helm-controller",
  Alert: "notification-controller",
  Provider: "notification-controller",
  Receiver: "notification-controller",
  ImageRepository: "image-reflector-controller",
  ImagePolicy: "image-reflector-controller",
  ImageUpdateAutomation: "image-automation-controller",
};

/**
 * The annotations on every Flux 2.9 CRD. Flux's schemas are controller-gen v0.21.0 output and ours are held equal to
 * them by the parity tests, so the version annotation is kept; the substitute opt-out stops a Kustomization's
 * post-build substitution from rewriting `${...}` text in descriptions and CEL rules when the CRDs are applied.
 */
export const CRD_ANNOTATIONS: Readonly<Record<string, string>> = {
  "controller-gen.kubebuilder.io/version": "v0.21.0",
  "kustomize.toolkit.fluxcd.io/substitute": "disabled",
};

export function crdFor(def: KindDefinition): CustomResourceDefinition {
  const storage = def.versions.filter((v) => v.storage);
  if (storage.length !== 1) throw new CRDGenerationError(def.kind, "", `exactly one storage version is required, found ${storage.length}`);
  const labels: Record<string, string> = { "app.kubernetes.io/part-of": "flux" };
  const controller = CONTROLLER_BY_KIND[def.kind];
  if (controller !== undefined) labels["app.kubernetes.io/component"] = controller;

  const crd: CustomResourceDefinition = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${def.plural}.${def.group}`, annotations: { ...CRD_ANNOTATIONS }, labels },
    spec: {
      group: def.group,
      names: {
        ...(def.categories.length > 0 ? { categories: [...def.categories] } : {}),
        kind: def.kind,
        listKind: def.listKind,
        plural: def.plural,
        ...(def.shortNames.length > 0 ? { shortNames: [...def.shortNames] } : {}),
        singular: def.singular,
      },
      scope: def.scope,
      versions: def.versions.map((v) => ({
        ...(v.printerColumns.length > 0 ? { additionalPrinterColumns: v.printerColumns.map((c) => ({ ...c })) } : {}),
        ...(v.deprecated ? { deprecated: true } : {}),
        ...(v.deprecationWarning !== undefined ? { deprecationWarning: v.deprecationWarning } : {}),
        name: v.name,
        schema: { openAPIV3Schema: structuralSchema(v.schema, `${def.kind}/${v.name}`) },
        served: v.served,
        storage: v.storage,
        // Flux writes `subresources: {}` on its one status-less version (Alert/Provider v1beta3); an empty object
        // means "no subresources" to the API server, so emitting it everywhere a status is absent is harmless.
        subresources: v.statusSubresource ? { status: {} } : {},
      })),
    },
  };
  return sortKeys(crd) as CustomResourceDefinition;
}

/** Recursively sorts object keys (controller-gen's order); array order is meaning and stays. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The file name Flux uses for a CRD: `<group>_<plural>.yaml`. */
export const crdFileName = (def: KindDefinition): string => `${def.group}_${def.plural}.yaml`;

/**
 * One CRD as YAML, written as go-yaml (and so controller-gen and Flux's release manifests) writes it, so a file can
 * be compared byte for byte with Flux's.
 */
export function crdYAML(crd: CustomResourceDefinition): string {
  return goYAML(crd);
}

/**
 * Every file crds/ should contain: one per kind plus a kustomization.yaml listing them, so
 * `kubectl apply -k crds/` installs the set.
 */
export function renderCRDFiles(kinds: readonly KindDefinition[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const def of kinds) {
    const name = crdFileName(def);
    if (files.has(name)) throw new CRDGenerationError(def.kind, "", `two kinds map to ${name}`);
    files.set(name, crdYAML(crdFor(def)));
  }
  const resources = [...files.keys()].sort();
  files.set("kustomization.yaml", goYAML({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources }));
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
