/**
 * Optional persistence: the whole store (objects + RV counter) written behind to one JSON file in the state
 * directory, atomically (temp file + rename), at most every `debounceMs` after a write, and on stop.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { writeFile, rename, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { KubeObject } from "./registry.js";
import type { Store } from "./store.js";

const FILE = "apiserver-state.json";

interface Snapshot {
  version: 1;
  resourceVersion: number;
  buckets: Record<string, KubeObject[]>;
}

export class Persistence {
  private timer?: NodeJS.Timeout;
  private dirty = false;
  private writing?: Promise<void>;
  private unsubscribe?: () => void;

  constructor(
    private dir: string,
    private store: Store,
    private debounceMs = 200,
  ) {}

  /** Loads a previous snapshot into the store; returns false when there is none. */
  load(keyOf: (bucket: string, obj: KubeObject) => string): boolean {
    const path = join(this.dir, FILE);
    if (!existsSync(path)) return false;
    const snap = JSON.parse(readFileSync(path, "utf8")) as Snapshot;
    if (snap.version !== 1) throw new Error(`unsupported state file version in ${path}`);
    for (const [bucket, objs] of Object.entries(snap.buckets)) for (const o of objs) this.store.restore(bucket, keyOf(bucket, o), o);
    this.store.rv = Math.max(this.store.rv, snap.resourceVersion);
    this.store.restoredAt = this.store.rv;
    return true;
  }

  start(): void {
    mkdirSync(this.dir, { recursive: true });
    this.unsubscribe = this.store.onWrite(() => this.markDirty());
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.debounceMs);
  }

  private snapshot(): string {
    const buckets: Record<string, KubeObject[]> = {};
    for (const b of this.store.bucketKeys()) {
      const entries = this.store.list(b);
      if (entries.length) buckets[b] = entries.map((e) => e.object);
    }
    return JSON.stringify({ version: 1, resourceVersion: this.store.rv, buckets } satisfies Snapshot);
  }

  /** Writes the current state if anything changed since the last write. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    const data = this.snapshot();
    const path = join(this.dir, FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    this.writing = (async () => {
      await mkdir(this.dir, { recursive: true });
      await writeFile(tmp, data);
      await rename(tmp, path);
    })();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Synchronous final write (process exit paths). */
  flushSync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const path = join(this.dir, FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, this.snapshot());
    renameSync(tmp, path);
  }
}
