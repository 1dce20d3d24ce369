/** Protocol buffers wire format: just enough to walk the fields of a message. */

export interface WireField {
  num: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wireType: number;
  /** varint / fixed values (as bigint to keep int64 exact). */
  int?: bigint;
  /** length-delimited payload. */
  bytes?: Uint8Array;
}

export class WireError extends Error {}

export function* fields(buf: Uint8Array): Generator<WireField> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new WireError("truncated varint");
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new WireError("varint too long");
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const num = key >>> 3;
    const wireType = key & 7;
    switch (wireType) {
      case 0:
        yield { num, wireType, int: varint() };
        break;
      case 1: {
        if (pos + 8 > buf.length) throw new WireError("truncated fixed64");
        const v = new DataView(buf.buffer, buf.byteOffset + pos, 8).getBigUint64(0, true);
        pos += 8;
        yield { num, wireType, int: v };
        break;
      }
      case 2: {
        const len = Number(varint());
        if (pos + len > buf.length) throw new WireError("truncated length-delimited field");
        yield { num, wireType, bytes: buf.subarray(pos, pos + len) };
        pos += len;
        break;
      }
      case 5: {
        if (pos + 4 > buf.length) throw new WireError("truncated fixed32");
        const v = new DataView(buf.buffer, buf.byteOffset + pos, 4).getUint32(0, true);
        pos += 4;
        yield { num, wireType, int: BigInt(v) };
        break;
      }
      default:
        throw new WireError(`unsupported wire type ${wireType}`);
    }
  }
}

export const utf8 = (b: Uint8Array | undefined): string => (b ? Buffer.from(b.buffer, b.byteOffset, b.length).toString("utf8") : "");
