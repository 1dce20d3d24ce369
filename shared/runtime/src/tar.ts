/**
 * A small ustar/pax/GNU tar reader that extracts a gzip stream into a directory, refusing anything that could
 * write outside it. Written by hand rather than on top of node-tar so every safety rule is ours and tested:
 * entry paths are normalised lexically and must stay under the root, no entry is ever written through an
 * on-disk symlink, symlink targets must resolve inside the root, hardlinks may only point at regular files
 * already extracted, device and fifo entries are refused, and sizes/entry counts are checked against the
 * declared header values before any data is read, so a gzip bomb fails at its first oversized header.
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

export type TarErrorReason = 'ArtifactUnsafe' | 'ArtifactTooLarge' | 'ArtifactInvalid';

export class TarError extends Error {
  constructor(
    readonly reason: TarErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'TarError';
  }
}

export interface ExtractLimits {
  /** Total bytes of entry contents (files plus pax/long-name records); default 100 MiB. */
  maxBytes?: number;
  /** Number of entries, metadata headers included; default 100,000. */
  maxEntries?: number;
}

export interface ExtractStats {
  entries: number;
  files: number;
  bytes: number;
}

export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_ENTRIES = 100_000;
const BLOCK = 512;
const MAX_META_RECORD = 1024 * 1024;

interface Header {
  name: string;
  linkname: string;
  mode: number;
  size: number;
  type: string;
}

function cString(buf: Buffer, start: number, len: number): string {
  const field = buf.subarray(start, start + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

function parseNumber(buf: Buffer, start: number, len: number, what: string): number {
  const field = buf.subarray(start, start + len);
  if (field[0]! & 0x80) {
    // GNU base-256: big-endian, first byte's top bit is the marker; negative values are never valid here.
    if (field[0]! & 0x40) throw new TarError('ArtifactInvalid', `negative ${what} in tar header`);
    let value = field[0]! & 0x3f;
    for (let i = 1; i < len; i++) {
      value = value * 256 + field[i]!;
      if (!Number.isSafeInteger(value)) throw new TarError('ArtifactTooLarge', `${what} in tar header is too large`);
    }
    return value;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^[ ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError('ArtifactInvalid', `invalid ${what} ${JSON.stringify(text)} in tar header`);
  return parseInt(text, 8);
}

function parseHeader(block: Buffer): Header {
  const stored = parseNumber(block, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  if (sum !== stored) throw new TarError('ArtifactInvalid', 'tar header checksum mismatch (not a tar archive, or corrupt)');
  let name = cString(block, 0, 100);
  if (block.toString('latin1', 257, 262) === 'ustar') {
    const prefix = cString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name,
    linkname: cString(block, 157, 100),
    mode: parseNumber(block, 100, 8, 'mode'),
    size: parseNumber(block, 124, 12, 'size'),
    type: block[156] === 0 ? '0' : String.fromCharCode(block[156]!),
  };
}

/** PAX extended header records: "<len> <key>=<value>\n". Only path, linkpath and size matter for extraction. */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number(data.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) throw new TarError('ArtifactInvalid', 'malformed pax header record');
    const record = data.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Normalises an entry path to a root-relative POSIX path ('' is the root); throws if it could leave the root. */
export function safeRelativePath(name: string, what = 'entry'): string {
  if (name.includes('\0')) throw new TarError('ArtifactInvalid', `${what} path contains a NUL byte`);
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) throw new TarError('ArtifactUnsafe', `${what} has an absolute path: ${name}`);
  const norm = path.posix.normalize(name).replace(/\/+$/, '');
  if (norm === '..' || norm.startsWith('../')) throw new TarError('ArtifactUnsafe', `${what} path escapes the extraction root: ${name}`);
  return norm === '.' ? '' : norm;
}

class Extractor {
  readonly stats: ExtractStats = { entries: 0, files: 0, bytes: 0 };
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private pax: Record<string, string> = Object.create(null);
  private longName: string | undefined;
  private longLink: string | undefined;

  constructor(
    private readonly root: string,
    limits: ExtractLimits,
  ) {
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  countEntry(size: number): void {
    this.stats.entries++;
    if (this.stats.entries > this.maxEntries) throw new TarError('ArtifactTooLarge', `archive has more than ${this.maxEntries} entries`);
    this.stats.bytes += size;
    if (this.stats.bytes > this.maxBytes) throw new TarError('ArtifactTooLarge', `archive contents exceed ${this.maxBytes} bytes`);
  }

  /** Creates the parent directories of rel, refusing to pass through any symlink or non-directory on disk. */
  private async ensureParents(rel: string): Promise<void> {
    const parts = rel.split('/');
    let current = this.root;
    for (const part of parts.slice(0, -1)) {
      current = path.join(current, part);
      const st = await fs.lstat(current).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
      if (!st) await fs.mkdir(current, { mode: 0o755 });
      else if (st.isSymbolicLink()) throw new TarError('ArtifactUnsafe', `refusing to extract ${rel} through symlink ${path.relative(this.root, current)}`);
      else if (!st.isDirectory()) throw new TarError('ArtifactInvalid', `cannot extract ${rel}: ${path.relative(this.root, current)} is not a directory`);
    }
  }

  /** Removes whatever non-directory sits at target so a new entry replaces it instead of writing through it. */
  private async clearTarget(target: string, replaceDir: boolean): Promise<void> {
    const st = await fs.lstat(target).catch(() => undefined);
    if (!st) return;
    if (st.isDirectory() && !replaceDir) return;
    await fs.rm(target, { recursive: true, force: true });
  }

  /** Returns a handle to write the file's content into, or undefined for entries without content to keep. */
  async begin(h: Header): Promise<FileHandle | undefined> {
    const name = this.pax.path ?? this.longName ?? h.name;
    const linkname = this.pax.linkpath ?? this.longLink ?? h.linkname;
    this.pax = Object.create(null);
    this.longName = this.longLink = undefined;
    const rel = safeRelativePath(name);
    const mode = h.mode & 0o777;
    switch (h.type) {
      case '5': {
        if (rel === '') return undefined;
        await this.ensureParents(rel);
        const target = path.join(this.root, rel);
        const st = await fs.lstat(target).catch(() => undefined);
        if (st && !st.isDirectory()) await fs.rm(target, { force: true });
        if (!st || !st.isDirectory()) await fs.mkdir(target, { mode: 0o755 });
        await fs.chmod(target, mode | 0o700);
        return undefined;
      }
      case '0':
      case '7': {
        if (rel === '') throw new TarError('ArtifactInvalid', `file entry ${JSON.stringify(name)} names the extraction root`);
        await this.ensureParents(rel);
        const target = path.join(this.root, rel);
        await this.clearTarget(target, true);
        this.stats.files++;
        // 'wx' is O_CREAT|O_EXCL: never follows a symlink that might have appeared at target.
        return fs.open(target, 'wx', mode | 0o600);
      }
      case '2': {
        if (rel === '') throw new TarError('ArtifactInvalid', 'symlink entry names the extraction root');
        if (linkname === '') throw new TarError('ArtifactInvalid', `symlink ${rel} has an empty target`);
        if (linkname.startsWith('/')) throw new TarError('ArtifactUnsafe', `symlink ${rel} points to absolute path ${linkname}`);
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(rel), linkname));
        if (resolved === '..' || resolved.startsWith('../')) throw new TarError('ArtifactUnsafe', `symlink ${rel} points outside the extraction root: ${linkname}`);
        await this.ensureParents(rel);
        const target = path.join(this.root, rel);
        await this.clearTarget(target, true);
        await fs.symlink(linkname, target);
        return undefined;
      }
      case '1': {
        const linkRel = safeRelativePath(linkname, `hardlink ${rel} target`);
        if (rel === '' || linkRel === '') throw new TarError('ArtifactInvalid', `hardlink entry ${JSON.stringify(name)} involves the extraction root`);
        await this.ensureParents(linkRel);
        const source = path.join(this.root, linkRel);
        const st = await fs.lstat(source).catch(() => undefined);
        if (!st || !st.isFile()) throw new TarError('ArtifactUnsafe', `hardlink ${rel} target ${linkname} is not a regular file extracted earlier`);
        await this.ensureParents(rel);
        const target = path.join(this.root, rel);
        await this.clearTarget(target, true);
        await fs.link(source, target);
        return undefined;
      }
      case '3':
      case '4':
      case '6':
        throw new TarError('ArtifactUnsafe', `${rel}: device and fifo entries are not allowed`);
      default:
        throw new TarError('ArtifactInvalid', `${rel}: unsupported tar entry type ${JSON.stringify(h.type)}`);
    }
  }

  /** A pax `size` record overrides the header's size field (used by writers for files beyond 8 GiB). */
  contentSize(headerSize: number): number {
    const paxSize = this.pax.size;
    if (paxSize === undefined) return headerSize;
    if (!/^[0-9]+$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize))) throw new TarError('ArtifactInvalid', `invalid pax size ${JSON.stringify(paxSize)}`);
    return Number(paxSize);
  }

  applyMeta(type: string, data: Buffer): void {
    if (type === 'x') this.pax = parsePax(data);
    else if (type === 'L') this.longName = cString(data, 0, data.length);
    else if (type === 'K') this.longLink = cString(data, 0, data.length);
    // 'g' (pax global header) carries nothing extraction needs.
  }
}

const META_TYPES = new Set(['x', 'g', 'L', 'K']);

/**
 * Extracts a gzip-compressed tar archive into root (created if missing). Fails fast on the first unsafe or
 * oversized entry; entries already written stay in root, so callers should extract into a fresh directory
 * and discard it on error.
 */
export async function extractTarGz(input: Buffer | Readable, root: string, limits: ExtractLimits = {}): Promise<ExtractStats> {
  await fs.mkdir(root, { recursive: true });
  const realRoot = await fs.realpath(root);
  const ex = new Extractor(realRoot, limits);
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
  const gunzip = createGunzip();
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);

  let pending: Buffer = Buffer.alloc(0);
  let ended = false;
  // State for the entry whose content is being read.
  let remaining = 0;
  let padding = 0;
  let file: FileHandle | undefined;
  let metaType: string | undefined;
  let metaChunks: Buffer[] = [];

  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let pos = 0;
      while (!ended) {
        if (remaining > 0) {
          const n = Math.min(remaining, pending.length - pos);
          if (n === 0) break;
          const part = pending.subarray(pos, pos + n);
          if (file) await file.write(part);
          else if (metaType) metaChunks.push(Buffer.from(part));
          remaining -= n;
          pos += n;
          if (remaining > 0) break;
        }
        if (remaining === 0 && (file || metaType)) {
          if (file) await file.close();
          if (metaType) ex.applyMeta(metaType, Buffer.concat(metaChunks));
          file = undefined;
          metaType = undefined;
          metaChunks = [];
        }
        if (padding > 0) {
          const n = Math.min(padding, pending.length - pos);
          padding -= n;
          pos += n;
          if (padding > 0) break;
        }
        if (pending.length - pos < BLOCK) break;
        const block = pending.subarray(pos, pos + BLOCK);
        pos += BLOCK;
        if (block.every((b) => b === 0)) {
          ended = true;
          break;
        }
        const h = parseHeader(block);
        const isMeta = META_TYPES.has(h.type);
        const hasContent = isMeta || h.type === '0' || h.type === '7';
        const size = hasContent ? (isMeta ? h.size : ex.contentSize(h.size)) : 0;
        if (isMeta && size > MAX_META_RECORD) throw new TarError('ArtifactTooLarge', `tar ${h.type} header record of ${size} bytes is too large`);
        // Link and directory entries carry no content in conforming writers.
        if (!hasContent && h.size > 0) throw new TarError('ArtifactInvalid', `tar entry ${h.name} of type ${h.type} declares content`);
        ex.countEntry(size);
        if (isMeta) metaType = h.type;
        else file = await ex.begin(h);
        remaining = size;
        padding = (BLOCK - (size % BLOCK)) % BLOCK;
        if (remaining === 0 && metaType) {
          ex.applyMeta(metaType, Buffer.alloc(0));
          metaType = undefined;
        }
        if (remaining === 0 && file) {
          await file.close();
          file = undefined;
        }
      }
      pending = pending.subarray(pos);
      if (ended) break;
    }
  } catch (e) {
    if (e instanceof TarError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code?.startsWith('Z_')) throw new TarError('ArtifactInvalid', `invalid gzip stream: ${err.message}`);
    throw e;
  } finally {
    if (file) await file.close().catch(() => undefined);
    source.unpipe(gunzip);
    gunzip.destroy();
    if (source !== input) source.destroy();
  }
  if (!ended && (remaining > 0 || padding > 0 || pending.length > 0)) throw new TarError('ArtifactInvalid', 'tar archive is truncated');
  return ex.stats;
}
