/**
 * One CRD version's openAPIV3Schema, compiled for the request path of a custom resource:
 * prune → default → validate, as apiextensions-apiserver does (pruning and defaulting on decode, then the
 * OpenAPI schema validator, embedded-resource and list-type checks, then x-kubernetes-validations).
 *
 * OpenAPI validation runs on ajv; its errors are mapped to the causes kube-openapi's validator produces
 * after apiextensions' kubeOpenAPIResultToFieldErrors (same field paths, same `... in body should ...`
 * details). On update, errors on values that did not change are dropped (CRD validation ratcheting,
 * on by default since Kubernetes 1.30).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { SchemaNode } from "@flotilla/merge/schema";
import {
  forbidden,
  goNumber,
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
  duplicate,
  fieldError,
  ROOT_FIELD,
  type Cause,
} from "./causes.js";
import { compileCel, evaluateCel, re2ToJs, CelEvalError, CelSyntaxError, type CompiledCel } from "./cel.js";
import { defaultInPlace } from "./defaults.js";
import { stringFormat } from "./formats.js";
import { pruneInPlace } from "./prune.js";
import { toSchemaNode } from "./schema-node.js";
import {
  additionalSchema,
  deepCopy,
  deepEqual,
  isObject,
  itemsSchema,
  type JSONObject,
  type JSONSchemaProps,
  type ValidationRule,
} from "./schema-types.js";

/** A CEL rule that this server does not evaluate (outside the supported subset). */
export interface UnenforcedRule {
  /** Schema location, e.g. `.spec`, `.spec.items[*]`, `.spec.labels{*}`. */
  path: string;
  rule: string;
  message?: string;
  /** Why it is not enforced (the parse or support error). */
  reason: string;
}

/** A CEL rule that is evaluated. */
export interface EnforcedRule {
  path: string;
  rule: string;
  message?: string;
  transition: boolean;
}

export interface CompiledSchema {
  schemaNode: SchemaNode;
  /** Drops fields the schema does not specify; `unknownFields` are `.spec.foo` style paths, sorted. */
  prune(obj: object): { object: object; unknownFields: string[] };
  applyDefaults(obj: object): object;
  /** OpenAPI validation and CEL rules; with `oldObj`, transition rules and ratcheting apply. */
  validate(obj: object, oldObj?: object): Cause[];
  unenforcedRules: UnenforcedRule[];
  enforcedRules: EnforcedRule[];
  /** Parts of the OpenAPI schema this server cannot check (untranslatable patterns); empty for Flux. */
  schemaWarnings: string[];
}

export function compileVersionSchema(openAPIV3Schema: object): CompiledSchema {
  const schema = openAPIV3Schema as JSONSchemaProps;
  const { fn: validateFn, warnings } = compileAjv(schema);
  const rules = new RuleCompiler();
  const celTree = rules.compileTree(schema, "", true);
  return {
    schemaNode: toSchemaNode(schema),
    prune(obj) {
      const copy = deepCopy(obj) as JSONObject;
      const unknown = pruneInPlace(copy, schema);
      return { object: copy, unknownFields: unknown.map((p) => `.${p}`) };
    },
    applyDefaults(obj) {
      const copy = deepCopy(obj) as JSONObject;
      defaultInPlace(copy, schema);
      return copy;
    },
    validate(obj, oldObj) {
      const errs: Located[] = [];
      if (!validateFn(obj)) errs.push(...mapAjvErrors(validateFn.errors ?? [], obj));
      errs.push(...validateEmbeddedAndLists(schema, obj, [], true));
      const kept = oldObj === undefined ? errs : errs.filter((e) => !unchanged(schema, obj, oldObj, e.node));
      const causes = kept.map((e) => e.cause);
      if (!celTree) return causes;
      if (causes.some((c) => BLOCKING.has(c.type))) {
        const msg = "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";
        return [...causes, invalid(ROOT_FIELD, null, msg)];
      }
      return [...causes, ...evaluateRules(celTree, obj, oldObj, ROOT_FIELD, true)];
    },
    unenforcedRules: rules.unenforced,
    enforcedRules: rules.enforced,
    schemaWarnings: warnings,
  };
}

/** OpenAPI failures after which upstream does not run CEL rules (hasBlockingErr). */
const BLOCKING = new Set(["FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong", "FieldValueTooMany", "FieldValueTypeInvalid"]);

/** A cause plus the instance location whose value decides ratcheting. */
interface Located {
  cause: Cause;
  node: Array<string | number>;
}

// ---------------------------------------------------------------------------------------------------------
// ajv

/** Patterns that could not be translated while compiling the current schema (ajv compiles synchronously). */
let untranslatablePatterns: string[] = [];

function regExpEngine(pattern: string): RegExp {
  try {
    return re2ToJs(pattern);
  } catch (err) {
    // CRD validation rejects patterns that do not compile; this only covers RE2 syntax without a JS equivalent.
    untranslatablePatterns.push(`pattern '${pattern}' is not checked: ${(err as Error).message}`);
    return /(?:)/;
  }
}

const FORMATS = ["date-time", "datetime", "date", "duration", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5", "byte", "password", "bsonobjectid", "hexcolor", "rgbcolor"];

/**
 * One ajv instance per compiled schema: ajv's code scope keeps every schema it compiled (verbose mode
 * references them from the generated code), so a shared instance would grow with each CRD update.
 */
function newAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    logger: false,
    validateFormats: true,
    code: { regExp: Object.assign(regExpEngine, { code: "re2ToJs" }) },
  });
  for (const name of FORMATS) ajv.addFormat(name, { type: "string", validate: stringFormat(name)! });
  return ajv;
}

/**
 * The ajv validator for a schema, plus what it cannot check. A schema ajv refuses (which CRD validation should
 * have caught) yields a validator that accepts everything, reported in the warnings rather than thrown, so a
 * stored CRD can never break the server.
 */
function compileAjv(schema: JSONSchemaProps): { fn: ValidateFunction; warnings: string[] } {
  untranslatablePatterns = [];
  try {
    const fn = newAjv().compile(toAjvSchema(schema));
    return { fn, warnings: untranslatablePatterns };
  } catch (err) {
    const accept = (() => true) as unknown as ValidateFunction;
    return { fn: accept, warnings: [...untranslatablePatterns, `OpenAPI validation disabled: ${(err as Error).message}`] };
  } finally {
    untranslatablePatterns = [];
  }
}

/** Keeps what validates (not descriptions, defaults or extensions) and spells it the way ajv expects. */
function toAjvSchema(s: JSONSchemaProps): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const types = s["x-kubernetes-int-or-string"] ? ["integer", "string"] : s.type ? [s.type] : [];
  if (types.length) {
    out["x-kube-types"] = types;
    out.type = s.nullable ? [...types, "null"] : types.length === 1 ? types[0] : types;
  }
  for (const k of ["enum", "required", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf", "maxProperties", "minProperties"] as const) {
    if (s[k] !== undefined) out[k] = s[k];
  }
  if (s.enum && s.nullable && !s.enum.includes(null)) out.enum = [...s.enum, null];
  if (Array.isArray(out.enum) && out.enum.length === 0) delete out.enum;
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum) out.exclusiveMaximum = s.maximum;
    else out.maximum = s.maximum;
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum) out.exclusiveMinimum = s.minimum;
    else out.minimum = s.minimum;
  }
  if (s.format && (s.type === "string" || !s.type) && stringFormat(s.format)) out.format = s.format;
  if (s.properties) {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = toAjvSchema(v);
    out.properties = props;
  }
  const additional = additionalSchema(s);
  if (additional) out.additionalProperties = toAjvSchema(additional);
  const items = itemsSchema(s);
  if (items) out.items = toAjvSchema(items);
  const intOrStringAnyOf = s["x-kubernetes-int-or-string"] && isIntOrStringPattern(s.anyOf);
  if (s.anyOf && !intOrStringAnyOf) out.anyOf = s.anyOf.map(toAjvSchema);
  if (s.allOf) {
    const allOf = s["x-kubernetes-int-or-string"] && isIntOrStringPattern(s.allOf[0]?.anyOf) ? s.allOf.slice(1) : s.allOf;
    if (allOf.length) out.allOf = allOf.map(toAjvSchema);
  }
  if (s.oneOf) out.oneOf = s.oneOf.map(toAjvSchema);
  if (s.not) out.not = toAjvSchema(s.not);
  return out;
}

function isIntOrStringPattern(anyOf: JSONSchemaProps[] | undefined): boolean {
  return anyOf?.length === 2 && anyOf[0]?.type === "integer" && anyOf[1]?.type === "string";
}

/** The JSON type name go-openapi reports for a value (`integer` for whole numbers). */
function jsonType(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function pointerSegments(pointer: string, root: unknown): Array<string | number> {
  if (!pointer) return [];
  const segs: Array<string | number> = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      segs.push(Number(key));
      cur = cur[Number(key)];
    } else {
      segs.push(key);
      cur = isObject(cur) ? cur[key] : undefined;
    }
  }
  return segs;
}

/** kube-openapi's path: properties joined with `.`, array items as `[i]`. */
function dotted(segs: ReadonlyArray<string | number>): string {
  let s = "";
  for (const seg of segs) s += typeof seg === "number" ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

function enumValues(values: unknown[]): string[] {
  return values.filter((v) => v !== null || values.length === 1).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

/**
 * Validates several values, each against its own schema, with one ajv compilation (CRD defaults). Causes are
 * relative to each value, as kube-openapi reports them for a validator rooted at the value.
 */
export function validateValues(entries: ReadonlyArray<{ schema: JSONSchemaProps; value: unknown }>): Cause[][] {
  const out: Cause[][] = entries.map(() => []);
  if (entries.length === 0) return out;
  const key = (i: number) => `v${i}`;
  const root = { type: "object", properties: Object.fromEntries(entries.map((e, i) => [key(i), toAjvSchema(e.schema)])) };
  const data = Object.fromEntries(entries.map((e, i) => [key(i), e.value]));
  let fn: ValidateFunction;
  try {
    fn = newAjv().compile(root);
  } catch {
    return out;
  } finally {
    untranslatablePatterns = [];
  }
  if (fn(data)) return out;
  const byEntry = new Map<number, ErrorObject[]>();
  for (const e of fn.errors ?? []) {
    const m = /^\/v(\d+)(.*)$/.exec(e.instancePath);
    if (!m) continue;
    const i = Number(m[1]);
    const schemaPath = e.schemaPath.replace(`#/properties/${key(i)}`, "#");
    const list = byEntry.get(i) ?? [];
    list.push({ ...e, instancePath: m[2]!, schemaPath });
    byEntry.set(i, list);
  }
  for (const [i, errs] of byEntry) out[i] = mapAjvErrors(errs, entries[i]!.value).map((l) => l.cause);
  return out;
}

function mapAjvErrors(errors: ErrorObject[], root: unknown): Located[] {
  // Composite keywords (anyOf/oneOf/not) report the errors of their branches too; regroup them as
  // kube-openapi does: one composite error plus the failures of the branch that matched best.
  const composite = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf" || e.keyword === "not");
  const nested = (e: ErrorObject) => composite.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`));
  const out: Located[] = [];
  for (const e of errors) {
    if (nested(e)) continue;
    if (e.keyword === "anyOf" || e.keyword === "oneOf" || e.keyword === "not") {
      out.push(...mapComposite(e, errors, root));
      continue;
    }
    const mapped = mapSimple(e, root);
    if (mapped) out.push(mapped);
  }
  return out;
}

function mapComposite(e: ErrorObject, all: ErrorObject[], root: unknown): Located[] {
  const segs = pointerSegments(e.instancePath, root);
  const name = dotted(segs);
  const text =
    e.keyword === "anyOf"
      ? `${name} in body must validate at least one schema (anyOf)`
      : e.keyword === "oneOf"
        ? `${name} in body must validate one and only one schema (oneOf)`
        : `${name} in body must not validate the schema (not)`;
  // Not a *Validation error in go-openapi, so upstream files it under the resource root.
  const out: Located[] = [{ cause: invalid(ROOT_FIELD, "", text), node: segs }];
  if (e.keyword === "not") return out;
  const byBranch = new Map<string, ErrorObject[]>();
  for (const x of all) {
    const m = x.schemaPath.startsWith(`${e.schemaPath}/`) ? /^(\d+)/.exec(x.schemaPath.slice(e.schemaPath.length + 1)) : null;
    if (!m) continue;
    const list = byBranch.get(m[1]!) ?? [];
    list.push(x);
    byBranch.set(m[1]!, list);
  }
  let best: ErrorObject[] | undefined;
  for (const list of byBranch.values()) if (!best || list.length < best.length) best = list;
  if (best) out.push(...mapAjvErrors(best, root));
  return out;
}

function mapSimple(e: ErrorObject, root: unknown): Located | undefined {
  const segs = pointerSegments(e.instancePath, root);
  const name = dotted(segs);
  const field = name || ROOT_FIELD;
  const p = e.params as Record<string, unknown>;
  const data = e.data;
  const at = (cause: Cause): Located => ({ cause, node: segs });
  switch (e.keyword) {
    case "type": {
      const parent = e.parentSchema as Record<string, unknown> | undefined;
      const types = (parent?.["x-kube-types"] as string[] | undefined) ?? [String(p.type)];
      const actual = jsonType(data);
      return at(typeInvalid(field, actual, `${name} in body must be of type ${types.join(",")}: "${actual}"`));
    }
    case "required": {
      const missing = String(p.missingProperty);
      return { cause: required(name ? `${name}.${missing}` : missing), node: segs };
    }
    case "enum":
      return at(notSupported(field, data, enumValues(p.allowedValues as unknown[])));
    case "maxLength":
      return at(tooLong(field, Number(p.limit)));
    case "minLength":
      return at(invalid(field, data, `${name} in body should be at least ${p.limit} chars long`));
    case "pattern":
      return at(invalid(field, data, `${name} in body should match '${p.pattern}'`));
    case "format":
      return at(typeInvalid(field, data, `${name} in body must be of type ${p.format}: ${JSON.stringify(String(data))}`));
    case "maximum":
      return at(invalid(field, data, `${name} in body should be less than or equal to ${goNumber(Number(p.limit))}`));
    case "exclusiveMaximum":
      return at(invalid(field, data, `${name} in body should be less than ${goNumber(Number(p.limit))}`));
    case "minimum":
      return at(invalid(field, data, `${name} in body should be greater than or equal to ${goNumber(Number(p.limit))}`));
    case "exclusiveMinimum":
      return at(invalid(field, data, `${name} in body should be greater than ${goNumber(Number(p.limit))}`));
    case "multipleOf":
      return at(invalid(field, data, `${name} in body should be a multiple of ${goNumber(Number(p.multipleOf))}`));
    case "maxItems":
      return at(tooMany(field, Array.isArray(data) ? data.length : -1, Number(p.limit)));
    case "minItems":
      return at(invalid(field, Array.isArray(data) ? data.length : "", `${name} in body should have at least ${p.limit} items`));
    case "uniqueItems":
      return at(invalid(field, "", `${name} in body shouldn't contain duplicates`));
    case "maxProperties":
      return at(tooMany(field, isObject(data) ? Object.keys(data).length : -1, Number(p.limit)));
    case "minProperties":
      return at(invalid(field, isObject(data) ? Object.keys(data).length : "", `${name} in body should have at least ${p.limit} properties`));
    default:
      return at(invalid(field, data ?? "", `${name} in body ${e.message ?? "is invalid"}`));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Embedded resources and list-type invariants (schemaobjectmeta.Validate, structurallisttype)

function validateEmbeddedAndLists(s: JSONSchemaProps | undefined, x: unknown, segs: Array<string | number>, isRoot: boolean): Located[] {
  if (!s) return [];
  const out: Located[] = [];
  const name = dotted(segs);
  const childName = (k: string) => (name ? `${name}.${k}` : k);
  if (Array.isArray(x)) {
    const listType = s["x-kubernetes-list-type"];
    if (listType === "set") {
      x.forEach((v, i) => {
        if (x.slice(0, i).some((w) => deepEqual(v, w))) out.push({ cause: duplicate(`${name}[${i}]`, v), node: [...segs, i] });
      });
    } else if (listType === "map") {
      const keys = s["x-kubernetes-list-map-keys"] ?? [];
      const seen: unknown[] = [];
      x.forEach((v, i) => {
        if (!isObject(v)) return;
        const key: JSONObject = {};
        for (const k of keys) if (v[k] !== undefined) key[k] = v[k];
        if (seen.some((w) => deepEqual(w, key))) out.push({ cause: duplicate(`${name}[${i}]`, key), node: [...segs, i] });
        seen.push(key);
      });
    }
    const items = itemsSchema(s);
    x.forEach((v, i) => out.push(...validateEmbeddedAndLists(items, v, [...segs, i], false)));
    return out;
  }
  if (!isObject(x)) return out;
  if (s["x-kubernetes-embedded-resource"] && !isRoot) {
    for (const k of ["apiVersion", "kind"]) {
      if (!(k in x)) out.push({ cause: required(childName(k), "must not be empty"), node: segs });
      else if (typeof x[k] !== "string") out.push({ cause: invalid(childName(k), x[k], "must be a string"), node: [...segs, k] });
      else if (x[k] === "") out.push({ cause: invalid(childName(k), "", "must not be empty"), node: [...segs, k] });
    }
  }
  const additional = additionalSchema(s);
  for (const [k, v] of Object.entries(x)) {
    if (isRoot && k === "metadata") continue;
    const prop = s.properties && Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : additional;
    if (prop) out.push(...validateEmbeddedAndLists(prop, v, [...segs, k], false));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Ratcheting and old-object correlation

/** The old value at the new value's location, when the two correlate (object keys; list-map keys). */
function correlate(s: JSONSchemaProps | undefined, newV: unknown, oldV: unknown, segs: ReadonlyArray<string | number>): { found: boolean; newV: unknown; oldV: unknown } {
  let schema = s;
  for (const seg of segs) {
    if (typeof seg === "number") {
      if (!Array.isArray(newV) || !Array.isArray(oldV)) return { found: false, newV, oldV };
      const item = newV[seg];
      const old = correlateListItem(schema, item, oldV);
      if (old === undefined) return { found: false, newV, oldV };
      newV = item;
      oldV = old;
      schema = itemsSchema(schema);
    } else {
      if (!isObject(newV) || !isObject(oldV) || !Object.prototype.hasOwnProperty.call(oldV, seg)) return { found: false, newV, oldV };
      newV = newV[seg];
      oldV = oldV[seg];
      schema = schema?.properties?.[seg] ?? additionalSchema(schema);
    }
  }
  return { found: true, newV, oldV };
}

function correlateListItem(s: JSONSchemaProps | undefined, item: unknown, oldList: unknown[]): unknown {
  if (s?.["x-kubernetes-list-type"] !== "map" || !isObject(item)) return undefined;
  const keys = s["x-kubernetes-list-map-keys"] ?? [];
  return oldList.find((o) => isObject(o) && keys.every((k) => deepEqual(o[k], item[k])));
}

function unchanged(s: JSONSchemaProps, obj: unknown, oldObj: unknown, segs: ReadonlyArray<string | number>): boolean {
  const c = correlate(s, obj, oldObj, segs);
  return c.found && deepEqual(c.newV, c.oldV);
}

// ---------------------------------------------------------------------------------------------------------
// x-kubernetes-validations

interface CompiledRule {
  rule: ValidationRule;
  cel: CompiledCel;
  messageExpression?: CompiledCel;
}

interface RuleNode {
  schema: JSONSchemaProps;
  rules: CompiledRule[];
  properties?: Map<string, RuleNode>;
  additional?: RuleNode;
  items?: RuleNode;
}

class RuleCompiler {
  readonly unenforced: UnenforcedRule[] = [];
  readonly enforced: EnforcedRule[] = [];

  /** The tree of nodes that carry rules (undefined where a subtree has none). */
  compileTree(s: JSONSchemaProps | undefined, path: string, isRoot = false): RuleNode | undefined {
    if (!s) return undefined;
    const node: RuleNode = { schema: s, rules: [] };
    for (const rule of s["x-kubernetes-validations"] ?? []) {
      const where = path || ".";
      try {
        const cel = compileCel(rule.rule);
        if (cel.usesOldSelf && rule.optionalOldSelf) throw new CelSyntaxError("optionalOldSelf needs CEL optional types, which are outside the subset");
        let messageExpression: CompiledCel | undefined;
        if (rule.messageExpression) {
          try {
            messageExpression = compileCel(rule.messageExpression);
          } catch {
            // An unsupported messageExpression only loses the dynamic message; the rule is still enforced.
          }
        }
        node.rules.push({ rule, cel, ...(messageExpression ? { messageExpression } : {}) });
        this.enforced.push({ path: where, rule: rule.rule, ...(rule.message ? { message: rule.message } : {}), transition: cel.usesOldSelf });
      } catch (err) {
        if (!(err instanceof CelSyntaxError)) throw err;
        this.unenforced.push({ path: where, rule: rule.rule, ...(rule.message ? { message: rule.message } : {}), reason: err.message });
      }
    }
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      if (isRoot && k === "metadata") continue;
      const child = this.compileTree(v, `${path}.${k}`);
      if (child) (node.properties ??= new Map()).set(k, child);
    }
    const additional = this.compileTree(additionalSchema(s), `${path}{*}`);
    if (additional) node.additional = additional;
    const items = this.compileTree(itemsSchema(s), `${path}[*]`);
    if (items) node.items = items;
    return node.rules.length || node.properties || node.additional || node.items ? node : undefined;
  }
}

const fieldChild = (parent: string, k: string) => (parent === ROOT_FIELD ? k : `${parent}.${k}`);
const fieldKey = (parent: string, k: string) => `${parent === ROOT_FIELD ? "" : parent}[${k}]`;
const fieldIndex = (parent: string, i: number) => `${parent === ROOT_FIELD ? "" : parent}[${i}]`;

/** `oldV === undefined` means no correlated old value. */
function evaluateRules(node: RuleNode, value: unknown, oldV: unknown, field: string, isRoot = false): Cause[] {
  if (value === null || value === undefined) return [];
  const out: Cause[] = [];
  const s = node.schema;
  const ratcheted = oldV !== undefined && deepEqual(value, oldV);
  const self = isRoot ? rootSelf(value) : value;
  const oldSelf = isRoot && oldV !== undefined ? rootSelf(oldV) : oldV;
  for (const r of node.rules) {
    if (r.cel.usesOldSelf && oldV === undefined) continue;
    if (!r.cel.usesOldSelf && ratcheted) continue;
    const ruleField = r.rule.fieldPath ? fieldChild(field, r.rule.fieldPath.replace(/^\./, "")) : field;
    const schemaType = s["x-kubernetes-int-or-string"] && !s.type ? "" : (s.type ?? "");
    let result: unknown;
    try {
      result = evaluateCel(r.cel, { self, oldSelf });
    } catch (err) {
      if (!(err instanceof CelEvalError)) throw err;
      const detail = err.message.startsWith("no such overload")
        ? `'${err.message}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(r.rule)}`
        : `${err.message} evaluating rule: ${ruleErrorString(r.rule)}`;
      out.push(invalid(ruleField, schemaType, detail));
      continue;
    }
    if (result === true) continue;
    out.push(fieldErrorForReason(ruleField, schemaType, ruleMessage(r, self, oldSelf), r.rule.reason));
  }
  const oldObj = isObject(oldV) ? oldV : undefined;
  if (isObject(value)) {
    for (const [k, child] of node.properties ?? []) {
      if (Object.prototype.hasOwnProperty.call(value, k)) {
        out.push(...evaluateRules(child, value[k], oldObj && Object.prototype.hasOwnProperty.call(oldObj, k) ? oldObj[k] : undefined, fieldChild(field, k)));
      }
    }
    if (node.additional) {
      for (const [k, v] of Object.entries(value)) {
        if (s.properties && Object.prototype.hasOwnProperty.call(s.properties, k)) continue;
        out.push(...evaluateRules(node.additional, v, oldObj && Object.prototype.hasOwnProperty.call(oldObj, k) ? oldObj[k] : undefined, fieldKey(field, k)));
      }
    }
  } else if (Array.isArray(value) && node.items) {
    const oldList = Array.isArray(oldV) ? oldV : undefined;
    value.forEach((v, i) => {
      const old = oldList ? correlateListItem(s, v, oldList) : undefined;
      out.push(...evaluateRules(node.items!, v, old, fieldIndex(field, i)));
    });
  }
  return out;
}

/** At the resource root, rules see only apiVersion, kind and metadata.name/generateName of the metadata. */
function rootSelf(v: unknown): unknown {
  if (!isObject(v)) return v;
  const copy: JSONObject = { ...v };
  if (isObject(v.metadata)) {
    const meta: JSONObject = {};
    if (v.metadata.name !== undefined) meta.name = v.metadata.name;
    if (v.metadata.generateName !== undefined) meta.generateName = v.metadata.generateName;
    copy.metadata = meta;
  }
  return copy;
}

function ruleErrorString(rule: ValidationRule): string {
  return rule.message ? rule.message.trim() : rule.rule.trim();
}

function ruleMessage(r: CompiledRule, self: unknown, oldSelf: unknown): string {
  if (r.messageExpression) {
    try {
      const m = evaluateCel(r.messageExpression, { self, oldSelf });
      if (typeof m === "string" && m.trim() !== "" && !/[\r\n]/.test(m)) return m.trim();
    } catch (err) {
      if (!(err instanceof CelEvalError)) throw err;
    }
  }
  return r.rule.message ? r.rule.message.trim() : `failed rule: ${ruleErrorString(r.rule)}`;
}

function fieldErrorForReason(field: string, value: unknown, detail: string, reason: string | undefined): Cause {
  switch (reason) {
    case "FieldValueForbidden":
      return forbidden(field, detail);
    case "FieldValueRequired":
      return required(field, detail);
    case "FieldValueDuplicate":
      return fieldError("FieldValueDuplicate", field, value, "");
    default:
      return invalid(field, value, detail);
  }
}
