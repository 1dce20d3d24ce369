/**
 * Validation of a CustomResourceDefinition (apiextensions.k8s.io/v1) itself: the checks of
 * apiextensions-apiserver's pkg/apis/apiextensions/validation that matter in practice, with upstream's
 * field paths and messages. The object is validated after v1 defaulting (`defaultCustomResourceDefinition`),
 * as the server validates what it will store.
 */
import { forbidden, invalid, notSupported, required, ROOT_FIELD, type Cause } from "./causes.js";
import { validateValues } from "./compile.js";
import { pruneInPlace } from "./prune.js";
import { compileCel, re2ToJs } from "./cel.js";
import { deepCopy, deepEqual, isObject, type JSONObject, type JSONSchemaProps } from "./schema-types.js";

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push("must be no more than 253 characters");
  if (!DNS1123_SUBDOMAIN.test(v)) {
    errs.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push("must be no more than 63 characters");
  if (!DNS1035_LABEL.test(v)) {
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs;
}

/** apiextensions v1 defaulting (SetDefaults_CustomResourceDefinition); returns a copy. */
export function defaultCustomResourceDefinition(crd: object): object {
  const out = deepCopy(crd) as JSONObject;
  const spec = isObject(out.spec) ? out.spec : undefined;
  if (!spec) return out;
  const names = isObject(spec.names) ? spec.names : undefined;
  if (names && typeof names.kind === "string" && names.kind) {
    if (!names.singular) names.singular = names.kind.toLowerCase();
    if (!names.listKind) names.listKind = `${names.kind}List`;
  }
  if (!isObject(spec.conversion)) spec.conversion = { strategy: "None" };
  const conversion = spec.conversion as JSONObject;
  if (!conversion.strategy) conversion.strategy = "None";
  const service = isObject(conversion.webhook) && isObject(conversion.webhook.clientConfig) ? conversion.webhook.clientConfig.service : undefined;
  if (isObject(service) && service.port === undefined) service.port = 443;
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  const status = isObject(out.status) ? out.status : (out.status = {});
  if (!Array.isArray(status.storedVersions) || status.storedVersions.length === 0) {
    status.storedVersions = versions.filter((v) => isObject(v) && v.storage === true).map((v) => (v as JSONObject).name);
  }
  return out;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * The causes for which the server answers 422 Invalid (empty when the CRD is acceptable). `old` is the
 * stored CRD on update; the server should carry `status.storedVersions` forward (old ∪ current storage
 * version) before calling this, as upstream does, so that dropping a stored version is caught.
 */
export function validateCustomResourceDefinition(crdIn: object, oldIn?: object): Cause[] {
  const crd = defaultCustomResourceDefinition(crdIn) as JSONObject;
  const old = oldIn ? (defaultCustomResourceDefinition(oldIn) as JSONObject) : undefined;
  const errs: Cause[] = [];
  const meta = isObject(crd.metadata) ? crd.metadata : {};
  const spec = isObject(crd.spec) ? crd.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const group = str(spec.group);

  // metadata
  const name = str(meta.name);
  if (!name) errs.push(required("metadata.name", "name or generateName is required"));
  else {
    for (const msg of isDNS1123Subdomain(name)) errs.push(invalid("metadata.name", name, msg));
    if (name !== `${str(names.plural)}.${group}`) errs.push(invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'));
  }

  // spec.group, spec.scope
  if (!group) errs.push(required("spec.group"));
  else {
    const groupErrs = isDNS1123Subdomain(group);
    if (groupErrs.length) errs.push(invalid("spec.group", group, groupErrs.join(",")));
    else if (group.split(".").length < 2) errs.push(invalid("spec.group", group, "should be a domain with at least one dot"));
  }
  const scope = spec.scope;
  if (scope === undefined || scope === "") errs.push(required("spec.scope"));
  else if (scope !== "Cluster" && scope !== "Namespaced") errs.push(notSupported("spec.scope", scope, ["Cluster", "Namespaced"]));

  // spec.versions
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).map((v) => (isObject(v) ? v : {}));
  if (versions.length === 0) errs.push(required("spec.versions", "must have exactly one version marked as storage version"));
  const seen = new Set<string>();
  let uniqueNames = true;
  let storageCount = 0;
  versions.forEach((v, i) => {
    const vp = `spec.versions[${i}]`;
    const vname = str(v.name);
    if (v.storage === true) storageCount++;
    if (seen.has(vname)) uniqueNames = false;
    seen.add(vname);
    const labelErrs = isDNS1035Label(vname);
    if (labelErrs.length) errs.push(invalid(`${vp}.name`, vname, labelErrs.join(",")));
    errs.push(...validateVersion(v, vp));
  });
  if (versions.length && !uniqueNames) errs.push(invalid("spec.versions", versions, "must contain unique version names"));
  if (versions.length && storageCount !== 1) errs.push(invalid("spec.versions", versions, "must have exactly one version marked as storage version"));

  // spec.names
  for (const k of ["plural", "singular", "kind", "listKind"]) if (!str(names[k])) errs.push(required(`spec.names.${k}`));
  errs.push(...validateNames(names, "spec.names"));

  if (spec.preserveUnknownFields === true) {
    errs.push(invalid("spec.preserveUnknownFields", true, "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
  }
  errs.push(...validateConversion(isObject(spec.conversion) ? spec.conversion : {}));

  // update
  if (old) {
    const oldSpec = isObject(old.spec) ? old.spec : {};
    const oldNames = isObject(oldSpec.names) ? oldSpec.names : {};
    const immutable = (path: string, now: unknown, before: unknown) => {
      if (!deepEqual(now, before)) errs.push(invalid(path, now, "field is immutable"));
    };
    // Scope and kind shape storage once the CRD is established; group and plural make up its name.
    if (isEstablished(old)) {
      immutable("spec.scope", spec.scope, oldSpec.scope);
      immutable("spec.names.kind", names.kind, oldNames.kind);
    }
    immutable("spec.group", spec.group, oldSpec.group);
    immutable("spec.names.plural", names.plural, oldNames.plural);
  }

  // status.storedVersions
  const status = isObject(crd.status) ? crd.status : {};
  errs.push(...validateStoredVersions(Array.isArray(status.storedVersions) ? status.storedVersions.map(str) : [], versions));
  return errs;
}

function isEstablished(crd: JSONObject): boolean {
  const conditions = isObject(crd.status) && Array.isArray(crd.status.conditions) ? crd.status.conditions : [];
  return conditions.some((c) => isObject(c) && c.type === "Established" && c.status === "True");
}

function validateNames(names: JSONObject, path: string): Cause[] {
  const errs: Cause[] = [];
  const label = (k: string, value: string, mixedCase: boolean) => {
    if (!value) return;
    const e = isDNS1035Label(mixedCase ? value.toLowerCase() : value);
    if (e.length) errs.push(invalid(`${path}.${k}`, value, (mixedCase ? "may have mixed case, but should otherwise match: " : "") + e.join(",")));
  };
  label("plural", str(names.plural), false);
  label("singular", str(names.singular), false);
  label("kind", str(names.kind), true);
  label("listKind", str(names.listKind), true);
  (Array.isArray(names.shortNames) ? names.shortNames : []).forEach((s, i) => {
    const e = isDNS1035Label(str(s));
    if (e.length) errs.push(invalid(`${path}.shortNames[${i}]`, s, e.join(",")));
  });
  if (str(names.kind) && names.kind === names.listKind) errs.push(invalid(`${path}.listKind`, names.listKind, "kind and listKind may not be the same"));
  (Array.isArray(names.categories) ? names.categories : []).forEach((s, i) => {
    const e = isDNS1035Label(str(s));
    if (e.length) errs.push(invalid(`${path}.categories[${i}]`, s, e.join(",")));
  });
  return errs;
}

/** Upstream validates the internal type, so paths use its names (webhookClientConfig, conversionReviewVersions). */
function validateConversion(conv: JSONObject): Cause[] {
  const errs: Cause[] = [];
  const strategy = conv.strategy;
  if (strategy !== "None" && strategy !== "Webhook") {
    errs.push(notSupported("spec.conversion.strategy", strategy, ["None", "Webhook"]));
    return errs;
  }
  const webhook = isObject(conv.webhook) ? conv.webhook : undefined;
  const clientConfig = webhook && isObject(webhook.clientConfig) ? webhook.clientConfig : undefined;
  const reviewVersions = webhook && Array.isArray(webhook.conversionReviewVersions) ? webhook.conversionReviewVersions.map(str) : [];
  if (strategy === "Webhook") {
    if (!clientConfig) errs.push(required("spec.conversion.webhookClientConfig", "required when strategy is set to Webhook"));
    else if (!clientConfig.url === !clientConfig.service) errs.push(required("spec.conversion.webhookClientConfig", "exactly one of url or service is required"));
    const rp = "spec.conversion.conversionReviewVersions";
    if (reviewVersions.length === 0) errs.push(required(rp));
    else {
      const seen = new Set<string>();
      reviewVersions.forEach((v, i) => {
        if (seen.has(v)) errs.push(invalid(`${rp}[${i}]`, v, "duplicate version"));
        seen.add(v);
        for (const e of isDNS1035Label(v)) errs.push(invalid(`${rp}[${i}]`, v, e));
      });
      if (!reviewVersions.some((v) => v === "v1" || v === "v1beta1")) errs.push(invalid(rp, reviewVersions, "must include at least one of v1, v1beta1"));
    }
  } else {
    if (clientConfig) errs.push(forbidden("spec.conversion.webhookClientConfig", "should not be set when strategy is not set to Webhook"));
    if (reviewVersions.length) errs.push(forbidden("spec.conversion.conversionReviewVersions", "should not be set when strategy is not set to Webhook"));
  }
  return errs;
}

function validateStoredVersions(stored: string[], versions: JSONObject[]): Cause[] {
  const path = "status.storedVersions";
  if (stored.length === 0) return [invalid(path, [], "must have at least one stored version")];
  const errs: Cause[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of versions) {
    const name = str(v.name);
    if (v.storage === true && !remaining.has(name)) errs.push(invalid(path, stored, `must have the storage version ${name}`));
    remaining.delete(name);
  }
  for (const [v, i] of remaining) {
    errs.push(
      invalid(
        `${path}[${i}]`,
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return errs;
}

const PRINTER_COLUMN_TYPES = ["boolean", "date", "integer", "number", "string"];
const PRINTER_COLUMN_FORMATS = ["byte", "date", "date-time", "double", "float", "int32", "int64", "name", "password"];

function validateVersion(v: JSONObject, vp: string): Cause[] {
  const errs: Cause[] = [];
  const warning = v.deprecationWarning;
  if (typeof warning === "string") {
    if (v.deprecated !== true) errs.push(invalid(`${vp}.deprecationWarning`, warning, "can only be set for deprecated versions"));
    else if (warning.length > 256) errs.push(invalid(`${vp}.deprecationWarning`, warning, "must be <= 256 characters long"));
    else if (warning.length === 0) errs.push(invalid(`${vp}.deprecationWarning`, warning, "must not be an empty string"));
  }
  const schema = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
  if (!isObject(schema)) errs.push(required(`${vp}.schema.openAPIV3Schema`, "schemas are required"));
  else errs.push(...validateSchema(schema as JSONSchemaProps, `${vp}.schema.openAPIV3Schema`));

  const cols = Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : [];
  cols.forEach((c, i) => {
    const col = isObject(c) ? c : {};
    const cp = `${vp}.additionalPrinterColumns[${i}]`;
    if (!str(col.name)) errs.push(required(`${cp}.name`));
    if (!str(col.type)) errs.push(required(`${cp}.type`, `must be one of ${PRINTER_COLUMN_TYPES.join(",")}`));
    else if (!PRINTER_COLUMN_TYPES.includes(str(col.type))) errs.push(invalid(`${cp}.type`, col.type, `must be one of ${PRINTER_COLUMN_TYPES.join(",")}`));
    if (str(col.format) && !PRINTER_COLUMN_FORMATS.includes(str(col.format))) {
      errs.push(invalid(`${cp}.format`, col.format, `must be one of ${PRINTER_COLUMN_FORMATS.join(",")}`));
    }
    const jp = str(col.jsonPath);
    if (!jp) errs.push(required(`${cp}.JSONPath`));
    else if (!jp.startsWith(".")) errs.push(invalid(`${cp}.JSONPath`, jp, "must be a simple json path starting with ."));
  });

  const sub = isObject(v.subresources) ? v.subresources : undefined;
  const scale = sub && isObject(sub.scale) ? sub.scale : undefined;
  if (scale) {
    const sp = `${vp}.subresources.scale`;
    const spec = str(scale.specReplicasPath);
    const stat = str(scale.statusReplicasPath);
    if (!spec) errs.push(required(`${sp}.specReplicasPath`));
    else if (!spec.startsWith(".spec.")) errs.push(invalid(`${sp}.specReplicasPath`, spec, "should be a json path under .spec"));
    if (!stat) errs.push(required(`${sp}.statusReplicasPath`));
    else if (!stat.startsWith(".status.")) errs.push(invalid(`${sp}.statusReplicasPath`, stat, "should be a json path under .status"));
    const sel = scale.labelSelectorPath;
    if (typeof sel === "string" && sel && !sel.startsWith(".spec.") && !sel.startsWith(".status.")) {
      errs.push(invalid(`${sp}.labelSelectorPath`, sel, "should be a json path under either .spec or .status"));
    }
  }
  if (sub && sub.status !== undefined && sub.status !== null && !isObject(sub.status)) {
    errs.push(invalid(`${vp}.subresources.status`, sub.status, "must be an object"));
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------------------
// openAPIV3Schema: general restrictions and structural schema rules

type Level = "root" | "field" | "item";

const OPENAPI_TYPES = ["array", "boolean", "integer", "number", "object", "string"];
/** Keywords a value validation (inside anyOf/allOf/oneOf/not) must leave empty to be structural. */
const NON_VALUE_KEYWORDS = [
  "description",
  "type",
  "default",
  "additionalProperties",
  "nullable",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
] as const;

export function validateSchema(schema: JSONSchemaProps, path: string): Cause[] {
  const errs: Cause[] = [];
  if (isObject(schema) && schema.nullable === true) errs.push(forbidden(`${path}.nullable`, "nullable cannot be true at the root"));
  const defaults: DefaultSite[] = [];
  walkSchema(schema, path, { level: "root" }, errs, defaults);
  // Upstream checks defaults only on a schema that is otherwise valid (structuraldefaulting.ValidateDefaults).
  if (errs.length === 0) errs.push(...validateDefaults(defaults));
  return errs;
}

interface DefaultSite {
  path: string;
  schema: JSONSchemaProps;
}

/** Defaults must be pruned (no unknown fields) and valid against their own schema. */
function validateDefaults(sites: DefaultSite[]): Cause[] {
  const errs: Cause[] = [];
  const results = validateValues(sites.map((d) => ({ schema: d.schema, value: d.schema.default })));
  sites.forEach((d, i) => {
    const where = `${d.path}.default`;
    const pruned = deepCopy(d.schema.default);
    if (pruneInPlace(pruned, d.schema, !!d.schema["x-kubernetes-embedded-resource"]).length > 0) {
      errs.push(invalid(where, d.schema.default, "must not have unknown fields"));
    }
    for (const c of results[i]!) errs.push({ ...c, field: c.field === ROOT_FIELD ? where : `${where}.${c.field}` });
  });
  return errs;
}

/** Where in the schema a node sits, as upstream's specStandardValidator tracks it. */
interface SchemaContext {
  level: Level;
  /** Under apiVersion/kind/metadata of the root or of an embedded resource. */
  insideMeta?: boolean;
  /** Why defaults are forbidden here (`in top-level metadata`), if they are. */
  noDefaults?: string;
  /** The first ancestor array that cannot correlate old and new items (not list-type map). */
  uncorrelatable?: string;
}

const META_FIELDS = new Set(["metadata", "kind", "apiVersion"]);

function walkSchema(s: JSONSchemaProps, path: string, ctx: SchemaContext, errs: Cause[], defaults: DefaultSite[]): void {
  if (typeof s !== "object" || s === null || Array.isArray(s)) {
    errs.push(invalid(path, s, "must be an object"));
    return;
  }
  if (s.default !== undefined && !ctx.insideMeta) defaults.push({ path, schema: s });
  generalRestrictions(s, path, ctx, errs);
  structuralRules(s, path, ctx.level, errs);
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const child: SchemaContext = { ...ctx, level: "field" };
    if ((ctx.level === "root" || s["x-kubernetes-embedded-resource"]) && META_FIELDS.has(k)) {
      child.insideMeta = true;
      if (ctx.level === "root") child.noDefaults = `in top-level ${k}`;
    }
    walkSchema(v, `${path}.properties[${k}]`, child, errs, defaults);
  }
  if (isObject(s.additionalProperties)) {
    const child: SchemaContext = { ...ctx, level: "field" };
    if (ctx.insideMeta) child.noDefaults = "inside additionalProperties applying to object metadata";
    walkSchema(s.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`, child, errs, defaults);
  }
  if (isObject(s.items)) {
    const child: SchemaContext = { ...ctx, level: "item" };
    if (s["x-kubernetes-list-type"] !== "map") child.uncorrelatable ??= path;
    walkSchema(s.items as JSONSchemaProps, `${path}.items`, child, errs, defaults);
  }
  for (const kw of ["allOf", "anyOf", "oneOf"] as const) {
    (s[kw] ?? []).forEach((sub, i) => walkValueValidation(sub, `${path}.${kw}[${i}]`, errs, s, kw === "anyOf" ? i : -1, kw));
  }
  if (isObject(s.not)) walkValueValidation(s.not, `${path}.not`, errs, s, -1, "not");
}

function generalRestrictions(s: JSONSchemaProps, path: string, ctx: SchemaContext, errs: Cause[]): void {
  // specStandardValidatorV3
  if (s.type !== undefined && s.type !== "null" && !OPENAPI_TYPES.includes(s.type)) errs.push(notSupported(`${path}.type`, s.type, OPENAPI_TYPES));
  if (s.default !== undefined && ctx.noDefaults) errs.push(forbidden(`${path}.default`, `must not be set ${ctx.noDefaults}`));
  if (s.id !== undefined && s.id !== "") errs.push(forbidden(`${path}.id`, "id is not supported"));
  if (s.additionalItems !== undefined) errs.push(forbidden(`${path}.additionalItems`, "additionalItems is not supported"));
  if (s.patternProperties && Object.keys(s.patternProperties).length) errs.push(forbidden(`${path}.patternProperties`, "patternProperties is not supported"));
  if (s.definitions && Object.keys(s.definitions).length) errs.push(forbidden(`${path}.definitions`, "definitions is not supported"));
  if (s.dependencies !== undefined) errs.push(forbidden(`${path}.dependencies`, "dependencies is not supported"));
  if (s.$ref !== undefined) errs.push(forbidden(`${path}.$ref`, "$ref is not supported"));
  if (s.type === "null") errs.push(forbidden(`${path}.type`, "type cannot be set to null, use nullable as an alternative"));
  if (Array.isArray(s.items)) errs.push(forbidden(`${path}.items`, "items must be a schema object and not an array"));
  if (ctx.insideMeta && s["x-kubernetes-embedded-resource"]) {
    errs.push(forbidden(`${path}.x-kubernetes-embedded-resource`, "must not be used inside of resource meta"));
  }
  if (typeof s.pattern === "string") {
    try {
      re2ToJs(s.pattern);
    } catch (err) {
      errs.push(invalid(`${path}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${(err as Error).message}`));
    }
  }

  // ValidateCustomResourceDefinitionOpenAPISchema
  if (s.uniqueItems === true) errs.push(forbidden(`${path}.uniqueItems`, "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
  if (s.additionalProperties === false) errs.push(forbidden(`${path}.additionalProperties`, "additionalProperties cannot be set to false"));
  else if (s.additionalProperties !== undefined && s.additionalProperties !== true && s.properties && Object.keys(s.properties).length > 0) {
    errs.push(forbidden(`${path}.additionalProperties`, "additionalProperties and properties are mutual exclusive"));
  }
  if (s["x-kubernetes-preserve-unknown-fields"] === false) {
    errs.push(invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, "must be true or undefined"));
  }
  const mapType = s["x-kubernetes-map-type"];
  if (mapType !== undefined && s.type !== "object") {
    if (!s.type) errs.push(required(`${path}.type`, "must be object if x-kubernetes-map-type is specified"));
    else errs.push(invalid(`${path}.type`, s.type, "must be object if x-kubernetes-map-type is specified"));
  }
  if (mapType !== undefined && mapType !== "atomic" && mapType !== "granular") errs.push(notSupported(`${path}.x-kubernetes-map-type`, mapType, ["atomic", "granular"]));

  const listType = s["x-kubernetes-list-type"];
  const mapKeys = s["x-kubernetes-list-map-keys"] ?? [];
  const items = isObject(s.items) ? (s.items as JSONSchemaProps) : undefined;
  if (listType !== undefined && s.type !== "array") {
    if (!s.type) errs.push(required(`${path}.type`, "must be array if x-kubernetes-list-type is specified"));
    else errs.push(invalid(`${path}.type`, s.type, "must be array if x-kubernetes-list-type is specified"));
  } else if (listType === "set" && items) {
    if (items.type === "array" && items["x-kubernetes-list-type"] !== undefined && items["x-kubernetes-list-type"] !== "atomic") {
      errs.push(invalid(`${path}.items.x-kubernetes-list-type`, items["x-kubernetes-list-type"], "must be atomic as item of a list with x-kubernetes-list-type=set"));
    }
    if (items.type === "object" && items["x-kubernetes-map-type"] !== "atomic") {
      // Upstream reports the item's list type here (nil), hence "null".
      errs.push(invalid(`${path}.items.x-kubernetes-map-type`, null, "must be atomic as item of a list with x-kubernetes-list-type=set"));
    }
  }
  if (listType !== undefined && listType !== "atomic" && listType !== "set" && listType !== "map") {
    errs.push(notSupported(`${path}.x-kubernetes-list-type`, listType, ["atomic", "set", "map"]));
  }
  if (mapKeys.length > 0) {
    if (listType === undefined) errs.push(required(`${path}.x-kubernetes-list-type`, "must be map if x-kubernetes-list-map-keys is non-empty"));
    else if (listType !== "map") errs.push(invalid(`${path}.x-kubernetes-list-type`, listType, "must be map if x-kubernetes-list-map-keys is non-empty"));
  }
  if (listType === "map") {
    if (mapKeys.length === 0) errs.push(required(`${path}.x-kubernetes-list-map-keys`, "must not be empty if x-kubernetes-list-type is map"));
    if (s.items === undefined) errs.push(required(`${path}.items`, "must have a schema if x-kubernetes-list-type is map"));
    if (items && items.type !== "object") errs.push(invalid(`${path}.items.type`, items.type ?? "", "must be object if parent array's x-kubernetes-list-type is map"));
    if (items && items.type === "object") {
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const prop = items.properties?.[k];
        if (prop) {
          if (prop.type === "array" || prop.type === "object") {
            errs.push(invalid(`${path}.items.properties[${k}].type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          }
        } else errs.push(invalid(`${path}.x-kubernetes-list-map-keys`, mapKeys, "entries must all be names of item properties"));
        if (seen.has(k)) errs.push(invalid(`${path}.x-kubernetes-list-map-keys`, mapKeys, "must not contain duplicate entries"));
        seen.add(k);
      }
    }
  }
  // validateMapListKeysMapSet
  if ((listType === "set" || listType === "map") && items) {
    if (items.nullable) errs.push(forbidden(`${path}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === "map") {
      const req = new Set(items.required ?? []);
      for (const k of mapKeys) {
        const prop = items.properties?.[k];
        if (!prop) continue;
        if (!req.has(k) && prop.default === undefined) {
          errs.push(required(`${path}.items.properties[${k}].default`, "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
        }
        if (prop.nullable) errs.push(forbidden(`${path}.items.properties[${k}].nullable`, "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
      }
    }
  }

  // x-kubernetes-validations
  (s["x-kubernetes-validations"] ?? []).forEach((r, i) => {
    const rp = `${path}.x-kubernetes-validations[${i}]`;
    const rule = isObject(r) && typeof r.rule === "string" ? r.rule.trim() : "";
    const rawMsg = isObject(r) && typeof r.message === "string" ? r.message : "";
    const msg = rawMsg.trim();
    if (!rule) errs.push(required(`${rp}.rule`, "rule is not specified"));
    else if (rawMsg.length > 0 && !msg) errs.push(invalid(`${rp}.message`, rawMsg, "message must be non-empty if specified"));
    else if (/[\r\n]/.test(msg)) errs.push(invalid(`${rp}.message`, rawMsg, "message must not contain line breaks"));
    else if (/[\r\n]/.test(rule) && !msg) errs.push(required(`${rp}.message`, "message must be specified if rule contains line breaks"));
    const msgExpr = isObject(r) && typeof r.messageExpression === "string" ? r.messageExpression : "";
    if (msgExpr.length > 0 && !msgExpr.trim()) errs.push(required(`${rp}.messageExpression`, "messageExpression must be non-empty if specified"));
    const reason = isObject(r) ? r.reason : undefined;
    const reasons = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];
    if (reason !== undefined && !reasons.includes(String(reason))) errs.push(notSupported(`${rp}.reason`, reason, reasons));
    const fieldPath = isObject(r) && typeof r.fieldPath === "string" ? r.fieldPath : "";
    if (fieldPath.length > 0 && !fieldPath.trim()) errs.push(invalid(`${rp}.fieldPath`, fieldPath, "fieldPath must be non-empty if specified"));
    if (/[\r\n]/.test(fieldPath)) errs.push(invalid(`${rp}.fieldPath`, fieldPath, "fieldPath must not contain line breaks"));
    if (rule) {
      let usesOldSelf: boolean | undefined;
      try {
        usesOldSelf = compileCel(rule).usesOldSelf;
      } catch {
        // Outside the subset: whether it uses oldSelf is only known from the identifier.
        usesOldSelf = /\boldSelf\b/.test(rule);
      }
      if (usesOldSelf && ctx.uncorrelatable) {
        errs.push(invalid(`${rp}.rule`, rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${ctx.uncorrelatable}`));
      } else if (!usesOldSelf && isObject(r) && r.optionalOldSelf !== undefined) {
        errs.push(invalid(`${rp}.optionalOldSelf`, r.optionalOldSelf, "may not be set if oldSelf is not used in rule"));
      }
    }
  });
}

function structuralRules(s: JSONSchemaProps, path: string, level: Level, errs: Cause[]): void {
  const embedded = !!s["x-kubernetes-embedded-resource"];
  if (s.type === "array" && s.items === undefined) errs.push(required(`${path}.items`, "must be specified"));
  if (embedded && s.type !== "object") {
    if (!s.type) errs.push(required(`${path}.type`, "must be object if x-kubernetes-embedded-resource is true"));
    else errs.push(invalid(`${path}.type`, s.type, "must be object if x-kubernetes-embedded-resource is true"));
  } else if (!s.type && !s["x-kubernetes-int-or-string"] && !s["x-kubernetes-preserve-unknown-fields"]) {
    const where = level === "root" ? "at the root" : level === "item" ? "for specified array items" : "for specified object fields";
    errs.push(required(`${path}.type`, `must not be empty ${where}`));
  }
  if (s["x-kubernetes-int-or-string"] && s["x-kubernetes-preserve-unknown-fields"]) {
    errs.push(invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, "must be false if x-kubernetes-int-or-string is true"));
  }
  if (s["x-kubernetes-int-or-string"] && s["x-kubernetes-embedded-resource"]) {
    errs.push(invalid(`${path}.x-kubernetes-embedded-resource`, true, "must be false if x-kubernetes-int-or-string is true"));
  }
  if (s["x-kubernetes-int-or-string"] && s.type) {
    errs.push(invalid(`${path}.type`, s.type, "must be empty if x-kubernetes-int-or-string is true"));
  }
  if (embedded && s.additionalProperties !== undefined) {
    errs.push(forbidden(`${path}.additionalProperties`, "must not be used if x-kubernetes-embedded-resource is set"));
  }
  if (level === "root") {
    if (s.type && s.type !== "object") errs.push(invalid(`${path}.type`, s.type, "must be object at the root"));
    if (s.additionalProperties !== undefined) errs.push(forbidden(`${path}.additionalProperties`, "must not be used at the root"));
  }
  const checkMetadata = level === "root" || embedded;
  if (checkMetadata) {
    for (const k of ["kind", "apiVersion"] as const) {
      const p = s.properties?.[k];
      if (p && p.type !== "string") errs.push(invalid(`${path}.properties[${k}].type`, p.type ?? "", "must be string"));
    }
  }
  const metadata = s.properties?.metadata;
  if (metadata) {
    const mp = `${path}.properties[metadata]`;
    if (checkMetadata && metadata.type !== "object") errs.push(invalid(`${mp}.type`, metadata.type ?? "", "must be object"));
    if (level === "root" && !metadataOnlyNameRestrictions(metadata)) {
      errs.push(forbidden(mp, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
    }
  }
  if (embedded && !s["x-kubernetes-preserve-unknown-fields"] && Object.keys(s.properties ?? {}).length === 0) {
    errs.push(required(`${path}.properties`, "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
  }
}

/** Upstream allows the root metadata schema to restrict name and generateName only. */
function metadataOnlyNameRestrictions(m: JSONSchemaProps): boolean {
  const props = Object.keys(m.properties ?? {});
  if (props.some((p) => p !== "name" && p !== "generateName")) return false;
  const allowed = new Set(["type", "properties", "description"]);
  return Object.keys(m).every((k) => allowed.has(k));
}

function walkValueValidation(s: JSONSchemaProps, path: string, errs: Cause[], parent: JSONSchemaProps, anyOfIndex: number, kw: string): void {
  if (typeof s !== "object" || s === null || Array.isArray(s)) return;
  // The int-or-string patterns (anyOf: [{type: integer}, {type: string}], possibly nested in allOf[0])
  // are the one place value validations may name types.
  const intOrString = parent["x-kubernetes-int-or-string"] && kw === "anyOf" && anyOfIndex >= 0 && isIntOrStringAnyOf(parent.anyOf);
  for (const key of NON_VALUE_KEYWORDS) {
    if (key === "type" && intOrString) continue;
    if (s[key] !== undefined) errs.push(forbidden(`${path}.${key}`, "must be empty to be structural"));
  }
  generalRestrictions(s, path, { level: "field" }, errs);
  for (const [k, v] of Object.entries(s.properties ?? {})) walkValueValidation(v, `${path}.properties[${k}]`, errs, s, -1, "properties");
  if (isObject(s.items)) walkValueValidation(s.items as JSONSchemaProps, `${path}.items`, errs, s, -1, "items");
  for (const sub of ["allOf", "anyOf", "oneOf"] as const) {
    (s[sub] ?? []).forEach((x, i) => {
      const nestedIntOrString = parent["x-kubernetes-int-or-string"] && kw === "allOf" && sub === "anyOf" && isIntOrStringAnyOf(s.anyOf);
      if (nestedIntOrString && x.type !== undefined) {
        const copy = { ...x };
        delete copy.type;
        walkValueValidation(copy, `${path}.${sub}[${i}]`, errs, s, i, sub);
      } else walkValueValidation(x, `${path}.${sub}[${i}]`, errs, s, i, sub);
    });
  }
  if (isObject(s.not)) walkValueValidation(s.not, `${path}.not`, errs, s, -1, "not");
}

function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  return anyOf?.length === 2 && deepEqual(anyOf[0], { type: "integer" }) && deepEqual(anyOf[1], { type: "string" });
}

