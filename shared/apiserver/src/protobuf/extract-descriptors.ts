/**
 * Developer tool (not used at run time): extracts the protobuf message descriptors of the Kubernetes API
 * types from the kubectl binary (Go embeds each generated.proto as a gzipped FileDescriptorProto) and writes
 * the compact table descriptors.json that decode.ts reads. Run: `npx tsx src/protobuf/extract-descriptors.ts [kubectl]`.
 *
 * kubectl's typed clients (`kubectl create namespace|secret|configmap|deployment...`) send protobuf request
 * bodies; the server decodes them with this table.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { fields, utf8 } from "./wire.js";

/** [number, jsonName, type, typeName (message/enum full name without leading dot), repeated] */
type FieldRow = [number, string, number, string, 0 | 1];

const WANTED = /^k8s\.io\/(api\/(core|apps|batch|rbac|networking|policy|scheduling|coordination|storage|autoscaling|admissionregistration|events|discovery|authorization|authentication)\/v[12]\/|apimachinery\/pkg\/(apis\/meta\/v1|util\/intstr|api\/resource|runtime)\/)generated\.proto$/;

function parseMessage(buf: Uint8Array, prefix: string, out: Record<string, FieldRow[] | { map: [FieldRow, FieldRow] }>): void {
  let name = "";
  const rows: FieldRow[] = [];
  const nested: Uint8Array[] = [];
  let mapEntry = false;
  for (const f of fields(buf)) {
    if (f.num === 1) name = utf8(f.bytes);
    else if (f.num === 2) {
      let fname = "";
      let num = 0;
      let label = 1;
      let type = 0;
      let typeName = "";
      for (const g of fields(f.bytes!)) {
        if (g.num === 1) fname = utf8(g.bytes);
        else if (g.num === 3) num = Number(g.int);
        else if (g.num === 4) label = Number(g.int);
        else if (g.num === 5) type = Number(g.int);
        else if (g.num === 6) typeName = utf8(g.bytes).replace(/^\./, "");
      }
      // A few Go fields lacked json tags when their proto was generated (ValidatingWebhookConfiguration's
      // "Webhooks", DaemonEndpoint's "Port"...): the proto name is the Go name; JSON uses lower camel case.
      if (/^[A-Z]/.test(fname) && fname !== "Raw") fname = fname[0]!.toLowerCase() + fname.slice(1);
      rows.push([num, fname, type, typeName, label === 3 ? 1 : 0]);
    } else if (f.num === 3) nested.push(f.bytes!);
    else if (f.num === 7) for (const o of fields(f.bytes!)) if (o.num === 7 && o.int === 1n) mapEntry = true;
  }
  const full = `${prefix}.${name}`;
  if (mapEntry) out[full] = { map: [rows.find((r) => r[0] === 1)!, rows.find((r) => r[0] === 2)!] };
  else out[full] = rows;
  for (const n of nested) parseMessage(n, full, out);
}

function main(): void {
  const bin = readFileSync(process.argv[2] ?? "/usr/bin/kubectl");
  const out: Record<string, FieldRow[] | { map: [FieldRow, FieldRow] }> = {};
  const files: string[] = [];
  for (let i = 0; i < bin.length - 3; i++) {
    if (bin[i] !== 0x1f || bin[i + 1] !== 0x8b || bin[i + 2] !== 0x08) continue;
    let fd: Buffer;
    try {
      fd = gunzipSync(bin.subarray(i, i + 1_000_000), { finishFlush: 2 });
    } catch {
      continue;
    }
    let fileName = "";
    let pkg = "";
    const messages: Uint8Array[] = [];
    try {
      for (const f of fields(fd)) {
        if (f.num === 1) fileName = utf8(f.bytes);
        else if (f.num === 2) pkg = utf8(f.bytes);
        else if (f.num === 4) messages.push(f.bytes!);
      }
    } catch {
      continue;
    }
    if (!WANTED.test(fileName) || files.includes(fileName)) continue;
    files.push(fileName);
    for (const m of messages) parseMessage(m, pkg, out);
  }
  const dest = join(import.meta.dirname, "descriptors.json");
  writeFileSync(dest, JSON.stringify({ files: files.sort(), messages: out }));
  console.log(`${files.length} files, ${Object.keys(out).length} messages -> ${dest}`);
}

main();
