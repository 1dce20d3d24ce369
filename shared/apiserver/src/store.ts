/**
 * Object storage: one Map per bucket (a group-resource), ONE global resourceVersion counter (like an etcd
 * revision), and per-bucket watch history (a bounded ring of recent events) so watches can resume from an RV.
 *
 * Stored objects are never mutated after they are written: readers may share them, and anyone who wants to
 * change one copies it first. Each entry caches its JSON encoding, computed on first use, so GET/list/watch
 * serialize an object once per resourceVersion. Keys of stored objects are ordered apiVersion, kind, metadata,
 * ... so the list encoder can cut the first two members off cheaply (built-in list items omit them).
 */
import type { KubeObject } from "./registry.js";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export class StoredEntry {
  private json?: string;
  constructor(
    readonly key: string,
    readonly object: KubeObject,
    readonly rv: number,
  ) {}

  /**
   * The JSON encoding of the object, cached when `keep` (reads and watches, which tend to repeat); a write's
   * own response does not keep it, so objects nobody reads cost no extra memory.
   */
  encode(keep = true): string {
    if (this.json !== undefined) return this.json;
    const json = JSON.stringify(this.object);
    if (keep) this.json = json;
    return json;
  }
}

/** An event as the store emits it; encodings for the wire are cached on it per format. */
export class StoreEvent {
  private encodings?: Map<string, string>;
  /** When it happened (ms), for time-bounded history. */
  readonly at = Date.now();
  constructor(
    readonly type: EventType,
    readonly bucket: string,
    readonly key: string,
    readonly rv: number,
    /** The new state; for DELETED, the last state carrying the deletion RV. */
    readonly object: KubeObject,
    /** The previous state (MODIFIED, DELETED). */
    readonly prev: KubeObject | undefined,
    readonly entry: StoredEntry,
  ) {}

  /** Wire encodings keyed by format (view, table options...), shared by the watchers of this event. */
  get encoded(): Map<string, string> {
    return (this.encodings ??= new Map());
  }

  /** Drops the encodings once every watcher has been served (history replays re-encode). */
  dropEncodings(): void {
    this.encodings = undefined;
  }
}

export type StoreListener = (ev: StoreEvent) => void;

export class Bucket {
  readonly objects = new Map<string, StoredEntry>();
  /** Recent events, oldest first. */
  history: StoreEvent[] = [];
  /** The RV of the newest event dropped from history; watches from an RV below this get 410. */
  horizon = 0;
  readonly listeners = new Set<StoreListener>();
  private sorted?: string[];

  constructor(readonly key: string) {}

  sortedKeys(): string[] {
    if (!this.sorted) this.sorted = [...this.objects.keys()].sort();
    return this.sorted;
  }

  invalidateOrder(): void {
    this.sorted = undefined;
  }
}

export interface StoreOptions {
  /** Events kept per bucket for resuming watches (default 10,000). */
  historySize?: number;
  /** Events older than this are dropped from history (default 5 minutes, etcd's default compaction). */
  historyMaxAgeMs?: number;
}

export class Store {
  private buckets = new Map<string, Bucket>();
  private globalListeners = new Set<StoreListener>();
  private writeListeners = new Set<() => void>();
  private readonly historySize: number;
  private readonly historyMaxAgeMs: number;
  /** The latest resourceVersion handed out. */
  rv = 0;
  /** No bucket can resume watches from before this RV (the state was restored from disk at this RV). */
  restoredAt = 0;

  constructor(opts: StoreOptions = {}) {
    this.historySize = opts.historySize ?? 10_000;
    this.historyMaxAgeMs = opts.historyMaxAgeMs ?? 5 * 60_000;
  }

  bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new Bucket(key);
      this.buckets.set(key, b);
    }
    return b;
  }

  bucketKeys(): string[] {
    return [...this.buckets.keys()];
  }

  get(bucket: string, key: string): StoredEntry | undefined {
    return this.buckets.get(bucket)?.objects.get(key);
  }

  /** Entries in key order, optionally only those in one namespace. */
  list(bucket: string, namespace?: string): StoredEntry[] {
    const b = this.buckets.get(bucket);
    if (!b) return [];
    const out: StoredEntry[] = [];
    const prefix = namespace ? `${namespace}/` : undefined;
    for (const k of b.sortedKeys()) {
      if (prefix && !k.startsWith(prefix)) continue;
      out.push(b.objects.get(k)!);
    }
    return out;
  }

  count(bucket: string): number {
    return this.buckets.get(bucket)?.objects.size ?? 0;
  }

  /** Stores a new object. The caller has checked it does not exist. Sets metadata.resourceVersion. */
  create(bucket: string, key: string, obj: KubeObject): StoredEntry {
    const b = this.bucket(bucket);
    const rv = ++this.rv;
    const stored = withResourceVersion(obj, rv);
    const entry = new StoredEntry(key, stored, rv);
    b.objects.set(key, entry);
    b.invalidateOrder();
    this.emit(b, new StoreEvent("ADDED", bucket, key, rv, stored, undefined, entry));
    return entry;
  }

  update(bucket: string, key: string, obj: KubeObject): StoredEntry {
    const b = this.bucket(bucket);
    const prev = b.objects.get(key);
    const rv = ++this.rv;
    const stored = withResourceVersion(obj, rv);
    const entry = new StoredEntry(key, stored, rv);
    b.objects.set(key, entry);
    if (!prev) b.invalidateOrder();
    this.emit(b, new StoreEvent(prev ? "MODIFIED" : "ADDED", bucket, key, rv, stored, prev?.object, entry));
    return entry;
  }

  /** Removes an object; the DELETED event carries its last state with the deletion RV. */
  delete(bucket: string, key: string): StoredEntry | undefined {
    const b = this.buckets.get(bucket);
    const prev = b?.objects.get(key);
    if (!b || !prev) return undefined;
    const rv = ++this.rv;
    const last = withResourceVersion(prev.object, rv);
    const entry = new StoredEntry(key, last, rv);
    b.objects.delete(key);
    b.invalidateOrder();
    this.emit(b, new StoreEvent("DELETED", bucket, key, rv, last, prev.object, entry));
    return entry;
  }

  /** Loads an object as-is (restoring persisted state); no event, RV untouched. */
  restore(bucket: string, key: string, obj: KubeObject): void {
    const b = this.bucket(bucket);
    const rv = Number(obj.metadata?.resourceVersion ?? 0);
    b.objects.set(key, new StoredEntry(key, obj, rv));
    b.invalidateOrder();
  }

  /** Forgets a whole bucket without events (its type is gone). */
  dropBucket(bucket: string): void {
    this.buckets.delete(bucket);
  }

  /**
   * Events after `sinceRV` for a bucket, or undefined when that RV is older than the retained history
   * (the caller answers 410 Expired).
   */
  eventsSince(bucket: string, sinceRV: number): StoreEvent[] | undefined {
    const b = this.bucket(bucket);
    if (sinceRV < Math.max(b.horizon, this.restoredAt)) return undefined;
    const h = b.history;
    // binary search for the first event with rv > sinceRV
    let lo = 0;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h[mid]!.rv <= sinceRV) lo = mid + 1;
      else hi = mid;
    }
    return h.slice(lo);
  }

  /** The oldest RV a watch on this bucket may resume from. */
  horizon(bucket: string): number {
    return Math.max(this.bucket(bucket).horizon, this.restoredAt);
  }

  subscribe(bucket: string, l: StoreListener): () => void {
    const b = this.bucket(bucket);
    b.listeners.add(l);
    return () => b.listeners.delete(l);
  }

  /** Every event of every bucket (controllers). */
  subscribeAll(l: StoreListener): () => void {
    this.globalListeners.add(l);
    return () => this.globalListeners.delete(l);
  }

  /** Called after every write (persistence). */
  onWrite(l: () => void): () => void {
    this.writeListeners.add(l);
    return () => this.writeListeners.delete(l);
  }

  private emit(b: Bucket, ev: StoreEvent): void {
    b.history.push(ev);
    let drop = b.history.length > this.historySize + (this.historySize >> 2) ? b.history.length - this.historySize : 0;
    // Old events (and the object versions they hold) go after historyMaxAgeMs; checked in batches.
    const cutoff = ev.at - this.historyMaxAgeMs;
    if (b.history[0]!.at < cutoff && (b.history.length & 63) === 0) {
      let i = drop;
      while (i < b.history.length && b.history[i]!.at < cutoff) i++;
      drop = i;
    }
    if (drop > 0) {
      b.horizon = b.history[drop - 1]!.rv;
      b.history = b.history.slice(drop);
    }
    for (const l of this.writeListeners) l();
    for (const l of b.listeners) safeCall(l, ev);
    for (const l of this.globalListeners) safeCall(l, ev);
    // Encodings are shared by the watchers notified just now; replays re-encode, so history stays small.
    ev.dropEncodings();
  }
}

function safeCall(l: StoreListener, ev: StoreEvent): void {
  try {
    l(ev);
  } catch (e) {
    console.error("apiserver: store listener failed:", e);
  }
}

/** A shallow copy with metadata.resourceVersion set, keys ordered apiVersion, kind, metadata, rest. */
export function withResourceVersion(obj: KubeObject, rv: number): KubeObject {
  const { apiVersion, kind, metadata, ...rest } = obj;
  return { apiVersion, kind, metadata: { ...metadata, resourceVersion: String(rv) }, ...rest } as KubeObject;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
