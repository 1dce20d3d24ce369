/**
 * The go-yaml-compatible emitter: whatever it writes must read back (with the `yaml` package as the independent
 * parser) as the same data, including the strings that force quoting or block styles. Its fidelity to go-yaml's
 * layout is checked against Flux's real CRD files in crd-parity.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { goYAML } from "../src/goyaml.js";

const awkward = [
  "",
  "True",
  "false",
  "null",
  "~",
  "8080",
  "0x1F",
  "1e3",
  ".5",
  "2024-01-02",
  "1:20",
  "<<",
  "*",
  "- item",
  "-",
  "? q",
  "a: b",
  "a:b",
  "x #comment",
  "x#y",
  "#x",
  "!tag",
  "&anchor",
  "'quoted'",
  '"double"',
  "it's",
  "---",
  "...",
  " leading space",
  "trailing space ",
  "tab\there",
  "bell\u0007",
  "ünïcödé ✓",
  "multi\nline",
  "ends with newline\n",
  "two trailing\n\n",
  " indented first line\nsecond",
  "line with trailing space \nnext",
  "\nstarts with newline",
  "a ${var:=default} b",
  "word ".repeat(40).trim(),
  "'q' ".repeat(30).trim(),
  "x".repeat(120),
];

test("awkward strings survive a round trip as values, keys and sequence items", () => {
  for (const s of awkward) {
    const doc = { value: s, list: [s, { inner: s }], nested: { deeper: { value: s } } };
    assert.deepEqual(parse(goYAML(doc)), doc, JSON.stringify(s));
    if (!s.includes("\n")) assert.deepEqual(parse(goYAML({ [s]: 1 })), { [s]: 1 }, `key ${JSON.stringify(s)}`);
  }
});

test("numbers, booleans, null and empty collections keep their types", () => {
  const doc = { a: -1, b: 0, c: 32768, d: 1.5, e: true, f: false, g: null, h: {}, i: [], j: [[1, 2], []], k: [{}, { x: {} }] };
  assert.deepEqual(parse(goYAML(doc)), doc);
});

test("long plain text folds at a space past column 80 and still reads back unchanged", () => {
  const text = "word ".repeat(40).trim();
  const out = goYAML({ description: text });
  const lines = out.trimEnd().split("\n");
  assert.ok(lines.length > 1, "folded");
  for (const line of lines.slice(0, -1)) assert.ok(line.length > 80 && line.length <= 85, `${line.length}: ${line}`);
  assert.deepEqual(parse(out), { description: text });
});
