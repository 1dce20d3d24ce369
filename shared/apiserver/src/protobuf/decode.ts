/**
 * Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`, which kubectl's typed
 * clients send for built-in kinds) into the JSON form of the object. The message layouts come from
 * descriptors.json (see extract-descriptors.ts). Go encodes non-pointer scalars even when they are zero, so
 * zero scalars are dropped as `omitempty` would, except for pointer fields where zero is meaningful.
 */
import { createRequire } from "node:module";
import { fields, utf8, WireError } from "./wire.js";
import { INLINE_FIELDS } from "./inline.js";

type FieldRow = [number, string, number, string, 0 | 1];
type MessageDesc = FieldRow[] | { map: [FieldRow, FieldRow] };

const require = createRequire(import.meta.url);
const table = require("./descriptors.json") as { messages: Record<string, MessageDesc> };

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export class ProtobufDecodeError extends Error {}

/** Pointer-typed fields of the API types where a zero value is a value, not "unset". */
const KEEP_ZERO = new Set([
  "replicas",
  "parallelism",
  "completions",
  "backoffLimit",
  "backoffLimitPerIndex",
  "maxFailedIndexes",
  "minReplicas",
  "successfulJobsHistoryLimit",
  "failedJobsHistoryLimit",
  "revisionHistoryLimit",
  "progressDeadlineSeconds",
  "terminationGracePeriodSeconds",
  "activeDeadlineSeconds",
  "ttlSecondsAfterFinished",
  "startingDeadlineSeconds",
  "deletionGracePeriodSeconds",
  "gracePeriodSeconds",
  "expirationSeconds",
  "value",
  "suspend",
  "immutable",
  "automountServiceAccountToken",
  "allowVolumeExpansion",
  "enableServiceLinks",
  "privileged",
  "runAsUser",
  "runAsGroup",
  "runAsNonRoot",
  "readOnlyRootFilesystem",
  "allowPrivilegeEscalation",
  "orphanDependents",
  "manualSelector",
  "controller",
  "blockOwnerDeletion",
  "leaseDurationSeconds",
  "leaseTransitions",
  "optional",
]);

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function formatTime(seconds: bigint, nanos: number, micro: boolean): string {
  const d = new Date(Number(seconds) * 1000);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

/** Go's time.Duration.String(). */
export function goDuration(nanos: bigint): string {
  if (nanos === 0n) return "0s";
  const neg = nanos < 0n;
  let n = neg ? -nanos : nanos;
  let out: string;
  if (n < 1_000_000_000n) {
    if (n < 1000n) out = `${n}ns`;
    else if (n < 1_000_000n) out = `${trim(Number(n) / 1e3)}µs`;
    else out = `${trim(Number(n) / 1e6)}ms`;
  } else {
    const h = n / 3_600_000_000_000n;
    n -= h * 3_600_000_000_000n;
    const m = n / 60_000_000_000n;
    n -= m * 60_000_000_000n;
    const s = trim(Number(n) / 1e9);
    out = h > 0n ? `${h}h${m}m${s}s` : m > 0n ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}

function trim(x: number): string {
  return String(Number(x.toFixed(9)));
}

function scalar(type: number, f: { int?: bigint; bytes?: Uint8Array }): unknown {
  switch (type) {
    case 1: // double
      return new DataView(new BigUint64Array([f.int!]).buffer).getFloat64(0, true);
    case 2: // float
      return new DataView(new Uint32Array([Number(f.int!)]).buffer).getFloat32(0, true);
    case 3: // int64
    case 16:
      return Number(BigInt.asIntN(64, f.int!));
    case 4:
    case 6:
      return Number(f.int!);
    case 5: // int32
    case 15:
      return Number(BigInt.asIntN(32, f.int!));
    case 13:
    case 7:
      return Number(f.int!);
    case 17:
    case 18: {
      const v = f.int!;
      return Number((v >> 1n) ^ -(v & 1n));
    }
    case 8:
      return f.int !== 0n;
    case 14:
      return Number(f.int!);
    case 9:
      return utf8(f.bytes);
    case 12:
      return Buffer.from(f.bytes!).toString("base64");
  }
  throw new ProtobufDecodeError(`unsupported field type ${type}`);
}

function isZero(v: unknown): boolean {
  return v === "" || v === 0 || v === false;
}

const META = "k8s.io.apimachinery.pkg.apis.meta.v1";

function decodeMessage(name: string, buf: Uint8Array): unknown {
  switch (name) {
    case `${META}.Time`:
    case `${META}.MicroTime`: {
      let seconds = 0n;
      let nanos = 0;
      for (const f of fields(buf)) {
        if (f.num === 1) seconds = BigInt.asIntN(64, f.int!);
        else if (f.num === 2) nanos = Number(f.int!);
      }
      if (seconds === 0n && nanos === 0) return undefined;
      return formatTime(seconds, nanos, name.endsWith("MicroTime"));
    }
    case `${META}.Duration`: {
      for (const f of fields(buf)) if (f.num === 1) return goDuration(BigInt.asIntN(64, f.int!));
      return "0s";
    }
    case "k8s.io.apimachinery.pkg.util.intstr.IntOrString": {
      let type = 0;
      let intVal = 0;
      let strVal = "";
      for (const f of fields(buf)) {
        if (f.num === 1) type = Number(f.int!);
        else if (f.num === 2) intVal = Number(BigInt.asIntN(32, f.int!));
        else if (f.num === 3) strVal = utf8(f.bytes);
      }
      return type === 1 ? strVal : intVal;
    }
    case "k8s.io.apimachinery.pkg.api.resource.Quantity": {
      for (const f of fields(buf)) if (f.num === 1) return utf8(f.bytes);
      return "0";
    }
    case "k8s.io.apimachinery.pkg.runtime.RawExtension":
    case `${META}.FieldsV1`: {
      for (const f of fields(buf)) if (f.num === 1 && f.bytes && f.bytes.length) return JSON.parse(utf8(f.bytes));
      return undefined;
    }
  }
  const desc = table.messages[name];
  if (!desc || !Array.isArray(desc)) throw new ProtobufDecodeError(`unknown message ${name}`);
  const byNum = new Map(desc.map((r) => [r[0], r]));
  const out: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    const row = byNum.get(f.num);
    if (!row) continue;
    const [, fname, type, typeName, repeated] = row;
    const mapDesc = type === 11 ? table.messages[typeName] : undefined;
    if (mapDesc && !Array.isArray(mapDesc)) {
      const [krow, vrow] = mapDesc.map;
      let key = "";
      let value: unknown = vrow[2] === 9 ? "" : undefined;
      for (const g of fields(f.bytes!)) {
        if (g.num === 1) key = String(scalar(krow[2], g));
        else if (g.num === 2) value = vrow[2] === 11 ? decodeMessage(vrow[3], g.bytes!) : scalar(vrow[2], g);
      }
      const m = (out[fname] ??= {}) as Record<string, unknown>;
      m[key] = value ?? (vrow[2] === 12 ? "" : value);
      continue;
    }
    if (type === 11 && INLINE_FIELDS.has(`${name}.${fname}`)) {
      Object.assign(out, decodeMessage(typeName, f.bytes!) as Record<string, unknown>);
      continue;
    }
    let values: unknown[];
    if (type === 11) values = [decodeMessage(typeName, f.bytes!)];
    else if (f.wireType === 2 && type !== 9 && type !== 12) {
      // packed repeated scalars
      values = [];
      for (const g of fields(packedAsFields(f.bytes!, type))) values.push(scalar(type, g));
    } else values = [scalar(type, f)];
    if (repeated) {
      const arr = (out[fname] ??= []) as unknown[];
      for (const v of values) arr.push(v === undefined ? null : v);
    } else {
      const v = values[0];
      if (v === undefined) continue;
      if (type !== 11 && isZero(v) && !KEEP_ZERO.has(fname)) continue;
      out[fname] = v;
    }
  }
  return out;
}

/** Re-frames a packed varint run as a sequence of varint fields numbered 1, so `fields` can read it. */
function packedAsFields(bytes: Uint8Array, type: number): Uint8Array {
  if (type === 1 || type === 6 || type === 16) {
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i += 8) out.push(0x09, ...bytes.subarray(i, i + 8));
    return Uint8Array.from(out);
  }
  if (type === 2 || type === 7 || type === 15) {
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i += 4) out.push(0x0d, ...bytes.subarray(i, i + 4));
    return Uint8Array.from(out);
  }
  const out: number[] = [];
  let atStart = true;
  for (const b of bytes) {
    if (atStart) out.push(0x08);
    out.push(b);
    atStart = (b & 0x80) === 0;
  }
  return Uint8Array.from(out);
}

function packageFor(apiVersion: string): string {
  if (apiVersion === "meta.k8s.io/v1") return META;
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return `k8s.io.api.core.${apiVersion}`;
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return `k8s.io.api.${group.split(".")[0]}.${version}`;
}

/** Decodes a `k8s\0`-prefixed runtime.Unknown envelope into a JSON object with apiVersion and kind. */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || !PROTOBUF_MAGIC.equals(Buffer.from(body.subarray(0, 4)))) throw new ProtobufDecodeError("missing the k8s protobuf magic prefix");
  let apiVersion = "";
  let kind = "";
  let raw: Uint8Array | undefined;
  try {
    for (const f of fields(body.subarray(4))) {
      if (f.num === 1) {
        for (const g of fields(f.bytes!)) {
          if (g.num === 1) apiVersion = utf8(g.bytes);
          else if (g.num === 2) kind = utf8(g.bytes);
        }
      } else if (f.num === 2) raw = f.bytes;
    }
    const pkg = kind === "DeleteOptions" ? META : packageFor(apiVersion);
    const obj = (raw ? decodeMessage(`${pkg}.${kind}`, raw) : {}) as Record<string, unknown>;
    return { apiVersion, kind, ...obj };
  } catch (e) {
    if (e instanceof WireError || e instanceof SyntaxError) throw new ProtobufDecodeError(e.message);
    throw e;
  }
}
