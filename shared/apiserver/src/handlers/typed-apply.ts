/**
 * The one check upstream's field manager makes when it turns an apply configuration into a typed value
 * (structured-merge-diff's ObjectToTyped): every field must be declared by the kind's schema. A built-in's apply
 * configuration with an undeclared field fails there, before field validation or pruning could drop it, with an
 * untyped error that becomes a 500 without a reason (fieldmanager/internal/structuredmerge.go; kubernetes#122480).
 */
import { ApiError } from "../errors.js";
import { isObject } from "../util.js";

type Schema = Record<string, unknown>;

/** SMD paths (`.spec.containers[name="c"].foo`) of the fields a built-in's structural schema does not declare. */
export function undeclaredFields(value: unknown, schema: Schema, path = ""): string[] {
  const out: string[] = [];
  walk(value, schema, path, out);
  return out.sort();
}

function walk(v: unknown, s: Schema, path: string, out: string[]): void {
  if (v === null || typeof v !== "object" || s["x-kubernetes-preserve-unknown-fields"]) return;
  if (Array.isArray(v)) {
    const items = s.items as Schema | undefined;
    if (items) v.forEach((item, i) => walk(item, items, `${path}${element(s, item, i)}`, out));
    return;
  }
  const props = s.properties as Record<string, Schema> | undefined;
  const additional = isObject(s.additionalProperties) ? (s.additionalProperties as Schema) : undefined;
  for (const [k, child] of Object.entries(v)) {
    const n = props?.[k] ?? additional;
    if (n) walk(child, n, `${path}.${k}`, out);
    else if (props) out.push(`${path}.${k}: field not declared in schema`);
  }
}

function element(s: Schema, item: unknown, index: number): string {
  const keys = s["x-kubernetes-list-map-keys"] as string[] | undefined;
  if (s["x-kubernetes-list-type"] === "map" && keys?.length && isObject(item)) {
    const parts = keys.filter((k) => item[k] !== undefined).map((k) => `${k}=${JSON.stringify(item[k])}`);
    if (parts.length) return `[${parts.join(",")}]`;
  }
  if (s["x-kubernetes-list-type"] === "set" && (typeof item !== "object" || item === null)) return `[=${JSON.stringify(item)}]`;
  return `[${index}]`;
}

/** The error ObjectToTyped's failure becomes: `failed to create typed patch object (<ns>/<name>; <gv>, Kind=<kind>): ...`. */
export function typedPatchError(namespace: string, name: string, apiVersion: string, kind: string, problems: string[]): ApiError {
  const gv = apiVersion.includes("/") ? apiVersion : `/${apiVersion}`;
  const detail = problems.length === 1 ? problems[0]! : ["errors:", ...problems.map((p) => `  ${p}`)].join("\n");
  return new ApiError(500, "", `failed to create typed patch object (${namespace}/${name}; ${gv}, Kind=${kind}): ${detail}`);
}
