/**
 * A subset of CEL (https://github.com/google/cel-spec) large enough for the x-kubernetes-validations rules
 * that Flux's CRDs carry (see ../../CEL.md), evaluated over JSON values.
 *
 * Supported: int/uint/double/string/bool/null/list/map literals; identifiers (`self`, `oldSelf`, macro
 * variables); field selection and indexing; `has()`; `size()`; unary `!` and `-`; `* / % + -`;
 * `== != < <= > >= in`; `&& ||` (with CEL's error absorption); `?:`; the string functions startsWith,
 * endsWith, contains, matches, lowerAscii, upperAscii, trim, split, join, indexOf, lastIndexOf, replace,
 * substring; the macros all, exists, exists_one, map, filter; int(), uint(), double(), string(), dyn().
 *
 * Simplifications, documented in CEL.md: numbers are JavaScript numbers (int and double are distinguished
 * only where a value is not an integer, so `4.0 / 2.0` behaves like integer division); the type checker is
 * not run, so an expression outside the subset is reported by `compileCel` as unsupported rather than
 * guessed at. Regular expressions are RE2 translated to JavaScript (see `re2ToJs`).
 */

export class CelSyntaxError extends Error {}

/** A runtime error, as cel-go's types.Err (`no such key: x`, `no such overload`, ...). */
export class CelEvalError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Lexer

type Token =
  | { k: "num"; v: number; src: string; uint: boolean; dbl: boolean }
  | { k: "str"; v: string }
  | { k: "id"; v: string }
  | { k: "op"; v: string }
  | { k: "eof" };

const OPS = ["&&", "||", "==", "!=", "<=", ">=", "!", "<", ">", "+", "-", "*", "/", "%", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"];

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    // string literals, with optional r/R (raw) and b/B (bytes, treated as strings) prefixes
    const strStart = /^([rRbB]{0,2})("""|'''|"|')/.exec(src.slice(i));
    if (strStart && (strStart[1]!.length === 0 || /^[rRbB]+$/.test(strStart[1]!))) {
      const prefix = strStart[1]!.toLowerCase();
      const quote = strStart[2]!;
      const raw = prefix.includes("r");
      let j = i + strStart[0].length;
      let v = "";
      for (;;) {
        if (j >= src.length) throw new CelSyntaxError("unterminated string literal");
        if (src.startsWith(quote, j)) {
          j += quote.length;
          break;
        }
        const ch = src[j]!;
        if (quote.length === 1 && ch === "\n") throw new CelSyntaxError("newline in string literal");
        if (ch === "\\" && !raw) {
          const [decoded, len] = unescape(src, j);
          v += decoded;
          j += len;
          continue;
        }
        v += ch;
        j++;
      }
      out.push({ k: "str", v });
      i = j;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)([uU]?)/.exec(src.slice(i));
    if (num && (/\d/.test(c) || (c === "." && /\d/.test(src[i + 1] ?? "")))) {
      const text = num[1]!;
      const dbl = !/^0[xX]/.test(text) && /[.eE]/.test(text);
      out.push({ k: "num", v: Number(text), src: num[0], uint: num[2] !== "", dbl });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: "id", v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new CelSyntaxError(`Syntax error: token recognition error at: '${c}'`);
    out.push({ k: "op", v: op });
    i += op.length;
  }
  out.push({ k: "eof" });
  return out;
}

function unescape(src: string, j: number): [string, number] {
  const n = src[j + 1];
  const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", '"': '"', "`": "`", "?": "?", a: "\x07", b: "\b", f: "\f", v: "\v" };
  if (n !== undefined && simple[n] !== undefined) return [simple[n]!, 2];
  const hex = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-3][0-7]{2}))/.exec(src.slice(j));
  if (hex) {
    const code = hex[1] ?? hex[2] ?? hex[3];
    return [String.fromCodePoint(code ? parseInt(code, 16) : parseInt(hex[4]!, 8)), hex[0].length];
  }
  throw new CelSyntaxError(`invalid escape sequence at: '\\${n ?? ""}'`);
}

// ---------------------------------------------------------------------------------------------------------
// AST and parser

export type Expr =
  | { t: "lit"; v: unknown }
  | { t: "ident"; name: string }
  | { t: "select"; operand: Expr; field: string }
  | { t: "has"; operand: Expr; field: string }
  | { t: "index"; operand: Expr; index: Expr }
  | { t: "call"; fn: string; target?: Expr; args: Expr[] }
  | { t: "list"; items: Expr[] }
  | { t: "map"; entries: Array<[Expr, Expr]> }
  | { t: "unary"; op: "!" | "-"; operand: Expr }
  | { t: "binary"; op: string; left: Expr; right: Expr }
  | { t: "cond"; test: Expr; then: Expr; else: Expr }
  | { t: "macro"; name: "all" | "exists" | "exists_one" | "map" | "filter"; range: Expr; variable: string; body: Expr; transform?: Expr };

const RESERVED = new Set(["as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"]);

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  parse(): Expr {
    const e = this.ternary();
    if (this.peek().k !== "eof") throw new CelSyntaxError(`Syntax error: mismatched input '${tokenText(this.peek())}'`);
    return e;
  }

  private peek(): Token {
    return this.toks[this.pos]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === "op" && t.v === v;
  }
  private eatOp(v: string): boolean {
    if (this.isOp(v)) {
      this.pos++;
      return true;
    }
    return false;
  }
  private expectOp(v: string): void {
    if (!this.eatOp(v)) throw new CelSyntaxError(`Syntax error: missing '${v}' at '${tokenText(this.peek())}'`);
  }

  private ternary(): Expr {
    const test = this.or();
    if (!this.eatOp("?")) return test;
    const then = this.or();
    this.expectOp(":");
    const els = this.ternary();
    return { t: "cond", test, then, else: els };
  }
  private or(): Expr {
    let e = this.and();
    while (this.eatOp("||")) e = { t: "binary", op: "||", left: e, right: this.and() };
    return e;
  }
  private and(): Expr {
    let e = this.relation();
    while (this.eatOp("&&")) e = { t: "binary", op: "&&", left: e, right: this.relation() };
    return e;
  }
  private relation(): Expr {
    let e = this.additive();
    for (;;) {
      const t = this.peek();
      const op = t.k === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.v) ? t.v : t.k === "id" && t.v === "in" ? "in" : undefined;
      if (!op) return e;
      this.pos++;
      e = { t: "binary", op, left: e, right: this.additive() };
    }
  }
  private additive(): Expr {
    let e = this.multiplicative();
    for (;;) {
      if (this.eatOp("+")) e = { t: "binary", op: "+", left: e, right: this.multiplicative() };
      else if (this.eatOp("-")) e = { t: "binary", op: "-", left: e, right: this.multiplicative() };
      else return e;
    }
  }
  private multiplicative(): Expr {
    let e = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.k === "op" && (t.v === "*" || t.v === "/" || t.v === "%")) {
        this.pos++;
        e = { t: "binary", op: t.v, left: e, right: this.unary() };
      } else return e;
    }
  }
  private unary(): Expr {
    if (this.eatOp("!")) return { t: "unary", op: "!", operand: this.unary() };
    if (this.isOp("-")) {
      this.pos++;
      const next = this.peek();
      if (next.k === "num") {
        this.pos++;
        return this.member(numberLiteral(next, true));
      }
      return { t: "unary", op: "-", operand: this.unary() };
    }
    return this.member(this.primary());
  }
  private member(e: Expr): Expr {
    for (;;) {
      if (this.eatOp(".")) {
        const id = this.peek();
        if (id.k !== "id") throw new CelSyntaxError(`Syntax error: no viable alternative at input '.${tokenText(id)}'`);
        this.pos++;
        if (this.eatOp("(")) {
          const args = this.args(")");
          e = this.receiverCall(e, id.v, args);
        } else e = { t: "select", operand: e, field: id.v };
      } else if (this.eatOp("[")) {
        const index = this.ternary();
        this.expectOp("]");
        e = { t: "index", operand: e, index };
      } else return e;
    }
  }
  private receiverCall(target: Expr, fn: string, args: Expr[]): Expr {
    if (["all", "exists", "exists_one", "map", "filter"].includes(fn)) {
      const v = args[0];
      if (!v || v.t !== "ident") throw new CelSyntaxError(`argument must be a simple name`);
      if (fn === "map" && args.length === 3) {
        // map(x, filter, transform)
        return { t: "macro", name: "map", range: target, variable: v.name, body: args[1]!, transform: args[2]! };
      }
      if (args.length !== 2) throw new CelSyntaxError(`${fn}() takes two arguments`);
      return { t: "macro", name: fn as "all", range: target, variable: v.name, body: args[1]! };
    }
    return { t: "call", fn, target, args };
  }
  private args(close: string): Expr[] {
    const out: Expr[] = [];
    if (this.eatOp(close)) return out;
    for (;;) {
      out.push(this.ternary());
      if (this.eatOp(close)) return out;
      this.expectOp(",");
      if (this.eatOp(close)) return out;
    }
  }
  private primary(): Expr {
    const t = this.peek();
    if (t.k === "num") {
      this.pos++;
      return numberLiteral(t, false);
    }
    if (t.k === "str") {
      this.pos++;
      return { t: "lit", v: t.v };
    }
    if (t.k === "id") {
      this.pos++;
      if (t.v === "true" || t.v === "false") return { t: "lit", v: t.v === "true" };
      if (t.v === "null") return { t: "lit", v: null };
      if (t.v === "in" || RESERVED.has(t.v)) throw new CelSyntaxError(`Syntax error: reserved identifier: ${t.v}`);
      if (this.eatOp("(")) {
        const args = this.args(")");
        if (t.v === "has") {
          const a = args[0];
          if (args.length !== 1 || !a || a.t !== "select") throw new CelSyntaxError("invalid argument to has() macro");
          return { t: "has", operand: a.operand, field: a.field };
        }
        return { t: "call", fn: t.v, args };
      }
      return { t: "ident", name: t.v };
    }
    if (this.eatOp("(")) {
      const e = this.ternary();
      this.expectOp(")");
      return e;
    }
    if (this.eatOp("[")) return { t: "list", items: this.args("]") };
    if (this.eatOp("{")) {
      const entries: Array<[Expr, Expr]> = [];
      if (!this.eatOp("}")) {
        for (;;) {
          const k = this.ternary();
          this.expectOp(":");
          entries.push([k, this.ternary()]);
          if (this.eatOp("}")) break;
          this.expectOp(",");
          if (this.eatOp("}")) break;
        }
      }
      return { t: "map", entries };
    }
    throw new CelSyntaxError(`Syntax error: mismatched input '${tokenText(t)}'`);
  }
}

function tokenText(t: Token): string {
  switch (t.k) {
    case "eof":
      return "<EOF>";
    case "num":
      return t.src;
    case "str":
      return JSON.stringify(t.v);
    default:
      return t.v;
  }
}

function numberLiteral(t: Token & { k: "num" }, negate: boolean): Expr {
  const v = negate ? -t.v : t.v;
  if (!t.dbl && !Number.isSafeInteger(v)) throw new CelSyntaxError(`invalid int literal: ${t.src}`);
  return { t: "lit", v };
}

// ---------------------------------------------------------------------------------------------------------
// Static check: which functions the evaluator implements

const RECEIVER_FUNCTIONS = new Set([
  "startsWith",
  "endsWith",
  "contains",
  "matches",
  "size",
  "lowerAscii",
  "upperAscii",
  "trim",
  "split",
  "join",
  "indexOf",
  "lastIndexOf",
  "replace",
  "substring",
]);
const GLOBAL_FUNCTIONS = new Set(["size", "matches", "int", "uint", "double", "string", "dyn"]);

export interface CompiledCel {
  expr: Expr;
  /** Whether the expression refers to `oldSelf` (a transition rule). */
  usesOldSelf: boolean;
}

/** Parses and checks an expression; throws CelSyntaxError for syntax errors and unsupported functions. */
export function compileCel(source: string, variables: readonly string[] = ["self", "oldSelf"]): CompiledCel {
  const expr = new Parser(lex(source)).parse();
  let usesOldSelf = false;
  const check = (e: Expr, scope: ReadonlySet<string>): void => {
    switch (e.t) {
      case "lit":
        return;
      case "ident":
        if (!scope.has(e.name)) throw new CelSyntaxError(`undeclared reference to '${e.name}'`);
        if (e.name === "oldSelf") usesOldSelf = true;
        return;
      case "select":
      case "has":
        return check(e.operand, scope);
      case "index":
        check(e.operand, scope);
        return check(e.index, scope);
      case "call":
        // Operands first, so the innermost unsupported function is the one reported.
        if (e.target) check(e.target, scope);
        e.args.forEach((a) => check(a, scope));
        if (e.target ? !RECEIVER_FUNCTIONS.has(e.fn) : !GLOBAL_FUNCTIONS.has(e.fn)) {
          throw new CelSyntaxError(`unsupported function '${e.fn}' (outside Flotilla's CEL subset)`);
        }
        return;
      case "list":
        return e.items.forEach((a) => check(a, scope));
      case "map":
        return e.entries.forEach(([k, v]) => (check(k, scope), check(v, scope)));
      case "unary":
        return check(e.operand, scope);
      case "binary":
        check(e.left, scope);
        return check(e.right, scope);
      case "cond":
        check(e.test, scope);
        check(e.then, scope);
        return check(e.else, scope);
      case "macro": {
        check(e.range, scope);
        const inner = new Set(scope).add(e.variable);
        check(e.body, inner);
        if (e.transform) check(e.transform, inner);
        return;
      }
    }
  };
  check(expr, new Set(variables));
  return { expr, usesOldSelf };
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

type Value = unknown;
type Result = { ok: true; v: Value } | { ok: false; err: CelEvalError };

const noOverload = (fn: string) => new CelEvalError(`no such overload: ${fn}`);

export function evaluateCel(compiled: CompiledCel, vars: Readonly<Record<string, unknown>>): unknown {
  const r = evalExpr(compiled.expr, new Map(Object.entries(vars)));
  if (!r.ok) throw r.err;
  return r.v;
}

function ok(v: Value): Result {
  return { ok: true, v };
}
function fail(err: CelEvalError): Result {
  return { ok: false, err };
}

function evalExpr(e: Expr, env: Map<string, Value>): Result {
  try {
    return ok(evalStrict(e, env));
  } catch (err) {
    if (err instanceof CelEvalError) return fail(err);
    throw err;
  }
}

function evalStrict(e: Expr, env: Map<string, Value>): Value {
  switch (e.t) {
    case "lit":
      return e.v;
    case "ident":
      if (!env.has(e.name)) throw new CelEvalError(`no such attribute: ${e.name}`);
      return env.get(e.name);
    case "select": {
      const o = evalStrict(e.operand, env);
      if (isMap(o)) {
        if (!Object.prototype.hasOwnProperty.call(o, e.field)) throw new CelEvalError(`no such key: ${e.field}`);
        return o[e.field];
      }
      throw noOverload("_._");
    }
    case "has": {
      const o = evalStrict(e.operand, env);
      if (isMap(o)) return Object.prototype.hasOwnProperty.call(o, e.field);
      throw noOverload("has");
    }
    case "index": {
      const o = evalStrict(e.operand, env);
      const i = evalStrict(e.index, env);
      if (Array.isArray(o)) {
        if (typeof i !== "number" || !Number.isInteger(i)) throw noOverload("_[_]");
        if (i < 0 || i >= o.length) throw new CelEvalError(`index out of bounds: ${i}`);
        return o[i];
      }
      if (isMap(o)) {
        const key = typeof i === "string" ? i : String(i);
        if (!Object.prototype.hasOwnProperty.call(o, key)) throw new CelEvalError(`no such key: ${key}`);
        return o[key];
      }
      throw noOverload("_[_]");
    }
    case "list":
      return e.items.map((x) => evalStrict(x, env));
    case "map": {
      const m: Record<string, Value> = Object.create(null) as Record<string, Value>;
      for (const [k, v] of e.entries) {
        const key = evalStrict(k, env);
        if (typeof key !== "string" && typeof key !== "number" && typeof key !== "boolean") throw noOverload("map key");
        const ks = String(key);
        if (Object.prototype.hasOwnProperty.call(m, ks)) throw new CelEvalError(`Failed with repeated key: ${ks}`);
        m[ks] = evalStrict(v, env);
      }
      return m;
    }
    case "unary": {
      const v = evalStrict(e.operand, env);
      if (e.op === "!") {
        if (typeof v !== "boolean") throw noOverload("!_");
        return !v;
      }
      if (typeof v !== "number") throw noOverload("-_");
      return -v;
    }
    case "cond": {
      const test = evalStrict(e.test, env);
      if (typeof test !== "boolean") throw noOverload("_?_:_");
      return test ? evalStrict(e.then, env) : evalStrict(e.else, env);
    }
    case "binary":
      return evalBinary(e.op, e.left, e.right, env);
    case "call":
      return evalCall(e, env);
    case "macro":
      return evalMacro(e, env);
  }
}

function evalBinary(op: string, le: Expr, re: Expr, env: Map<string, Value>): Value {
  if (op === "&&" || op === "||") {
    // Commutative short-circuit: a false (for &&) or true (for ||) on either side wins over an error.
    const absorbing = op === "||";
    const l = evalExpr(le, env);
    if (l.ok && l.v === absorbing) return absorbing;
    const r = evalExpr(re, env);
    if (r.ok && r.v === absorbing) return absorbing;
    if (!l.ok) throw l.err;
    if (!r.ok) throw r.err;
    if (typeof l.v !== "boolean" || typeof r.v !== "boolean") throw noOverload(op === "&&" ? "_&&_" : "_||_");
    return !absorbing;
  }
  const l = evalStrict(le, env);
  const r = evalStrict(re, env);
  switch (op) {
    case "==":
      return celEquals(l, r);
    case "!=":
      return !celEquals(l, r);
    case "<":
      return compare(l, r, op) < 0;
    case "<=":
      return compare(l, r, op) <= 0;
    case ">":
      return compare(l, r, op) > 0;
    case ">=":
      return compare(l, r, op) >= 0;
    case "in":
      if (Array.isArray(r)) return r.some((x) => celEquals(l, x));
      if (isMap(r)) return (typeof l === "string" || typeof l === "number" || typeof l === "boolean") && Object.prototype.hasOwnProperty.call(r, String(l));
      throw noOverload("@in");
    case "+":
      if (typeof l === "number" && typeof r === "number") return checkedNumber(l + r);
      if (typeof l === "string" && typeof r === "string") return l + r;
      if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
      throw noOverload("_+_");
    case "-":
      if (typeof l === "number" && typeof r === "number") return checkedNumber(l - r);
      throw noOverload("_-_");
    case "*":
      if (typeof l === "number" && typeof r === "number") return checkedNumber(l * r);
      throw noOverload("_*_");
    case "/":
      if (typeof l === "number" && typeof r === "number") {
        if (Number.isInteger(l) && Number.isInteger(r)) {
          if (r === 0) throw new CelEvalError("division by zero");
          return Math.trunc(l / r);
        }
        return l / r;
      }
      throw noOverload("_/_");
    case "%":
      if (typeof l === "number" && typeof r === "number" && Number.isInteger(l) && Number.isInteger(r)) {
        if (r === 0) throw new CelEvalError("modulus by zero");
        return l % r;
      }
      throw noOverload("_%_");
  }
  throw noOverload(op);
}

function checkedNumber(n: number): number {
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) throw new CelEvalError("integer overflow");
  return n;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && celEquals(a[k], b[k]));
  }
  return false;
}

function compare(a: unknown, b: unknown, op: string): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") {
    // CEL orders strings by code point.
    const ca = [...a].map((c) => c.codePointAt(0)!);
    const cb = [...b].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
    return ca.length - cb.length;
  }
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  throw noOverload(`_${op}_`);
}

function size(v: unknown): number {
  if (typeof v === "string") return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw noOverload("size");
}

function str(v: unknown, fn: string): string {
  if (typeof v !== "string") throw noOverload(fn);
  return v;
}

function evalCall(e: Expr & { t: "call" }, env: Map<string, Value>): Value {
  const args = e.args.map((a) => evalStrict(a, env));
  if (!e.target) {
    switch (e.fn) {
      case "size":
        if (args.length !== 1) throw noOverload("size");
        return size(args[0]);
      case "matches":
        if (args.length !== 2) throw noOverload("matches");
        return re2ToJs(str(args[1], "matches")).test(str(args[0], "matches"));
      case "dyn":
        return args[0];
      case "int":
      case "uint": {
        const v = args[0];
        if (typeof v === "number") {
          if (!Number.isFinite(v)) throw new CelEvalError("integer overflow");
          const n = Math.trunc(v);
          if (e.fn === "uint" && n < 0) throw new CelEvalError("uint overflow");
          return n;
        }
        if (typeof v === "string" && /^-?\d+$/.test(v)) return checkedNumber(Number(v));
        throw noOverload(e.fn);
      }
      case "double": {
        const v = args[0];
        if (typeof v === "number") return v;
        if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
        throw noOverload("double");
      }
      case "string": {
        const v = args[0];
        if (typeof v === "string") return v;
        if (typeof v === "number" || typeof v === "boolean") return String(v);
        throw noOverload("string");
      }
    }
    throw noOverload(e.fn);
  }
  const t = evalStrict(e.target, env);
  switch (e.fn) {
    case "size":
      return size(t);
    case "startsWith":
      return str(t, e.fn).startsWith(str(args[0], e.fn));
    case "endsWith":
      return str(t, e.fn).endsWith(str(args[0], e.fn));
    case "contains":
      return str(t, e.fn).includes(str(args[0], e.fn));
    case "matches":
      return re2ToJs(str(args[0], e.fn)).test(str(t, e.fn));
    case "lowerAscii":
      return str(t, e.fn).replace(/[A-Z]/g, (c) => c.toLowerCase());
    case "upperAscii":
      return str(t, e.fn).replace(/[a-z]/g, (c) => c.toUpperCase());
    case "trim":
      return str(t, e.fn).replace(/^[\s\u0085]+|[\s\u0085]+$/gu, "");
    case "split": {
      const s = str(t, e.fn);
      const sep = str(args[0], e.fn);
      const parts = sep === "" ? [...s] : s.split(sep);
      if (args.length > 1) {
        const n = args[1];
        if (typeof n !== "number") throw noOverload(e.fn);
        if (n === 0) return [];
        if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
      }
      return parts;
    }
    case "join": {
      if (!Array.isArray(t) || !t.every((x) => typeof x === "string")) throw noOverload(e.fn);
      return t.join(args.length ? str(args[0], e.fn) : "");
    }
    case "indexOf":
    case "lastIndexOf": {
      const cps = [...str(t, e.fn)];
      const sub = [...str(args[0], e.fn)];
      const matchAt = (i: number) => sub.every((c, j) => cps[i + j] === c);
      if (e.fn === "indexOf") {
        const from = args.length > 1 ? Number(args[1]) : 0;
        if (from < 0 || from > cps.length) throw new CelEvalError(`index out of range: ${from}`);
        for (let i = from; i + sub.length <= cps.length; i++) if (matchAt(i)) return i;
        return -1;
      }
      const from = args.length > 1 ? Number(args[1]) : cps.length - sub.length;
      for (let i = Math.min(from, cps.length - sub.length); i >= 0; i--) if (matchAt(i)) return i;
      return -1;
    }
    case "replace": {
      const s = str(t, e.fn);
      const from = str(args[0], e.fn);
      const to = str(args[1], e.fn);
      const limit = args.length > 2 ? Number(args[2]) : -1;
      if (limit < 0) return s.split(from).join(to);
      let out = s;
      let count = 0;
      let idx = 0;
      while (count < limit) {
        const at = out.indexOf(from, idx);
        if (at < 0) break;
        out = out.slice(0, at) + to + out.slice(at + from.length);
        idx = at + to.length;
        count++;
      }
      return out;
    }
    case "substring": {
      const cps = [...str(t, e.fn)];
      const start = Number(args[0]);
      const end = args.length > 1 ? Number(args[1]) : cps.length;
      if (start < 0 || start > cps.length || end < start || end > cps.length) {
        throw new CelEvalError(`index out of range: ${start < 0 || start > cps.length ? start : end}`);
      }
      return cps.slice(start, end).join("");
    }
  }
  throw noOverload(e.fn);
}

function evalMacro(e: Expr & { t: "macro" }, env: Map<string, Value>): Value {
  const range = evalStrict(e.range, env);
  let elems: unknown[];
  if (Array.isArray(range)) elems = range;
  else if (isMap(range)) elems = Object.keys(range);
  else throw noOverload(e.name);
  const scoped = (x: unknown): Map<string, Value> => new Map(env).set(e.variable, x);
  switch (e.name) {
    case "all":
    case "exists": {
      // Errors are absorbed by a decisive element, as with && and ||.
      const decisive = e.name === "exists";
      let firstErr: CelEvalError | undefined;
      for (const x of elems) {
        const r = evalExpr(e.body, scoped(x));
        if (r.ok) {
          if (typeof r.v !== "boolean") throw noOverload(e.name);
          if (r.v === decisive) return decisive;
        } else firstErr ??= r.err;
      }
      if (firstErr) throw firstErr;
      return !decisive;
    }
    case "exists_one": {
      let n = 0;
      for (const x of elems) {
        const v = evalStrict(e.body, scoped(x));
        if (typeof v !== "boolean") throw noOverload(e.name);
        if (v) n++;
      }
      return n === 1;
    }
    case "filter":
      return elems.filter((x) => {
        const v = evalStrict(e.body, scoped(x));
        if (typeof v !== "boolean") throw noOverload(e.name);
        return v;
      });
    case "map": {
      const out: unknown[] = [];
      for (const x of elems) {
        if (e.transform) {
          const keep = evalStrict(e.body, scoped(x));
          if (typeof keep !== "boolean") throw noOverload(e.name);
          if (keep) out.push(evalStrict(e.transform, scoped(x)));
        } else out.push(evalStrict(e.body, scoped(x)));
      }
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// RE2 → JavaScript

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-/:-@[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const regexCache = new Map<string, RegExp>();

/**
 * Translates the RE2 syntax Kubernetes uses (Go regexp) to a JavaScript RegExp: leading inline flags
 * `(?i)`/`(?s)`/`(?m)`, `\A` and `\z`, `[[:alpha:]]` classes and `(?P<name>...)` groups. Everything else in
 * RE2 means the same in JavaScript (RE2 has no backreferences or lookaround, so those cannot appear).
 */
export function re2ToJs(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  let src = pattern;
  let flags = "u";
  const inline = /^\(\?([imsU]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]!) if (f !== "U" && !flags.includes(f)) flags += f;
  }
  src = src
    .replace(/\\A/g, "(?<![\\s\\S])")
    .replace(/\\z/g, "(?![\\s\\S])")
    .replace(/\(\?P</g, "(?<")
    .replace(/\[:([a-z]+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch {
    // Patterns valid in RE2 but not in unicode-mode JS (identity escapes such as `\-` outside a class).
    re = new RegExp(src, flags.replace("u", ""));
  }
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}
