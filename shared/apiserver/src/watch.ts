/**
 * Watch streams: newline-delimited `{"type","object"}` events. A watch replays synthetic ADDED events (RV
 * unset/"0" or sendInitialEvents) or the retained history after an RV, then follows the store live.
 * Selector transitions turn MODIFIED into ADDED/DELETED per watcher. Each event is encoded once per
 * output format (view version, JSON or Table) and the line is shared by every watcher using that format.
 */
import type { Core } from "./core.js";
import { type KubeObject, type ResourceType, groupVersion } from "./registry.js";
import { type StoreEvent, type StoredEntry, withResourceVersion } from "./store.js";
import { type IncludeObject, type Printer, buildTable, defaultPrinter } from "./table.js";
import type { Filter } from "./handlers/read.js";
import { ApiError, badRequest } from "./errors.js";

export type OutputFormat = { kind: "json" } | { kind: "table"; include: IncludeObject } | { kind: "metadata" };

/** Where a watch writes; the HTTP layer adapts a ServerResponse to this. */
export interface WatchSink {
  write(chunk: string): void;
  end(): void;
  /** Bytes buffered but not yet flushed (slow consumers are cut off). */
  backlog(): number;
}

export interface WatchParams {
  type: ResourceType;
  version: string;
  filter: Filter;
  format: OutputFormat;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  sendInitialEvents?: boolean;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
}

const MAX_BACKLOG = 64 * 1024 * 1024;

export class Watcher {
  private closed = false;
  private headersSent = false;
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  readonly formatKey: string;
  private encodingKeys = new Map<string, string>();
  onClose?: () => void;
  /** Table printer (set by the caller for CRD versions; defaults to the type's). */
  printer?: Printer;

  constructor(
    private core: Core,
    readonly params: WatchParams,
    private sink: WatchSink,
  ) {
    const f = params.format;
    this.formatKey = `${groupVersion(params.type.group, params.version)}|${f.kind}${f.kind === "table" ? `:${f.include}` : ""}`;
  }

  /** Validates the RV, sends the initial state or history, and follows the store. */
  start(): void {
    const p = this.params;
    const { store } = this.core;
    const rvParam = p.resourceVersion;
    let sinceRV: number | undefined;
    if (rvParam !== undefined && rvParam !== "" && rvParam !== "0") {
      if (!/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version: ${JSON.stringify(rvParam)}`);
      sinceRV = Number(rvParam);
    }
    const initial = p.sendInitialEvents ?? sinceRV === undefined;
    if (p.sendInitialEvents && p.resourceVersionMatch !== "NotOlderThan")
      throw new ApiError(422, "Invalid", 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan', {
        group: "meta.k8s.io",
        kind: "ListOptions",
        causes: [{ type: "FieldValueForbidden", field: "resourceVersionMatch", message: "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" }],
      });

    let history: StoreEvent[] = [];
    if (sinceRV !== undefined && !initial) {
      const h = store.eventsSince(p.type.storageKey, sinceRV);
      if (!h) {
        this.sendError(new ApiError(410, "Expired", `too old resource version: ${sinceRV} (${store.horizon(p.type.storageKey)})`));
        this.close();
        return;
      }
      history = h;
    }
    if (initial) {
      for (const e of store.list(p.type.storageKey)) {
        if (p.filter.matches(e.object)) this.sendEntry(e);
      }
      if (p.sendInitialEvents && p.allowBookmarks) this.sendBookmark(true);
    } else {
      for (const ev of history) this.deliver(ev);
    }
    if (this.closed) return;
    this.unsubscribe = store.subscribe(p.type.storageKey, (ev) => this.deliver(ev));
    const timeout = p.timeoutSeconds !== undefined && p.timeoutSeconds > 0 ? p.timeoutSeconds : 1800 + Math.floor(Math.random() * 1800);
    this.timer = setTimeout(() => this.close(), timeout * 1000);
    this.timer.unref();
  }

  /** Routes one store event through the selector: MODIFIED may become ADDED or DELETED for this watcher. */
  deliver(ev: StoreEvent): void {
    if (this.closed) return;
    const f = this.params.filter;
    const nowMatches = ev.type !== "DELETED" && f.matches(ev.object);
    const wasMatching = ev.prev !== undefined && f.matches(ev.prev);
    switch (ev.type) {
      case "ADDED":
        if (nowMatches) this.send(ev, "ADDED", false);
        break;
      case "MODIFIED":
        if (nowMatches && wasMatching) this.send(ev, "MODIFIED", false);
        else if (nowMatches) this.send(ev, "ADDED", false);
        else if (wasMatching) this.send(ev, "DELETED", true);
        break;
      case "DELETED":
        if (wasMatching) this.send(ev, "DELETED", false);
        break;
    }
    if (this.sink.backlog() > MAX_BACKLOG) this.close();
  }

  private send(ev: StoreEvent, type: string, usePrev: boolean): void {
    const table = this.params.format.kind === "table";
    const headers = table && !this.headersSent;
    const variant = `${type}${usePrev ? "|prev" : ""}${headers ? "|h" : ""}`;
    // The key is built once per variant, not per event: a fresh string per watcher per event would be
    // allocated and hashed 100 times over on the delivery path of one write with 100 watchers.
    let key = this.encodingKeys.get(variant);
    if (key === undefined) this.encodingKeys.set(variant, (key = `${this.formatKey}|${variant}`));
    let line = ev.encoded.get(key);
    if (line === undefined) {
      const obj = usePrev ? withResourceVersion(ev.prev!, ev.rv) : ev.object;
      line = this.encode(type, obj, usePrev ? undefined : ev.entry, !headers);
      ev.encoded.set(key, line);
    }
    this.headersSent = true;
    this.sink.write(line);
  }

  private sendEntry(e: StoredEntry): void {
    const table = this.params.format.kind === "table";
    const line = this.encode("ADDED", e.object, e, !(table && !this.headersSent));
    this.headersSent = true;
    this.sink.write(line);
  }

  /** One event line; `entry` lets JSON reuse the stored object's cached encoding. */
  encode(type: string, stored: KubeObject, entry: StoredEntry | undefined, noHeaders: boolean): string {
    const p = this.params;
    const f = p.format;
    if (f.kind === "json") {
      const viewed = this.core.fromStorage(p.type, p.version, stored);
      const json = entry && viewed === entry.object ? entry.encode() : JSON.stringify(viewed);
      return `{"type":"${type}","object":${json}}\n`;
    }
    const viewed = this.core.fromStorage(p.type, p.version, stored);
    if (f.kind === "metadata") {
      return `{"type":"${type}","object":${JSON.stringify({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: viewed.metadata })}}\n`;
    }
    const table = buildTable(this.printer ?? p.type.printer ?? defaultPrinter, [viewed], {
      include: f.include,
      resourceVersion: viewed.metadata?.resourceVersion,
      noHeaders,
    });
    return `{"type":"${type}","object":${JSON.stringify(table)}}\n`;
  }

  sendBookmark(initialEventsEnd = false): void {
    if (this.closed) return;
    const p = this.params;
    const metadata: Record<string, unknown> = { resourceVersion: String(this.core.store.rv) };
    if (initialEventsEnd) metadata.annotations = { "k8s.io/initial-events-end": "true" };
    const object = { kind: p.type.kind, apiVersion: groupVersion(p.type.group, p.version), metadata };
    this.sink.write(`${JSON.stringify({ type: "BOOKMARK", object })}\n`);
  }

  sendError(err: ApiError): void {
    this.sink.write(`${JSON.stringify({ type: "ERROR", object: err.toStatus() })}\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    try {
      this.sink.end();
    } catch {
      // the connection is already gone
    }
    this.onClose?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** Tracks open watches: periodic bookmarks and "drop all" for tests. */
export class WatchHub {
  private watchers = new Set<Watcher>();
  private bookmarkTimer: NodeJS.Timeout;

  constructor(bookmarkIntervalMs: number) {
    this.bookmarkTimer = setInterval(() => {
      for (const w of this.watchers) if (w.params.allowBookmarks) w.sendBookmark();
    }, bookmarkIntervalMs);
    this.bookmarkTimer.unref();
  }

  add(w: Watcher): void {
    this.watchers.add(w);
    w.onClose = () => this.watchers.delete(w);
  }

  get size(): number {
    return this.watchers.size;
  }

  /** Ends the watches on a resource that is no longer served (its CRD was deleted). */
  closeFor(group: string, plural: string): void {
    for (const w of [...this.watchers]) if (w.params.type.group === group && w.params.type.plural === plural) w.close();
  }

  /** Ends every open watch (clients see the stream close and re-watch from their last RV). */
  dropAll(): number {
    const n = this.watchers.size;
    for (const w of [...this.watchers]) w.close();
    return n;
  }

  stop(): void {
    clearInterval(this.bookmarkTimer);
    this.dropAll();
  }
}
