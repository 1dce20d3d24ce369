/**
 * The hashes workload controllers name things with.
 *
 * - pod-template-hash (Deployment -> ReplicaSet): upstream is FNV-32a over a go-spew dump of the typed
 *   PodTemplateSpec (plus the collision count as 8 little-endian bytes), rendered with SafeEncodeString. The
 *   spew dump prints every field of the Go structs, so it cannot be reproduced without Go's types; the
 *   stand-in hashes the template's JSON encoding with sorted keys instead. Same template, same hash, and the
 *   same alphabet and length as real hashes.
 * - ControllerRevision hashes (StatefulSet, DaemonSet): upstream is FNV-32 (not 32a) over the revision's raw
 *   data, which is Go's json.Marshal of `{"spec":{"template":{...,"$patch":"replace"}}}` (maps, so keys
 *   sorted, with HTML-safe escaping). That encoding is reproduced here over the stored template.
 */

const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** k8s.io/apimachinery/pkg/util/rand.SafeEncodeString. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const ch of s) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, h = FNV_OFFSET): number {
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

export function fnv32(bytes: Uint8Array, h = FNV_OFFSET): number {
  for (const b of bytes) {
    h = Math.imul(h, FNV_PRIME) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h >>> 0;
}

/** Go's encoding/json output for a JSON value held in maps: sorted keys, HTML-safe string escaping. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goString(v);
  if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort(byUtf8);
  return `{${keys.map((k) => `${goString(k)}:${goJson(o[k])}`).join(",")}}`;
}

/** Go sorts map keys by their bytes; for UTF-16 strings that is code point order. */
function byUtf8(a: string, b: string): number {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return Buffer.compare(x, y);
}

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The pod-template-hash of a Deployment's template (see the header for how it differs from upstream). */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(goJson(template), "utf8"));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/** history.HashControllerRevision over a revision's data (the collision count is written as decimal text). */
export function controllerRevisionHash(data: unknown, collisionCount?: number): string {
  let h = fnv32(Buffer.from(goJson(data), "utf8"));
  if (collisionCount !== undefined && collisionCount !== null) h = fnv32(Buffer.from(String(collisionCount), "utf8"), h);
  return safeEncodeString(String(h));
}
