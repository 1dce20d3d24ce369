/**
 * Label and field selectors, parsed once per request into matchers.
 * Grammar follows k8s.io/apimachinery/pkg/labels (set-based) and pkg/fields (equality only, `\` escapes).
 */
import { badRequest } from "./errors.js";

export type LabelOp = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

export interface LabelSelector {
  requirements: LabelRequirement[];
  matches(labels: Record<string, string> | undefined): boolean;
  empty: boolean;
}

const EVERYTHING: LabelSelector = { requirements: [], matches: () => true, empty: true };

export class SelectorParseError extends Error {}

const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function validLabelKey(key: string): string | undefined {
  const slash = key.indexOf("/");
  let name = key;
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    name = key.slice(slash + 1);
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return "prefix part must be a valid DNS subdomain";
  }
  if (name.length === 0) return "name part must be non-empty";
  if (name.length > 63) return "name part must be no more than 63 characters";
  if (!QUALIFIED_NAME.test(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  return undefined;
}

export function validLabelValue(v: string): string | undefined {
  if (v.length > 63) return "must be no more than 63 characters";
  if (!LABEL_VALUE.test(v))
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  return undefined;
}

/** Tokenizer mirroring labels.Lexer: identifiers, operators, parens, commas. */
type Tok = { t: "id" | "op" | "(" | ")" | "," | "!" | "end"; v: string };

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      out.push({ t: c, v: c });
      i++;
      continue;
    }
    if (c === "!" && s[i + 1] === "=") {
      out.push({ t: "op", v: "!=" });
      i += 2;
      continue;
    }
    if (c === "!") {
      out.push({ t: "!", v: "!" });
      i++;
      continue;
    }
    if (c === "=" && s[i + 1] === "=") {
      out.push({ t: "op", v: "==" });
      i += 2;
      continue;
    }
    if (c === "=" || c === ">" || c === "<") {
      out.push({ t: "op", v: c });
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !" \t\n\r(),!=<>".includes(s[j]!)) j++;
    const word = s.slice(i, j);
    if (word === "in" || word === "notin") out.push({ t: "op", v: word });
    else out.push({ t: "id", v: word });
    i = j;
  }
  out.push({ t: "end", v: "" });
  return out;
}

export function parseLabelSelector(input: string | null | undefined): LabelSelector {
  if (input === null || input === undefined || input.trim() === "") return EVERYTHING;
  const toks = lex(input);
  let p = 0;
  const reqs: LabelRequirement[] = [];
  const fail = (msg: string): never => {
    throw new SelectorParseError(`unable to parse requirement: ${msg}`);
  };
  for (;;) {
    let tok = toks[p++]!;
    if (tok.t === "!") {
      const key = toks[p++]!;
      if (key.t !== "id") fail(`found '${key.v}', expected: identifier`);
      checkKey(key.v);
      reqs.push({ key: key.v, op: "!", values: [] });
    } else if (tok.t === "id") {
      const key = tok.v;
      checkKey(key);
      const next = toks[p]!;
      if (next.t === "," || next.t === "end") {
        reqs.push({ key, op: "exists", values: [] });
      } else if (next.t === "op") {
        p++;
        const op = next.v;
        if (op === "in" || op === "notin") {
          if (toks[p++]!.t !== "(") fail(`found '${toks[p - 1]!.v}', expected: '('`);
          const values: string[] = [];
          for (;;) {
            const v = toks[p]!;
            if (v.t === ")") {
              p++;
              break;
            }
            if (v.t === "id") {
              values.push(v.v);
              p++;
            } else if (v.t === ",") {
              // an empty value between commas is the empty string
              values.push("");
            } else fail(`found '${v.v}', expected: ',', ')' or identifier`);
            const sep = toks[p]!;
            if (sep.t === ",") p++;
            else if (sep.t !== ")") fail(`found '${sep.v}', expected: ',' or ')'`);
          }
          for (const v of values) checkValue(v);
          reqs.push({ key, op: op as LabelOp, values });
        } else {
          const val = toks[p]!;
          let value = "";
          if (val.t === "id") {
            value = val.v;
            p++;
          } else if (op === ">" || op === "<") fail(`found '${val.v}', expected: identifier`);
          if (op === ">" || op === "<") {
            if (!/^-?\d+$/.test(value)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
            reqs.push({ key, op: op === ">" ? "gt" : "lt", values: [value] });
          } else {
            checkValue(value);
            reqs.push({ key, op: op as LabelOp, values: [value] });
          }
        }
      } else fail(`found '${next.v}', expected: in, notin, =, ==, !=, gt, lt`);
    } else {
      fail(`found '${tok.v}', expected: !, identifier, or 'end of string'`);
    }
    tok = toks[p++]!;
    if (tok.t === "end") break;
    if (tok.t !== ",") fail(`found '${tok.v}', expected: ',' or 'end of string'`);
  }
  return { requirements: reqs, empty: reqs.length === 0, matches: (labels) => reqs.every((r) => matchRequirement(r, labels)) };

  function checkKey(k: string): void {
    const err = validLabelKey(k);
    if (err) fail(`invalid label key "${k}": ${err}`);
  }
  function checkValue(v: string): void {
    const err = validLabelValue(v);
    if (err) fail(`invalid label value: "${v}": at key: ${err}`);
  }
}

function matchRequirement(r: LabelRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key]! : undefined;
  switch (r.op) {
    case "=":
    case "==":
    case "in":
      return has && r.values.includes(v!);
    case "!=":
    case "notin":
      return !has || !r.values.includes(v!);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || !/^-?\d+$/.test(v!)) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      return r.op === "gt" ? n > bound : n < bound;
    }
  }
}

/** Parses a `metav1.LabelSelector` (matchLabels/matchExpressions) into a matcher. */
export function labelSelectorFromObject(sel: unknown): LabelSelector {
  if (!sel || typeof sel !== "object") return { requirements: [], empty: true, matches: () => false };
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) reqs.push({ key: k, op: "=", values: [v] });
  for (const e of s.matchExpressions ?? []) {
    const op = e.operator === "In" ? "in" : e.operator === "NotIn" ? "notin" : e.operator === "Exists" ? "exists" : "!";
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return { requirements: reqs, empty: reqs.length === 0, matches: (labels) => reqs.every((r) => matchRequirement(r, labels)) };
}

/** Renders a metav1.LabelSelector as the string form (`a=b,c in (d)`), as the scale subresource reports it. */
export function labelSelectorString(sel: unknown): string {
  const parsed = labelSelectorFromObject(sel);
  return parsed.requirements
    .map((r) => {
      switch (r.op) {
        case "=":
        case "==":
          return `${r.key}=${r.values[0]}`;
        case "!=":
          return `${r.key}!=${r.values[0]}`;
        case "in":
          return `${r.key} in (${[...r.values].sort().join(",")})`;
        case "notin":
          return `${r.key} notin (${[...r.values].sort().join(",")})`;
        case "exists":
          return r.key;
        case "!":
          return `!${r.key}`;
        default:
          return "";
      }
    })
    .sort()
    .join(",");
}

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
  empty: boolean;
}

export function parseFieldSelector(input: string | null | undefined): FieldSelector {
  if (input === null || input === undefined || input.trim() === "") return { requirements: [], empty: true };
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === "\\" && i + 1 < input.length) {
      cur += c + input[i + 1];
      i++;
    } else if (c === ",") {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    const m = findOperator(part);
    if (!m) throw new SelectorParseError(`invalid selector: '${input}'; can't understand '${part}'`);
    const field = part.slice(0, m.index).trim();
    const value = unescapeField(part.slice(m.index + m.op.length));
    reqs.push({ field, op: m.op === "!=" ? "!=" : "=", value });
  }
  return { requirements: reqs, empty: reqs.length === 0 };
}

function findOperator(s: string): { index: number; op: string } | undefined {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\") {
      i++;
      continue;
    }
    if (s.startsWith("!=", i)) return { index: i, op: "!=" };
    if (s.startsWith("==", i)) return { index: i, op: "==" };
    if (s[i] === "=") return { index: i, op: "=" };
  }
  return undefined;
}

function unescapeField(s: string): string {
  return s.replace(/\\(.)/g, "$1");
}

/** Checks a field selector against an object's field set; unknown labels must have been rejected earlier. */
export function fieldsMatch(sel: FieldSelector, fields: (name: string) => string | undefined): boolean {
  for (const r of sel.requirements) {
    const v = fields(r.field) ?? "";
    if (r.op === "=" ? v !== r.value : v === r.value) return false;
  }
  return true;
}

/** Parses both selectors from query parameters, mapping parse failures to 400 BadRequest. */
export function parseSelectors(query: URLSearchParams): { labels: LabelSelector; fields: FieldSelector } {
  try {
    return { labels: parseLabelSelector(query.get("labelSelector")), fields: parseFieldSelector(query.get("fieldSelector")) };
  } catch (e) {
    if (e instanceof SelectorParseError) throw badRequest(e.message);
    throw e;
  }
}
