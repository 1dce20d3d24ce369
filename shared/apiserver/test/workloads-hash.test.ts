/**
 * The hashes behind workload object names, checked against Go itself: a small program built from the Go
 * standard library (encoding/json, hash/fnv, as kube-controller-manager uses them, plus apimachinery's
 * three-line SafeEncodeString) encodes and hashes the same values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { controllerRevisionHash, fnv32, fnv32a, goJson, podTemplateHash, safeEncodeString } from "../src/controllers/workloads/hash.js";
import { templatePatch } from "../src/controllers/workloads/revisions.js";

const ORACLE = `package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
)

// k8s.io/apimachinery/pkg/util/rand
const alphanums = "bcdfghjklmnpqrstvwxz2456789"

func SafeEncodeString(s string) string {
	r := make([]byte, len(s))
	for i, b := range []rune(s) {
		r[i] = alphanums[(int(b) % len(alphanums))]
	}
	return string(r)
}

type input struct {
	Data  json.RawMessage \`json:"data"\`
	Probe *int32          \`json:"probe"\`
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	for sc.Scan() {
		var in input
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			panic(err)
		}
		dec := json.NewDecoder(bytes.NewReader(in.Data))
		dec.UseNumber()
		var v interface{}
		if err := dec.Decode(&v); err != nil {
			panic(err)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		// pkg/controller/history.HashControllerRevision over Data.Raw
		h := fnv.New32()
		h.Write(raw)
		if in.Probe != nil {
			h.Write([]byte(strconv.FormatInt(int64(*in.Probe), 10)))
		}
		a := fnv.New32a()
		a.Write(raw)
		out.Encode(map[string]string{
			"json":         string(raw),
			"revisionHash": SafeEncodeString(fmt.Sprint(h.Sum32())),
			"fnv32":        fmt.Sprint(fnv32(raw)),
			"fnv32a":       fmt.Sprint(a.Sum32()),
		})
	}
}

func fnv32(b []byte) uint32 {
	h := fnv.New32()
	h.Write(b)
	return h.Sum32()
}
`;

interface OracleResult {
  json: string;
  revisionHash: string;
  fnv32: string;
  fnv32a: string;
}

async function runOracle(inputs: Array<{ data: unknown; probe?: number }>): Promise<OracleResult[]> {
  const dir = await mkdtemp("/dev/shm/flotilla-hash-oracle-");
  try {
    const src = join(dir, "main.go");
    await writeFile(src, ORACLE);
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile("go", ["run", src], { env: { ...process.env, GO111MODULE: "off" }, maxBuffer: 16 << 20, timeout: 120_000 }, (err, out, errOut) =>
        err ? reject(new Error(`go run failed: ${err.message}\n${errOut}`)) : resolve(out),
      );
      child.stdin!.end(inputs.map((i) => JSON.stringify(i)).join("\n") + "\n");
    });
    return stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as OracleResult);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const templates: unknown[] = [
  {
    metadata: { labels: { app: "web", "app.kubernetes.io/name": "web" }, annotations: { "kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z" } },
    spec: {
      containers: [
        {
          name: "web",
          image: "nginx:1.27",
          ports: [{ containerPort: 80, protocol: "TCP" }],
          resources: {},
          args: ["--html=<b>&amp;</b>", "caf\u00e9", "line\u2028sep", "\u{1F680}", "tab\tquote\"back\\slash", "ctl\u0001"],
          terminationMessagePath: "/dev/termination-log",
        },
      ],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      enableServiceLinks: true,
      securityContext: {},
      tolerations: [],
    },
  },
  // keys whose order differs between UTF-16 code units and UTF-8 bytes, upper before lower case
  { metadata: { labels: { "\u00e9": "1", "\uff21": "2", "\u{1F600}": "3", Z: "4", a: "5" } }, spec: { containers: [{ name: "x", image: "y" }] } },
  { spec: { containers: [{ name: "n", image: "i", env: [{ name: "BIG", value: "1" }], resources: { limits: { cpu: "2", memory: "1Gi" } } }], priority: 1000000, activeDeadlineSeconds: 0 } },
];

test("goJson, FNV-32/32a and the ControllerRevision hash equal Go's for the same data", async () => {
  const cases: Array<{ data: unknown; probe?: number }> = [
    ...templates.map((t) => ({ data: templatePatch(t) })),
    ...templates.map((t) => ({ data: templatePatch(t), probe: 3 })),
    { data: { s: "", n: 0, b: false, nul: null, arr: [], obj: {}, nested: [[1, 2], { k: [true] }] } },
  ];
  const want = await runOracle(cases);
  assert.equal(want.length, cases.length);
  cases.forEach((c, i) => {
    const bytes = Buffer.from(goJson(c.data), "utf8");
    assert.equal(goJson(c.data), want[i]!.json, `case ${i}: encoding`);
    assert.equal(String(fnv32(bytes)), want[i]!.fnv32, `case ${i}: FNV-32`);
    assert.equal(String(fnv32a(bytes)), want[i]!.fnv32a, `case ${i}: FNV-32a`);
    assert.equal(controllerRevisionHash(c.data, c.probe), want[i]!.revisionHash, `case ${i}: revision hash`);
  });
});

test("FNV reference vectors (fnv1 and fnv1a, 32 bit)", () => {
  // From the FNV test suite (Fowler/Noll/Vo, draft-eastlake-fnv).
  assert.equal(fnv32(Buffer.from("")), 0x811c9dc5);
  assert.equal(fnv32a(Buffer.from("")), 0x811c9dc5);
  assert.equal(fnv32(Buffer.from("a")), 0x050c5d7e);
  assert.equal(fnv32a(Buffer.from("a")), 0xe40c292c);
  assert.equal(fnv32(Buffer.from("foobar")), 0x31f0b262);
  assert.equal(fnv32a(Buffer.from("foobar")), 0xbf9cf968);
});

test("SafeEncodeString keeps length and maps every digit into the unambiguous alphabet", () => {
  const enc = safeEncodeString("0123456789");
  assert.equal(enc.length, 10);
  assert.match(enc, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  // '0' is code point 48, 48 % 27 = 21 -> alphabet[21]
  assert.equal(enc[0], "bcdfghjklmnpqrstvwxz2456789"[48 % 27]);
  assert.equal(new Set(enc).size, 10, "distinct digits stay distinct");
});

test("pod-template-hash: a function of the template and the collision count only", () => {
  const t = templates[0];
  const reverseKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(reverseKeys) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v;
  const reordered = reverseKeys(t);
  assert.notEqual(JSON.stringify(reordered), JSON.stringify(t));
  assert.equal(podTemplateHash(t), podTemplateHash(reordered), "key order does not matter");
  assert.notEqual(podTemplateHash(t), podTemplateHash(templates[1]));
  assert.notEqual(podTemplateHash(t), podTemplateHash(t, 1), "a collision count gives a new name");
  assert.equal(podTemplateHash(t, 1), podTemplateHash(t, 1));
  assert.match(podTemplateHash(t), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
});
