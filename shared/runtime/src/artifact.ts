/**
 * Consumer side of Flux artifacts (kustomize-, helm-controller): download status.artifact.url with retries,
 * verify its digest, and extract the tar.gz into a directory without ever writing outside it.
 */
import { createHash } from 'node:crypto';
import { extractTarGz, TarError, type ExtractLimits, type ExtractStats } from './tar.js';

export { extractTarGz, safeRelativePath, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES } from './tar.js';
export type { ExtractLimits, ExtractStats } from './tar.js';

export type ArtifactErrorReason =
  /** The artifact server answered 404: the source's artifact is gone (e.g. garbage-collected); maps to ArtifactFailed. */
  | 'ArtifactNotFound'
  /** Connection errors, 5xx after all retries, other non-2xx answers, or an oversized download. */
  | 'ArtifactFetchFailed'
  | 'ArtifactDigestMismatch'
  /** The digest string itself is malformed or uses an algorithm this helper cannot compute. */
  | 'ArtifactDigestInvalid'
  | 'ArtifactUnsafe'
  | 'ArtifactTooLarge'
  | 'ArtifactInvalid';

export class ArtifactError extends Error {
  constructor(
    readonly reason: ArtifactErrorReason,
    message: string,
    readonly details: { url?: string; status?: number; expected?: string; actual?: string; attempts?: number } = {},
  ) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/** The fields of meta.Artifact a consumer needs. */
export interface ArtifactRef {
  url: string;
  digest?: string;
  revision?: string;
}

export interface FetchOptions {
  /** Retries after the first attempt (flux `--http-retry`); default 9. */
  retries?: number;
  /** Exponential backoff bounds, as in hashicorp/go-retryablehttp (1s..30s). */
  retryWaitMinMs?: number;
  retryWaitMaxMs?: number;
  /** Replaces host[:port] of the artifact URL; defaults to env SOURCE_CONTROLLER_LOCALHOST. */
  localhost?: string;
  /** Largest compressed download accepted; default 100 MiB. */
  maxDownloadBytes?: number;
  /** Per-attempt timeout; default 60s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_HTTP_RETRY = 9;
const DEFAULT_MAX_DOWNLOAD = 100 * 1024 * 1024;
const SUPPORTED_ALGOS: Record<string, string> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

/** Points the artifact URL at `localhost` (host[:port]) when set, as flux does with SOURCE_CONTROLLER_LOCALHOST. */
export function rewriteArtifactURL(url: string, localhost: string | undefined = process.env.SOURCE_CONTROLLER_LOCALHOST): string {
  if (!localhost) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ArtifactError('ArtifactFetchFailed', `invalid artifact URL ${JSON.stringify(url)}`, { url });
  }
  parsed.host = localhost;
  return parsed.toString();
}

/** Verifies data against a `<algo>:<hex>` digest; throws ArtifactError naming the expected and actual digests. */
export function verifyDigest(data: Uint8Array, digest: string): void {
  const colon = digest.indexOf(':');
  const algo = colon > 0 ? digest.slice(0, colon) : '';
  const expectedHex = digest.slice(colon + 1).toLowerCase();
  const nodeAlgo = SUPPORTED_ALGOS[algo];
  if (!nodeAlgo) throw new ArtifactError('ArtifactDigestInvalid', `unsupported or malformed artifact digest ${JSON.stringify(digest)}`, { expected: digest });
  if (!/^[0-9a-f]+$/.test(expectedHex)) throw new ArtifactError('ArtifactDigestInvalid', `malformed artifact digest ${JSON.stringify(digest)}`, { expected: digest });
  const actual = `${algo}:${createHash(nodeAlgo).update(data).digest('hex')}`;
  if (actual !== `${algo}:${expectedHex}`) {
    throw new ArtifactError('ArtifactDigestMismatch', `failed to verify artifact: computed digest doesn't match '${digest}', got '${actual}'`, {
      expected: digest,
      actual,
    });
  }
}

function backoff(attempt: number, min: number, max: number): number {
  return Math.min(max, min * 2 ** attempt);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function readBounded(res: Response, max: number, url: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel();
    throw new ArtifactError('ArtifactTooLarge', `artifact ${url} is ${declared} bytes, more than the ${max} allowed`, { url });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (res.body) {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > max) {
        await res.body.cancel().catch(() => undefined);
        throw new ArtifactError('ArtifactTooLarge', `artifact ${url} exceeds the ${max} bytes allowed`, { url });
      }
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks, total);
}

/**
 * Downloads the artifact and verifies its digest (when the artifact has one). Retries connection errors,
 * 429 and 5xx with exponential backoff; a 404 fails at once with reason ArtifactNotFound.
 */
export async function fetchArtifact(artifact: ArtifactRef, opts: FetchOptions = {}): Promise<Buffer> {
  const url = rewriteArtifactURL(artifact.url, opts.localhost ?? process.env.SOURCE_CONTROLLER_LOCALHOST);
  const retries = opts.retries ?? DEFAULT_HTTP_RETRY;
  const waitMin = opts.retryWaitMinMs ?? 1000;
  const waitMax = opts.retryWaitMaxMs ?? 30_000;
  const maxDownload = opts.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let lastProblem = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoff(attempt - 1, waitMin, waitMax), opts.signal);
    let res: Response;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    try {
      res = await fetch(url, { signal });
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      lastProblem = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
      continue;
    }
    if (res.status === 404) {
      await res.body?.cancel();
      throw new ArtifactError('ArtifactNotFound', `artifact not found at ${url}`, { url, status: 404, attempts: attempt + 1 });
    }
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel();
      lastProblem = `HTTP ${res.status}`;
      continue;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new ArtifactError('ArtifactFetchFailed', `failed to download artifact from ${url}, status: ${res.status}`, {
        url,
        status: res.status,
        attempts: attempt + 1,
      });
    }
    let data: Buffer;
    try {
      data = await readBounded(res, maxDownload, url);
    } catch (e) {
      if (e instanceof ArtifactError || opts.signal?.aborted) throw e;
      lastProblem = `reading body: ${(e as Error).message}`;
      continue;
    }
    if (artifact.digest) verifyDigest(data, artifact.digest);
    return data;
  }
  throw new ArtifactError('ArtifactFetchFailed', `failed to download artifact from ${url} after ${retries + 1} attempts: ${lastProblem}`, {
    url,
    attempts: retries + 1,
  });
}

function toArtifactError(e: unknown): unknown {
  return e instanceof TarError ? new ArtifactError(e.reason, e.message) : e;
}

/** Extracts an already-downloaded tar.gz into dir; tar safety errors come back as ArtifactError. */
export async function extractArtifact(data: Buffer, dir: string, limits: ExtractLimits = {}): Promise<ExtractStats> {
  try {
    return await extractTarGz(data, dir, limits);
  } catch (e) {
    throw toArtifactError(e);
  }
}

/**
 * fetchArtifact then extractArtifact into dir. Extract into a fresh temporary directory: on an error the
 * entries written before the failure stay there and the caller should remove it.
 */
export async function fetchAndExtractArtifact(
  artifact: ArtifactRef,
  dir: string,
  opts: FetchOptions & ExtractLimits = {},
): Promise<ExtractStats> {
  const data = await fetchArtifact(artifact, opts);
  return extractArtifact(data, dir, { maxBytes: opts.maxBytes, maxEntries: opts.maxEntries });
}
