/**
 * A small JSONPath evaluator for the paths CRD printer columns and selectable fields use:
 * `.a.b`, `.a[0]`, `.a[*].b`, `.a['x.y']`, `.a[?(@.type=="Ready")].status`, filters with ==, !=, <, >, <=, >=
 * and bare `@.x` existence. Anything else is rejected at parse time.
 */

type Step =
  | { t: "field"; name: string }
  | { t: "index"; i: number }
  | { t: "all" }
  | { t: "filter"; path: Step[]; op?: string; value?: unknown };

export class JsonPathError extends Error {}

export function parseJsonPath(src: string): Step[] {
  let s = src.trim();
  if (s.startsWith("{") && s.endsWith("}")) s = s.slice(1, -1).trim();
  if (s.startsWith("$")) s = s.slice(1);
  const p = new Parser(s);
  const steps = p.steps(false);
  if (!p.done()) throw new JsonPathError(`unexpected ${JSON.stringify(p.rest())} in JSONPath ${JSON.stringify(src)}`);
  return steps;
}

class Parser {
  private i = 0;
  constructor(private s: string) {}
  done(): boolean {
    return this.i >= this.s.length;
  }
  rest(): string {
    return this.s.slice(this.i);
  }
  private ws(): void {
    while (this.s[this.i] === " ") this.i++;
  }
  steps(inFilter: boolean): Step[] {
    const out: Step[] = [];
    for (;;) {
      const c = this.s[this.i];
      if (c === ".") {
        this.i++;
        if (this.s[this.i] === "*") {
          this.i++;
          out.push({ t: "all" });
          continue;
        }
        let name = "";
        while (this.i < this.s.length) {
          const ch = this.s[this.i]!;
          if (ch === "\\" && this.i + 1 < this.s.length) {
            name += this.s[this.i + 1];
            this.i += 2;
            continue;
          }
          if (/[A-Za-z0-9_\-/$]/.test(ch)) {
            name += ch;
            this.i++;
          } else break;
        }
        if (!name) {
          if (this.done() && out.length === 0) return out; // "." alone is the root
          throw new JsonPathError(`empty field name in ${JSON.stringify(this.s)}`);
        }
        out.push({ t: "field", name });
      } else if (c === "[") {
        this.i++;
        this.ws();
        const ch = this.s[this.i];
        if (ch === "*") {
          this.i++;
          out.push({ t: "all" });
        } else if (ch === "'" || ch === '"') {
          out.push({ t: "field", name: this.quoted() });
        } else if (ch === "?") {
          this.i++;
          this.expect("(");
          this.ws();
          this.expect("@");
          const path = this.steps(true);
          this.ws();
          const m = /^(==|!=|<=|>=|<|>)/.exec(this.s.slice(this.i));
          let op: string | undefined;
          let value: unknown;
          if (m) {
            op = m[1];
            this.i += m[1]!.length;
            this.ws();
            value = this.literal();
            this.ws();
          }
          this.expect(")");
          out.push({ t: "filter", path, op, value });
        } else {
          const m = /^-?\d+/.exec(this.s.slice(this.i));
          if (!m) throw new JsonPathError(`unsupported subscript in ${JSON.stringify(this.s)}`);
          this.i += m[0].length;
          out.push({ t: "index", i: Number(m[0]) });
        }
        this.ws();
        this.expect("]");
      } else {
        if (inFilter || c === undefined) return out;
        throw new JsonPathError(`unexpected ${JSON.stringify(c)} in JSONPath`);
      }
    }
  }
  private expect(ch: string): void {
    if (this.s[this.i] !== ch) throw new JsonPathError(`expected ${ch} at ${this.i} in ${JSON.stringify(this.s)}`);
    this.i++;
  }
  private quoted(): string {
    const q = this.s[this.i++];
    let out = "";
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === "\\") this.i++;
      out += this.s[this.i++];
    }
    this.expect(q!);
    return out;
  }
  private literal(): unknown {
    const c = this.s[this.i];
    if (c === "'" || c === '"') return this.quoted();
    const m = /^(-?\d+(\.\d+)?|true|false|null)/.exec(this.s.slice(this.i));
    if (!m) throw new JsonPathError(`unsupported literal in ${JSON.stringify(this.s)}`);
    this.i += m[0].length;
    return JSON.parse(m[0]);
  }
}

/** All values the path selects. */
export function evaluateJsonPath(steps: Step[], root: unknown): unknown[] {
  let cur: unknown[] = [root];
  for (const st of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      switch (st.t) {
        case "field":
          if (v && typeof v === "object" && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, st.name))
            next.push((v as Record<string, unknown>)[st.name]);
          break;
        case "index":
          if (Array.isArray(v)) {
            const i = st.i < 0 ? v.length + st.i : st.i;
            if (i >= 0 && i < v.length) next.push(v[i]);
          }
          break;
        case "all":
          if (Array.isArray(v)) next.push(...v);
          else if (v && typeof v === "object") next.push(...Object.values(v));
          break;
        case "filter": {
          const items = Array.isArray(v) ? v : [];
          for (const item of items) {
            const got = evaluateJsonPath(st.path, item);
            if (st.op === undefined) {
              if (got.length > 0) next.push(item);
              continue;
            }
            if (got.some((g) => compare(g, st.op!, st.value))) next.push(item);
          }
          break;
        }
      }
    }
    cur = next;
  }
  return cur;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return typeof a === "number" && typeof b === "number" && a < b;
    case ">":
      return typeof a === "number" && typeof b === "number" && a > b;
    case "<=":
      return typeof a === "number" && typeof b === "number" && a <= b;
    case ">=":
      return typeof a === "number" && typeof b === "number" && a >= b;
  }
  return false;
}

/** Compiles once, evaluates many times. */
export function compileJsonPath(src: string): (obj: unknown) => unknown[] {
  const steps = parseJsonPath(src);
  return (obj) => evaluateJsonPath(steps, obj);
}
