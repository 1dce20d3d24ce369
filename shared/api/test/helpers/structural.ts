/**
 * An independent checker for Kubernetes' structural-schema rules (apiextensions-apiserver
 * pkg/apiserver/schema/validation.go), so the generator is not its own judge. Returns every violation with its path.
 */
type Node = Record<string, unknown>;

const JUNCTORS = ["allOf", "anyOf", "oneOf", "not"] as const;
/** Inside a junctor only value validations may appear (no type, default, description, additionalProperties...). */
const FORBIDDEN_IN_JUNCTOR = ["type", "default", "description", "additionalProperties", "nullable", "properties", "items"];
const KNOWN_TYPES = new Set(["object", "array", "string", "integer", "number", "boolean"]);

function isIntOrStringJunctor(node: Node): boolean {
  const anyOf = node.anyOf as Node[] | undefined;
  return (
    node["x-kubernetes-int-or-string"] === true &&
    Array.isArray(anyOf) &&
    anyOf.length === 2 &&
    anyOf[0]!.type === "integer" &&
    anyOf[1]!.type === "string" &&
    Object.keys(anyOf[0]!).length === 1 &&
    Object.keys(anyOf[1]!).length === 1
  );
}

export function structuralViolations(root: Node): string[] {
  const out: string[] = [];
  visit(root, "", out, true);
  return out;
}

function visit(node: Node, path: string, out: string[], isRoot: boolean): void {
  const at = path || "<root>";
  if ("$ref" in node) out.push(`${at}: $ref is not allowed`);
  if (node.additionalProperties === false) out.push(`${at}: additionalProperties: false is not allowed`);
  if (node.uniqueItems === true) out.push(`${at}: uniqueItems: true is not allowed`);
  if (node["x-kubernetes-preserve-unknown-fields"] === false) out.push(`${at}: x-kubernetes-preserve-unknown-fields must be true if set`);
  if (node.properties !== undefined && node.additionalProperties !== undefined) {
    out.push(`${at}: properties and additionalProperties are mutually exclusive`);
  }

  const untypedAllowed = node["x-kubernetes-int-or-string"] === true || node["x-kubernetes-preserve-unknown-fields"] === true;
  if (node.type === undefined || node.type === "") {
    if (!untypedAllowed) out.push(`${at}: missing type`);
  } else if (typeof node.type !== "string" || !KNOWN_TYPES.has(node.type)) {
    out.push(`${at}: unknown type ${JSON.stringify(node.type)}`);
  }
  if (node["x-kubernetes-int-or-string"] === true && node.type !== undefined) out.push(`${at}: int-or-string must not set type`);

  for (const j of JUNCTORS) {
    if (!(j in node)) continue;
    if (j === "anyOf" && isIntOrStringJunctor(node)) continue;
    const branches = (Array.isArray(node[j]) ? node[j] : [node[j]]) as Node[];
    for (const [i, b] of branches.entries()) {
      for (const k of FORBIDDEN_IN_JUNCTOR) if (k in b) out.push(`${at}.${j}[${i}]: ${k} is not allowed inside ${j}`);
    }
  }

  if (node.type === "array" && node.items === undefined) out.push(`${at}: array without items`);
  if (node.type !== "object" && (node.properties !== undefined || node.additionalProperties !== undefined) && !untypedAllowed) {
    out.push(`${at}: properties on a non-object`);
  }

  const listType = node["x-kubernetes-list-type"];
  if (listType !== undefined) {
    if (node.type !== "array") out.push(`${at}: x-kubernetes-list-type on a non-array`);
    const items = node.items as Node | undefined;
    if (listType === "map") {
      const keys = node["x-kubernetes-list-map-keys"] as string[] | undefined;
      if (!Array.isArray(keys) || keys.length === 0) out.push(`${at}: list-type map needs x-kubernetes-list-map-keys`);
      else if (items?.type !== "object") out.push(`${at}: list-type map needs object items`);
      else {
        const req = new Set((items.required as string[] | undefined) ?? []);
        const props = (items.properties ?? {}) as Record<string, Node>;
        for (const k of keys) {
          if (!(k in props)) out.push(`${at}: list-map key ${k} is not a property of the items`);
          else if (!req.has(k) && props[k]!.default === undefined) out.push(`${at}: list-map key ${k} must be required or defaulted`);
        }
      }
    } else if (listType === "set" && items !== undefined && (items.type === "object" || items.type === "array")) {
      out.push(`${at}: list-type set needs scalar items`);
    } else if (listType !== "atomic" && listType !== "set" && listType !== "map") {
      out.push(`${at}: unknown x-kubernetes-list-type ${String(listType)}`);
    }
  }

  const props = node.properties as Record<string, Node> | undefined;
  if (isRoot && props?.metadata !== undefined) {
    const meta = props.metadata;
    const allowed = new Set(["type", "description", "properties"]);
    for (const k of Object.keys(meta)) if (!allowed.has(k)) out.push(`.metadata: ${k} is not allowed on metadata`);
    for (const k of Object.keys((meta.properties ?? {}) as object)) {
      if (k !== "name" && k !== "generateName") out.push(`.metadata.${k}: only name and generateName may be restricted`);
    }
  }
  for (const [name, child] of Object.entries(props ?? {})) {
    if (isRoot && name === "metadata") continue;
    visit(child, `${path}.${name}`, out, false);
  }
  if (node.items !== undefined && typeof node.items === "object" && !Array.isArray(node.items)) visit(node.items as Node, `${path}[]`, out, false);
  if (Array.isArray(node.items)) out.push(`${at}: tuple items are not allowed`);
  if (node.additionalProperties !== undefined && typeof node.additionalProperties === "object") {
    visit(node.additionalProperties as Node, `${path}{}`, out, false);
  }
}
