/**
 * Compares one of our CRD version schemas with Flux's, node by node, collecting every difference.
 */
import { isDeepStrictEqual } from "node:util";

type Node = Record<string, unknown>;

/** Keywords compared exactly at every node. `description` is optional (see `compareDescriptions`). */
const COMPARED = [
  "type",
  "format",
  "enum",
  "default",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "nullable",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-int-or-string",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-validations",
  "anyOf",
] as const;

export interface CompareOptions {
  compareDescriptions?: boolean;
}

export function schemaDifferences(flux: Node, ours: Node | undefined, path = "", o: CompareOptions = {}): string[] {
  const out: string[] = [];
  walk(flux, ours, path, out, o);
  return out;
}

const show = (v: unknown) => (v === undefined ? "<absent>" : JSON.stringify(v));

function walk(flux: Node, ours: Node | undefined, path: string, out: string[], o: CompareOptions): void {
  const at = path || "<root>";
  if (ours === undefined) {
    out.push(`${at}: missing in ours`);
    return;
  }
  for (const k of COMPARED) {
    if (!isDeepStrictEqual(flux[k], ours[k])) out.push(`${at}: ${k} is ${show(ours[k])}, Flux has ${show(flux[k])}`);
  }
  if (o.compareDescriptions && flux.description !== ours.description) {
    out.push(`${at}: description is ${show(ours.description)}, Flux has ${show(flux.description)}`);
  }
  const req = (n: Node) => [...((n.required as string[] | undefined) ?? [])].sort();
  if (!isDeepStrictEqual(req(flux), req(ours))) out.push(`${at}: required is ${show(req(ours))}, Flux has ${show(req(flux))}`);

  const fp = (flux.properties ?? {}) as Record<string, Node>;
  const op = (ours.properties ?? {}) as Record<string, Node>;
  for (const name of Object.keys(fp)) walk(fp[name]!, op[name], `${path}.${name}`, out, o);
  for (const name of Object.keys(op)) if (!(name in fp)) out.push(`${path}.${name}: not in Flux's schema`);

  if (flux.items !== undefined || ours.items !== undefined) {
    if (flux.items === undefined) out.push(`${at}: items present in ours only`);
    else walk(flux.items as Node, ours.items as Node | undefined, `${path}[]`, out, o);
  }
  const fa = flux.additionalProperties;
  const oa = ours.additionalProperties;
  if (typeof fa === "object" && fa !== null) walk(fa as Node, typeof oa === "object" && oa !== null ? (oa as Node) : undefined, `${path}{}`, out, o);
  else if (!isDeepStrictEqual(fa, oa)) out.push(`${at}: additionalProperties is ${show(oa)}, Flux has ${show(fa)}`);
}
