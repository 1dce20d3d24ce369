/**
 * The bridge to ./crd/ (CRD validation, per-version schema processing, OpenAPI documents), written by another
 * module owner. Loaded dynamically so this server keeps working, with pass-through stand-ins, on a checkout
 * where that module is incomplete. `provided` says which functions are the real ones.
 */
import type { SchemaNode } from "@flotilla/merge/schema";
import type { StatusCause } from "./errors.js";

export interface CompiledSchema {
  schemaNode: SchemaNode;
  prune(obj: unknown): { object: unknown; unknownFields: string[] };
  applyDefaults(obj: unknown): unknown;
  validate(obj: unknown, oldObj?: unknown): StatusCause[];
}

export interface OpenAPIResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  verbs: string[];
  openAPIV3Schema?: object;
  builtin: boolean;
  /** Extra facts a document builder may use (subresources, list kind). */
  listKind?: string;
  subresources?: string[];
}

export interface CrdImpl {
  validateCustomResourceDefinition(crd: object, old?: object): StatusCause[];
  compileVersionSchema(openAPIV3Schema: object): CompiledSchema;
  buildOpenAPIV2(resources: OpenAPIResource[]): object;
  buildOpenAPIV3Index(resources: OpenAPIResource[]): object;
  buildOpenAPIV3GroupVersion(group: string, version: string, resources: OpenAPIResource[]): object;
  provided: string[];
}

let loaded: Promise<CrdImpl> | undefined;

export function loadCrdSupport(): Promise<CrdImpl> {
  return (loaded ??= (async () => {
    const mods: Record<string, unknown>[] = [];
    for (const spec of ["./crd/index.js", "./crd/openapi.js", "./crd/validation.js", "./crd/compile.js"]) {
      try {
        mods.push((await import(spec)) as Record<string, unknown>);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== "ERR_MODULE_NOT_FOUND") throw e;
      }
    }
    const provided: string[] = [];
    const pick = <T>(name: string, fallback: T): T => {
      for (const m of mods)
        if (typeof m[name] === "function") {
          provided.push(name);
          return m[name] as T;
        }
      return fallback;
    };
    return {
      validateCustomResourceDefinition: pick("validateCustomResourceDefinition", () => []),
      compileVersionSchema: pick("compileVersionSchema", passThroughSchema),
      buildOpenAPIV2: pick("buildOpenAPIV2", fallbackV2),
      buildOpenAPIV3Index: pick("buildOpenAPIV3Index", fallbackV3Index),
      buildOpenAPIV3GroupVersion: pick("buildOpenAPIV3GroupVersion", fallbackV3GroupVersion),
      provided,
    };
  })());
}

function passThroughSchema(): CompiledSchema {
  return {
    schemaNode: { type: "untyped" },
    prune: (obj) => ({ object: obj, unknownFields: [] }),
    applyDefaults: (obj) => obj,
    validate: () => [],
  };
}

function fallbackV2(): object {
  return { swagger: "2.0", info: { title: "Kubernetes", version: "v1.32.4" }, paths: {}, definitions: {} };
}

function fallbackV3Index(resources: OpenAPIResource[]): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const r of resources) {
    const p = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}` };
  }
  return { paths };
}

function fallbackV3GroupVersion(): object {
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.4" }, paths: {}, components: { schemas: {} } };
}
