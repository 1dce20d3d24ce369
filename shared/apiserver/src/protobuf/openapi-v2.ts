/**
 * `/openapi/v2` as kubectl asks for it (Accept `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): a
 * gnostic openapi_v2.Document. kubectl reads v2 only for client-side validation of kinds the v3 documents do not
 * vouch for (unknown groups/versions such as apps/v1beta2, a kustomization.yaml), and skips validation of any kind
 * without a definition. The document therefore carries no definitions, so those kinds reach the REST mapping and
 * fail there ("resource mapping not found") as against a real cluster.
 */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/** kube-openapi answers with the `.v1.0` spelling: `@` is not allowed in a media type Go's mime package parses. */
export const OPENAPI_V2_PROTOBUF_RESPONSE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** openapi_v2.Document{swagger: "2.0", info: {title, version}}. */
export function openAPIV2DocumentProtobuf(title: string, version: string): Buffer {
  const info = Uint8Array.from([...lengthDelimited(1, utf8(title)), ...lengthDelimited(2, utf8(version))]);
  return Buffer.from([...lengthDelimited(1, utf8("2.0")), ...lengthDelimited(2, info)]);
}
