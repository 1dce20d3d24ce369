/**
 * A YAML emitter for JSON data that writes what go-yaml v2 (behind sigs.k8s.io/yaml and controller-gen) writes, so
 * generated CRDs are byte-for-byte comparable with Flux's. The `yaml` package cannot do this: its line folding and
 * quoting choices differ from libyaml's, which go-yaml ports.
 *
 * Followed from go-yaml v2 (encode.go `stringv`, emitterc.go `yaml_emitter_analyze_scalar`,
 * `yaml_emitter_select_scalar_style`, `yaml_emitter_write_plain_scalar`/`_single_quoted_scalar`):
 * - block mappings with keys in the given order; sequences inside mappings are not indented ("indentless");
 * - strings with a newline become literal blocks (`|-`, `|`, `|+`, with an indentation indicator when the text
 *   starts with a space); strings that would read back as another type (`"True"`, `"8080"`) are double-quoted;
 *   strings a plain scalar cannot hold (leading indicator, `: `, ` #`, ...) are single-quoted;
 * - plain and single-quoted scalars fold at a space once the line is past column 80.
 * Double-quoted scalars are never folded here (libyaml folds them too); the CRDs only double-quote short values.
 */

const BEST_WIDTH = 80;
const INDENT = 2;

type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** Serialises `value` (plain JSON data) as one YAML document, as go-yaml v2's Marshal would. */
export function goYAML(value: unknown): string {
  const out: string[] = [];
  const v = value as JSONValue;
  if (isCollection(v) && !isEmpty(v)) writeBlock(out, v, 0);
  else out.push(inlineValue(v, 0, 0) + "\n");
  return out.join("");
}

function isCollection(v: JSONValue): v is JSONValue[] | { [key: string]: JSONValue } {
  return v !== null && typeof v === "object";
}
function isEmpty(v: JSONValue[] | { [key: string]: JSONValue }): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/** Writes a non-empty mapping or sequence whose lines start at `indent`. */
function writeBlock(out: string[], v: JSONValue[] | { [key: string]: JSONValue }, indent: number): void {
  if (Array.isArray(v)) {
    for (const item of v) writeSequenceItem(out, item, indent);
  } else {
    for (const [key, child] of Object.entries(v)) writeMappingEntry(out, key, child, indent, " ".repeat(indent));
  }
}

/** `prefix` is what precedes the key on its line (the indentation, or `- ` for a sequence item's first key). */
function writeMappingEntry(out: string[], key: string, child: JSONValue, indent: number, prefix: string): void {
  const head = `${prefix}${scalar(key, prefix.length, indent, true)}:`;
  if (isCollection(child) && !isEmpty(child)) {
    out.push(head + "\n");
    // A sequence under a mapping key stays at the key's indentation; a mapping goes one level in.
    writeBlock(out, child, Array.isArray(child) ? indent : indent + INDENT);
  } else {
    out.push(head + " " + inlineValue(child, head.length + 1, indent + INDENT) + "\n");
  }
}

function writeSequenceItem(out: string[], item: JSONValue, indent: number): void {
  const dash = " ".repeat(indent) + "- ";
  if (isCollection(item) && !isEmpty(item)) {
    if (Array.isArray(item)) {
      out.push(dash.trimEnd() + "\n");
      writeBlock(out, item, indent + INDENT);
      return;
    }
    const entries = Object.entries(item);
    entries.forEach(([key, child], i) => writeMappingEntry(out, key, child, indent + INDENT, i === 0 ? dash : " ".repeat(indent + INDENT)));
  } else {
    out.push(dash + inlineValue(item, dash.length, indent + INDENT) + "\n");
  }
}

/** A scalar or empty collection written at `column`; continuation lines are indented by `indent`. */
function inlineValue(v: JSONValue, column: number, indent: number): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string") return scalar(v, column, indent, false);
  return Array.isArray(v) ? "[]" : "{}";
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? ".nan" : n > 0 ? "+.inf" : "-.inf";
  return String(n);
}

// ---------------------------------------------------------------------------------------------------------------
// Scalars

function scalar(s: string, column: number, indent: number, simpleKey: boolean): string {
  // go-yaml asks for double quotes when a plain reading would change the type, a literal block for multi-line
  // text, plain otherwise; the emitter then falls back to single, then double quotes where the text needs it.
  if (!resolvesToString(s)) return doubleQuoted(s);
  const a = analyze(s);
  if (s.includes("\n")) return !simpleKey && a.blockAllowed ? literal(s, indent) : doubleQuoted(s);
  if (a.blockPlainAllowed) return simpleKey ? s : fold(s, column, indent, false);
  if (a.singleQuotedAllowed) return simpleKey ? `'${s.replaceAll("'", "''")}'` : fold(s, column, indent, true);
  return doubleQuoted(s);
}

/** Writes words, breaking at a single space once the column passes 80 (libyaml's rule for plain/single-quoted). */
function fold(s: string, column: number, indent: number, quoted: boolean): string {
  let out = quoted ? "'" : "";
  let col = column + out.length;
  let spaces = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === " ") {
      const canBreak = !spaces && col > BEST_WIDTH && s[i + 1] !== " " && (!quoted || (i > 0 && i < s.length - 1));
      if (canBreak) {
        out += "\n" + " ".repeat(indent);
        col = indent;
      } else {
        out += c;
        col++;
      }
      spaces = true;
    } else {
      const piece = quoted && c === "'" ? "''" : c;
      out += piece;
      col += piece.length;
      spaces = false;
    }
  }
  return quoted ? out + "'" : out;
}

function literal(s: string, indent: number): string {
  let header = "|";
  if (s.startsWith(" ") || s.startsWith("\n")) header += String(INDENT);
  const trailing = /\n*$/.exec(s)![0].length;
  header += trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing > 0 ? s.slice(0, s.length - trailing) : s;
  const pad = " ".repeat(indent);
  const lines = body.split("\n").map((l) => (l === "" ? "" : pad + l));
  const extra = trailing > 1 ? "\n".repeat(trailing - 1) : "";
  return header + "\n" + lines.join("\n") + extra;
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).toUpperCase().padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

interface Analysis {
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

const isBlankZ = (c: string | undefined) => c === undefined || c === " " || c === "\t" || c === "\n" || c === "\r";
const isPrintable = (c: string) => {
  const code = c.codePointAt(0)!;
  return code === 0x0a || code === 0x09 || code === 0x0d || (code >= 0x20 && code <= 0x7e) || code === 0x85 || (code >= 0xa0 && code !== 0xfeff && code !== 0xfffe && code !== 0xffff);
};

/** libyaml's yaml_emitter_analyze_scalar, block context only. */
function analyze(s: string): Analysis {
  if (s.length === 0) return { blockPlainAllowed: false, singleQuotedAllowed: true, blockAllowed: false };
  let blockIndicators = s.startsWith("---") || s.startsWith("...");
  let special = false;
  let lineBreaks = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const followedByWhitespace = isBlankZ(chars[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockIndicators = true;
      if ((c === "?" || c === ":") && followedByWhitespace) blockIndicators = true;
      if (c === "-" && followedByWhitespace) blockIndicators = true;
    } else {
      if (c === ":" && followedByWhitespace) blockIndicators = true;
      if (c === "#" && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === "\n" || c === "\r") lineBreaks = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (c === "\n" || c === "\r") {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankZ(c);
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || special) blockPlainAllowed = singleQuotedAllowed = blockAllowed = false;
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

const RESOLVES_TO_OTHER = new Set([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"],
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"],
  ...["", "~", "null", "Null", "NULL", "<<"],
  ...[".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"],
]);
const INT = /^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[-+]\d{1,2}(?::\d{2})?)?)?$/;

/** go-yaml's `resolve("", s) == str && !isBase60Float(s)`: may the string be written without quotes? */
function resolvesToString(s: string): boolean {
  if (RESOLVES_TO_OTHER.has(s)) return false;
  if (INT.test(s.replaceAll("_", "")) && /\d/.test(s)) return false;
  if (FLOAT.test(s.replaceAll("_", ""))) return false;
  if (TIMESTAMP.test(s)) return false;
  return !BASE60_FLOAT.test(s);
}
