/**
 * The embedded Kubernetes API server: plain HTTP on 127.0.0.1, enough of kube-apiserver for the real kubectl
 * and @kubernetes/client-node.
 *
 * Modules:
 * - registry.ts     resource types (built-ins from builtins.ts, CRD-backed ones from crds.ts), change events
 * - store.ts        objects by bucket + key, ONE global resourceVersion counter, per-bucket watch history
 * - core.ts         shared services: version conversion, per-version schemas, IP/port allocation
 * - handlers/       one module per verb family (read.ts, write.ts, delete.ts) over transport-neutral Scopes;
 *                   write.ts holds the create/update pipelines every write goes through
 * - strategies.ts   per-kind defaulting/validation/immutability of the built-ins; printers.ts their Tables
 * - watch.ts        watch streams (history replay, selector transitions, encode-once per format, bookmarks)
 * - selectors.ts    label and field selectors; jsonpath.ts for CRD printer columns and selectable fields
 * - discovery.ts    /api, /apis and APIResourceLists; errors.ts typed ApiError -> Status
 * - merge.ts        @flotilla/merge (SMP, merge patch, JSON patch, SSA) behind one interface
 * - schemas.ts      ./crd/ (CRD validation, pruning/defaulting/CEL, OpenAPI documents) behind one interface
 * - client.ts       an in-process client with the same semantics as HTTP
 * - persistence.ts  optional write-behind state file; faults.ts test hooks (latency, failures, drop watches)
 *
 * Extension points:
 * - In-server controllers (controllers.ts): objects with start(ctx)/stop() that subscribe to store events via
 *   `ctx.core.store.subscribeAll` and write through `ctx.client`. Register defaults in controllers/index.ts
 *   (garbage collector, namespace cleanup, workload simulator), or pass `controllers` to startApiServer, or
 *   call `server.addController()` at run time.
 * - Per-kind behaviour: TypeHooks in strategies.ts (prepareForCreate/prepareForUpdate/validate).
 * - Tables: printers.ts, keyed by `<group>/<plural>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import YAML from "yaml";
import {
  ApiError,
  badRequest,
  fieldNotSupported,
  invalid,
  isApiError,
  methodNotAllowed,
  notAcceptable,
  tooLarge,
  unsupportedMediaType,
  internalError,
  type FieldError,
} from "./errors.js";
import { Registry, type KubeObject, type ResourceType, groupVersion } from "./registry.js";
import { Store, objectKey } from "./store.js";
import { Core } from "./core.js";
import { merge } from "./merge.js";
import { crdSupport as crd, type OpenAPIResource } from "./schemas.js";
import { builtinResourceTypes, INITIAL_NAMESPACES } from "./builtins.js";
import { Discovery, SERVER_VERSION } from "./discovery.js";
import { crdHooks, crdVersionPrinter } from "./crds.js";
import { InProcessClient } from "./client.js";
import type { Controller } from "./controllers.js";
import { defaultControllers } from "./controllers/index.js";
import { Persistence } from "./persistence.js";
import { TestHooks, type RequestInfo } from "./faults.js";
import { Watcher, WatchHub, type OutputFormat, type WatchSink } from "./watch.js";
import { buildTable, defaultPrinter, type IncludeObject, type Printer } from "./table.js";
import { createObject, patchObject, updateObject } from "./handlers/write.js";
import { buildFilter, getEntry, getObject, listObjects } from "./handlers/read.js";
import { deleteCollection, deleteObject, parseDeleteOptions } from "./handlers/delete.js";
import type { FieldValidation, Result, Scope, Verb, WriteOptions } from "./handlers/types.js";
import { hasPollutingKey } from "./util.js";
import { scalePrinter } from "./printers.js";
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_RESPONSE, openAPIV2DocumentProtobuf } from "./protobuf/openapi-v2.js";
import { decodeKubernetesProtobuf, ProtobufDecodeError } from "./protobuf/decode.js";
import { builtinOpenAPISchema } from "./protobuf/schemas.js";

export interface ApiServerOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Keep objects and the RV counter in this directory across restarts. */
  stateDir?: string;
  /** Start the workload simulator (see controllers/index.ts). */
  simulateWorkloads?: boolean;
  /** Delay before the workload simulator acts on a change (see controllers/index.ts). */
  workloadDelayMs?: number;
  /** Extra in-server controllers, started after the defaults. */
  controllers?: Controller[];
  /** Request body limit in bytes (default 3 MiB). */
  maxBodyBytes?: number;
  /** Events retained per resource for resuming watches (default 10,000). */
  watchHistorySize?: number;
  /** How long events stay resumable (default 5 minutes, like etcd's compaction interval). */
  watchHistoryMaxAgeMs?: number;
  /** How often watches that allow bookmarks get one (default 60 s). */
  bookmarkIntervalMs?: number;
  /** Write-behind delay of the state file (default 200 ms). */
  persistDebounceMs?: number;
}

export interface KubeconfigOptions {
  namespace?: string;
  context?: string;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  readonly core: Core;
  readonly store: Store;
  readonly registry: Registry;
  /** In-process client (same semantics as HTTP). */
  readonly client: InProcessClient;
  /** Test hooks: latency, injected failures. */
  readonly hooks: TestHooks;
  /** Ends every open watch stream; returns how many were open. */
  dropWatches(): number;
  /** Number of open watch streams. */
  openWatches(): number;
  writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void>;
  kubeconfig(opts?: KubeconfigOptions): string;
  addController(c: Controller): Promise<void>;
  /** Writes pending state (stateDir) without stopping. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_BODY = 3 * 1024 * 1024;
const PROTOBUF = "application/vnd.kubernetes.protobuf";
/** Media types accepted for create/update/delete bodies (YAML as kube-apiserver also takes it). */
const BODY_TYPES = ["application/json", "application/yaml", PROTOBUF];

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const registry = new Registry();
  const store = new Store({ historySize: options.watchHistorySize, historyMaxAgeMs: options.watchHistoryMaxAgeMs });
  const core = new Core(registry, store, merge, crd);
  for (const t of builtinResourceTypes()) {
    if (t.group === "apiextensions.k8s.io" && t.plural === "customresourcedefinitions") t.hooks = crdHooks(() => core);
    registry.add(t);
  }
  const client = new InProcessClient(core);
  let persistence: Persistence | undefined;
  if (options.stateDir) {
    persistence = new Persistence(options.stateDir, store, options.persistDebounceMs);
    persistence.load((bucket, o) => objectKey(bucket === "/namespaces" || !o.metadata?.namespace ? undefined : o.metadata.namespace, o.metadata!.name!));
    core.reserveServiceAddresses();
  }
  for (const ns of INITIAL_NAMESPACES) {
    if (!store.get("/namespaces", ns)) client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  }

  const controllers: Controller[] = [];
  const ctx = { core, client };
  const addController = async (c: Controller) => {
    controllers.push(c);
    await c.start(ctx);
  };
  for (const c of defaultControllers({ simulateWorkloads: options.simulateWorkloads === true, workloadDelayMs: options.workloadDelayMs })) await addController(c);
  for (const c of options.controllers ?? []) await addController(c);
  persistence?.start();

  const hooks = new TestHooks();
  const watches = new WatchHub(options.bookmarkIntervalMs ?? 60_000);
  registry.onChange(({ type, resource }) => {
    if (type === "removed") watches.closeFor(resource.group, resource.plural);
  });
  let url = "";
  const discovery = new Discovery(registry, () => url.replace(/^http:\/\//, ""));
  const http = new HttpFrontend(core, discovery, hooks, watches, options.maxBodyBytes ?? MAX_BODY);
  const server = createServer((req, res) => void http.handle(req, res));
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;

  const kubeconfig = (o: KubeconfigOptions = {}) => {
    const name = o.context ?? "flotilla";
    const context: Record<string, unknown> = { cluster: name, user: name };
    if (o.namespace) context.namespace = o.namespace;
    return YAML.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: url, "insecure-skip-tls-verify": true } }],
      users: [{ name, user: { token: "flotilla" } }],
      contexts: [{ name, context }],
      "current-context": name,
      preferences: {},
    });
  };

  let stopped = false;
  return {
    url,
    port,
    core,
    store,
    registry,
    client,
    hooks,
    dropWatches: () => watches.dropAll(),
    openWatches: () => watches.size,
    kubeconfig,
    async writeKubeconfig(path, o) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, kubeconfig(o), { mode: 0o600 });
    },
    addController,
    async flush() {
      await persistence?.flush();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      watches.stop();
      for (const c of controllers.reverse()) await c.stop?.();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await persistence?.stop();
    },
  };
}

type Route =
  | { kind: "raw"; status: number; contentType: string; body: string }
  | { kind: "openapi"; path: string[] }
  | { kind: "resource"; scope: Scope; verb: Verb; info: RequestInfo };

const NOT_FOUND = (): ApiError => new ApiError(404, "NotFound", "the server could not find the requested resource", {});

function parseAccept(accept: string | undefined): OutputFormat | "yaml" | undefined {
  if (!accept) return { kind: "json" };
  for (const part of accept.split(",")) {
    const [mt, ...params] = part.split(";").map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const x of params) {
      const i = x.indexOf("=");
      if (i > 0) p[x.slice(0, i).trim()] = x.slice(i + 1).trim();
    }
    if (mt === "application/json" || mt === "*/*" || mt === "application/*" || mt === "") {
      if (p.as === "Table" && p.g === "meta.k8s.io" && (p.v === "v1" || p.v === "v1beta1")) return { kind: "table", include: "Metadata" };
      if ((p.as === "PartialObjectMetadata" || p.as === "PartialObjectMetadataList") && p.g === "meta.k8s.io") return { kind: "metadata" };
      if (!p.as) return { kind: "json" };
    } else if (mt === "application/yaml") return "yaml";
  }
  return undefined;
}

class HttpFrontend {
  private openapiCache?: { generation: number; resources: OpenAPIResource[]; docs: Map<string, string> };

  constructor(
    private core: Core,
    private discovery: Discovery,
    private hooks: TestHooks,
    private watches: WatchHub,
    private maxBody: number,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (this.hooks.latencyMs > 0) await new Promise((r) => setTimeout(r, this.hooks.latencyMs));
      const url = new URL(req.url ?? "/", "http://localhost");
      const route = this.route(req.method ?? "GET", url);
      if (route.kind === "resource") {
        const injected = this.hooks.takeFailure(route.info);
        if (injected) throw injected;
      } else {
        const injected = this.hooks.takeFailure({ method: req.method ?? "GET", path: url.pathname });
        if (injected) throw injected;
      }
      if (route.kind === "raw") {
        res.writeHead(route.status, { "Content-Type": route.contentType, "Content-Length": Buffer.byteLength(route.body) });
        res.end(route.body);
        return;
      }
      if (route.kind === "openapi") return this.serveOpenAPI(route.path, req.headers.accept, res);
      await this.serveResource(req, res, url, route.scope, route.verb);
    } catch (e) {
      this.sendError(res, e);
    }
  }

  private route(method: string, url: URL): Route {
    const parts = url.pathname.split("/").filter((p) => p !== "");
    const json = (body: string): Route => ({ kind: "raw", status: 200, contentType: "application/json", body });
    if (parts.length === 0) {
      const paths = ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version"];
      return json(JSON.stringify({ paths }));
    }
    const head = parts[0];
    if (method === "GET" && head === "version" && parts.length === 1) return json(JSON.stringify(SERVER_VERSION));
    if (method === "GET" && (head === "healthz" || head === "livez" || head === "readyz")) return { kind: "raw", status: 200, contentType: "text/plain; charset=utf-8", body: "ok" };
    if (head === "openapi") return { kind: "openapi", path: parts.slice(1) };
    let group: string;
    let version: string;
    let rest: string[];
    if (head === "api") {
      if (parts.length === 1) return json(this.discovery.coreVersions());
      group = "";
      version = parts[1]!;
      rest = parts.slice(2);
    } else if (head === "apis") {
      if (parts.length === 1) return json(this.discovery.groupList());
      if (parts.length === 2) {
        const g = this.discovery.group(parts[1]!);
        if (!g) throw NOT_FOUND();
        return json(g);
      }
      group = parts[1]!;
      version = parts[2]!;
      rest = parts.slice(3);
    } else throw NOT_FOUND();
    if (rest.length === 0) {
      const list = this.discovery.resourceList(group, version);
      if (!list) throw NOT_FOUND();
      return json(list);
    }
    let legacyWatch = false;
    if (rest[0] === "watch") {
      legacyWatch = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3 && !(rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize"))) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    if (rest.length > 3) throw NOT_FOUND();
    const [resource, name, subresource] = rest as [string, string | undefined, string | undefined];
    const type = this.core.registry.lookup(group, version, resource);
    if (!type) throw NOT_FOUND();
    if (!type.namespaced && namespace !== undefined) throw NOT_FOUND();
    const q = url.searchParams;
    const isWatch = legacyWatch || q.get("watch") === "true" || q.get("watch") === "1";
    let verb: Verb;
    switch (method) {
      case "GET":
        verb = name ? (isWatch ? "watch" : "get") : isWatch ? "watch" : "list";
        break;
      case "POST":
        if (name) throw methodNotAllowed();
        verb = "create";
        break;
      case "PUT":
        if (!name) throw methodNotAllowed();
        verb = "update";
        break;
      case "PATCH":
        if (!name) throw methodNotAllowed();
        verb = "patch";
        break;
      case "DELETE":
        verb = name ? "delete" : "deletecollection";
        break;
      default:
        throw methodNotAllowed();
    }
    if (!subresource && !type.verbs.includes(verb) && !(verb === "watch" && type.verbs.includes("watch"))) throw methodNotAllowed();
    if (type.namespaced && namespace === undefined && verb !== "list" && verb !== "watch") throw NOT_FOUND();
    const scope: Scope = { type, version, namespace, name, subresource };
    return {
      kind: "resource",
      scope,
      verb,
      info: { method, path: url.pathname, verb, group, version, resource, subresource, namespace, name },
    };
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > this.maxBody) {
      req.resume();
      throw tooLarge(this.maxBody);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > this.maxBody) {
        req.resume();
        throw tooLarge(this.maxBody);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  private parseBody(body: Buffer, mediaType: string, accepted: string[]): unknown {
    if (mediaType === PROTOBUF && accepted.includes(PROTOBUF)) {
      try {
        return decodeKubernetesProtobuf(body);
      } catch (e) {
        if (e instanceof ProtobufDecodeError) throw badRequest(`failed to decode protobuf body: ${e.message}`);
        throw e;
      }
    }
    const raw = body.toString("utf8");
    let v: unknown;
    const yamlBody = mediaType === "application/apply-patch+yaml" || mediaType === "application/yaml";
    if (yamlBody && /^\s*\{/.test(raw.slice(0, 64))) {
      // JSON is YAML, and most clients send JSON: parse it as such (much faster), YAML if that fails.
      try {
        v = JSON.parse(raw);
      } catch {
        v = undefined;
      }
    }
    if (v !== undefined) {
      // parsed as JSON above
    } else if (yamlBody) {
      try {
        const docs = YAML.parseAllDocuments(raw, { uniqueKeys: true });
        if (Array.isArray(docs) && docs.length > 1) throw new Error("expected a single YAML document");
        const doc = Array.isArray(docs) ? docs[0] : docs;
        if (!doc) throw new Error("empty document");
        if (doc.errors.length) throw doc.errors[0];
        v = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        throw badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
      }
    } else if (accepted.includes(mediaType)) {
      try {
        v = JSON.parse(raw);
      } catch (e) {
        throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
      }
    } else throw unsupportedMediaType(accepted);
    if (raw.includes("__proto__") && hasPollutingKey(v)) throw badRequest("the request body contains a forbidden key: __proto__");
    return v;
  }

  private writeOptions(req: IncomingMessage, q: URLSearchParams, optionsKind: string): WriteOptions {
    const errs: FieldError[] = [];
    const dry = q.getAll("dryRun");
    for (const d of dry) if (d !== "All") errs.push(fieldNotSupported("dryRun", d, ["All"]));
    const fv = q.get("fieldValidation") ?? "";
    if (!["", "Ignore", "Warn", "Strict"].includes(fv)) errs.push(fieldNotSupported("fieldValidation", fv, ["Ignore", "Warn", "Strict"]));
    if (errs.length) throw invalid({ group: "meta.k8s.io", kind: optionsKind }, "", errs);
    const force = q.get("force");
    return {
      dryRun: dry.includes("All"),
      fieldManager: q.get("fieldManager") ?? undefined,
      fieldValidation: (fv || "Warn") as FieldValidation,
      userAgent: req.headers["user-agent"],
      force: force === null ? undefined : force === "true",
    };
  }

  private async serveResource(req: IncomingMessage, res: ServerResponse, url: URL, scope: Scope, verb: Verb): Promise<void> {
    const q = url.searchParams;
    const format = parseAccept(req.headers.accept);
    if (format === undefined) throw notAcceptable(`only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io`);
    const include = (q.get("includeObject") as IncludeObject | null) ?? "Metadata";
    const fmt: OutputFormat | "yaml" = format !== "yaml" && format.kind === "table" ? { kind: "table", include } : format;
    const mediaType = (req.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase();
    const { type, version } = scope;

    switch (verb) {
      case "get": {
        if (!scope.subresource && fmt !== "yaml" && fmt.kind === "json") {
          const entry = getEntry(this.core, scope);
          const obj = this.core.fromStorage(type, version, entry.object);
          return this.sendJson(res, 200, obj === entry.object ? entry.encode() : JSON.stringify(obj), []);
        }
        return this.sendObject(res, 200, getObject(this.core, scope), [], fmt, scope);
      }
      case "list":
        return this.sendList(res, scope, q, fmt);
      case "watch":
        return this.serveWatch(res, scope, q, fmt);
      case "create": {
        const body = this.parseBody(await this.readBody(req), mediaType, BODY_TYPES);
        const r = createObject(this.core, scope, body, this.writeOptions(req, q, "CreateOptions"));
        return this.sendResult(res, r, fmt, scope);
      }
      case "update": {
        const body = this.parseBody(await this.readBody(req), mediaType, BODY_TYPES);
        const r = updateObject(this.core, scope, body, this.writeOptions(req, q, "UpdateOptions"));
        return this.sendResult(res, r, fmt, scope);
      }
      case "patch": {
        const raw = await this.readBody(req);
        const accepted = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];
        if (!accepted.includes(mediaType)) {
          const forType = type.builtin ? accepted : accepted.filter((a) => a !== "application/strategic-merge-patch+json");
          throw unsupportedMediaType(forType);
        }
        const body = this.parseBody(raw, mediaType, accepted);
        const r = patchObject(this.core, scope, mediaType, body, this.writeOptions(req, q, "PatchOptions"));
        return this.sendResult(res, r, fmt, scope);
      }
      case "delete": {
        const raw = await this.readBody(req);
        const body = raw.length ? this.parseBody(raw, mediaType, BODY_TYPES) : undefined;
        const r = deleteObject(this.core, scope, parseDeleteOptions(q, body));
        return this.sendResult(res, r, fmt, scope);
      }
      case "deletecollection": {
        const raw = await this.readBody(req);
        const body = raw.length ? this.parseBody(raw, mediaType, BODY_TYPES) : undefined;
        const r = deleteCollection(this.core, scope, q, parseDeleteOptions(q, body));
        return this.sendResult(res, r, { kind: "json" }, scope);
      }
    }
  }

  private printer(type: ResourceType, version: string): Printer {
    return crdVersionPrinter(type, version) ?? type.printer ?? defaultPrinter;
  }

  private sendResult(res: ServerResponse, r: Result, fmt: OutputFormat | "yaml", scope: Scope): void {
    if (r.entry && r.object === r.entry.object && fmt !== "yaml" && fmt.kind === "json") return this.sendJson(res, r.status, r.entry.encode(false), r.warnings);
    if ((r.object as { kind?: string }).kind === "Status" || (r.object as { kind?: string }).kind === "Scale") return this.sendObject(res, r.status, r.object as KubeObject, r.warnings, { kind: "json" }, scope);
    this.sendObject(res, r.status, r.object as KubeObject, r.warnings, fmt, scope);
  }

  private sendObject(res: ServerResponse, status: number, obj: KubeObject, warnings: string[], fmt: OutputFormat | "yaml", scope: Scope): void {
    if (fmt === "yaml") return this.send(res, status, "application/yaml", YAML.stringify(obj), warnings);
    if (fmt.kind === "table" && obj.kind === "Scale" && scope.type.builtin) {
      const t = buildTable(scalePrinter, [obj], { include: fmt.include, resourceVersion: obj.metadata?.resourceVersion });
      return this.sendJson(res, status, JSON.stringify(t), warnings);
    }
    if (fmt.kind === "table" && obj.kind !== "Scale" && obj.kind !== "Status") {
      const t = buildTable(this.printer(scope.type, scope.version), [obj], { include: fmt.include, resourceVersion: obj.metadata?.resourceVersion });
      return this.sendJson(res, status, JSON.stringify(t), warnings);
    }
    if (fmt.kind === "metadata" && obj.kind !== "Status") {
      return this.sendJson(res, status, JSON.stringify({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata }), warnings);
    }
    this.sendJson(res, status, JSON.stringify(obj), warnings);
  }

  private sendList(res: ServerResponse, scope: Scope, q: URLSearchParams, fmt: OutputFormat | "yaml"): void {
    const { type, version } = scope;
    const r = listObjects(this.core, scope, q);
    const meta: Record<string, unknown> = { resourceVersion: r.resourceVersion };
    if (r.continue) meta.continue = r.continue;
    if (r.remainingItemCount !== undefined) meta.remainingItemCount = r.remainingItemCount;
    const view = (o: KubeObject) => this.core.fromStorage(type, version, o);
    if (fmt === "yaml" || fmt.kind !== "json") {
      const items = r.entries.map((e) => view(e.object));
      if (fmt === "yaml") return this.send(res, 200, "application/yaml", YAML.stringify({ apiVersion: groupVersion(type.group, version), kind: type.listKind, metadata: meta, items }), []);
      if (fmt.kind === "table") {
        const t = buildTable(this.printer(type, version), items, { include: fmt.include, resourceVersion: r.resourceVersion, continue: r.continue, remainingItemCount: r.remainingItemCount });
        return this.sendJson(res, 200, JSON.stringify(t), []);
      }
      const list = { kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata: meta, items: items.map((o) => ({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata })) };
      return this.sendJson(res, 200, JSON.stringify(list), []);
    }
    const apiVersion = groupVersion(type.group, version);
    const parts: string[] = [];
    // Built-in list items carry no apiVersion/kind (as kube-apiserver encodes them); CR items do.
    const prefix = `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(type.kind)},`;
    for (const e of r.entries) {
      const obj = view(e.object);
      const json = obj === e.object ? e.encode() : JSON.stringify(obj);
      if (!type.builtin) parts.push(json);
      else if (json.startsWith(prefix)) parts.push(`{${json.slice(prefix.length)}`);
      else {
        const { apiVersion: _a, kind: _k, ...rest } = obj;
        parts.push(JSON.stringify(rest));
      }
    }
    const body = `{"kind":${JSON.stringify(type.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(meta)},"items":[${parts.join(",")}]}`;
    this.sendJson(res, 200, body, []);
  }

  private serveWatch(res: ServerResponse, scope: Scope, q: URLSearchParams, fmt: OutputFormat | "yaml"): void {
    const { type, version } = scope;
    if (fmt === "yaml") throw notAcceptable("watch supports only JSON and Table output");
    if (scope.name) {
      // GET .../<name>?watch=true watches one object
      const fs = q.get("fieldSelector");
      q.set("fieldSelector", fs ? `${fs},metadata.name=${scope.name}` : `metadata.name=${scope.name}`);
    }
    const filter = buildFilter(type, version, scope.namespace, q);
    const timeout = q.get("timeoutSeconds");
    const sendInitial = q.get("sendInitialEvents");
    let headersWritten = false;
    const writeHeaders = () => {
      if (headersWritten) return;
      headersWritten = true;
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
      res.socket?.setNoDelay(true);
      res.flushHeaders();
    };
    // Events go straight to the socket as ready-made HTTP/1.1 chunks: ServerResponse.write would frame each
    // one again per watcher and flush it only after the write handler's other queued work.
    const socket = res.socket;
    const sink: WatchSink = {
      write: (chunk) => {
        writeHeaders();
        if (socket && !socket.destroyed) socket.write(httpChunk(chunk));
      },
      end: () => {
        writeHeaders();
        res.end();
      },
      backlog: () => (socket ? socket.writableLength : res.writableLength),
    };
    const watcher = new Watcher(
      this.core,
      {
        type,
        version,
        filter,
        format: fmt.kind === "table" ? { kind: "table", include: fmt.include } : fmt,
        resourceVersion: q.get("resourceVersion") ?? undefined,
        resourceVersionMatch: q.get("resourceVersionMatch") ?? undefined,
        sendInitialEvents: sendInitial === null ? undefined : sendInitial === "true",
        allowBookmarks: q.get("allowWatchBookmarks") === "true",
        timeoutSeconds: timeout ? Number(timeout) : undefined,
      },
      sink,
    );
    watcher.printer = this.printer(type, version);
    watcher.start();
    if (watcher.isClosed) return;
    writeHeaders();
    this.watches.add(watcher);
    res.on("close", () => watcher.close());
    res.on("error", () => watcher.close());
  }

  private openapiResources(): OpenAPIResource[] {
    const reg = this.core.registry;
    if (this.openapiCache && this.openapiCache.generation === reg.generation) return this.openapiCache.resources;
    const resources: OpenAPIResource[] = [];
    for (const t of reg.all()) {
      for (const v of t.versions) {
        const cv = t.crd?.versions.get(v);
        const subresources: string[] = [];
        if (cv ? cv.status : t.status) subresources.push("status");
        if (cv ? cv.scale : t.scale) subresources.push("scale");
        resources.push({
          group: t.group,
          version: v,
          kind: t.kind,
          plural: t.plural,
          namespaced: t.namespaced,
          verbs: t.verbs,
          openAPIV3Schema: cv ? cv.openAPIV3Schema : builtinOpenAPISchema(t.group, v, t.kind),
          builtin: t.builtin,
          subresources,
        });
      }
    }
    this.openapiCache = { generation: reg.generation, resources, docs: new Map() };
    return resources;
  }

  private serveOpenAPI(path: string[], accept: string | undefined, res: ServerResponse): void {
    const first = accept?.split(",")[0]?.split(";")[0]?.trim();
    if (path.join("/") === "v2" && (first === OPENAPI_V2_PROTOBUF || first === OPENAPI_V2_PROTOBUF_RESPONSE)) {
      const body = openAPIV2DocumentProtobuf("Kubernetes", SERVER_VERSION.gitVersion);
      res.writeHead(200, { "Content-Type": OPENAPI_V2_PROTOBUF_RESPONSE, "Content-Length": body.length, "Cache-Control": "no-cache, private" });
      res.end(body);
      return;
    }
    const resources = this.openapiResources();
    const docs = this.openapiCache!.docs;
    const key = path.join("/");
    let body = docs.get(key);
    if (body === undefined) {
      const crd = this.core.crd;
      if (key === "v2") body = JSON.stringify(crd.buildOpenAPIV2(resources));
      else if (key === "v3") body = JSON.stringify(crd.buildOpenAPIV3Index(resources));
      else if (path[0] === "v3" && path[1] === "api" && path.length === 3) {
        const rs = resources.filter((r) => r.group === "" && r.version === path[2]);
        if (!rs.length) throw NOT_FOUND();
        body = JSON.stringify(crd.buildOpenAPIV3GroupVersion("", path[2]!, rs));
      } else if (path[0] === "v3" && path[1] === "apis" && path.length === 4) {
        const rs = resources.filter((r) => r.group === path[2] && r.version === path[3]);
        if (!rs.length) throw NOT_FOUND();
        body = JSON.stringify(crd.buildOpenAPIV3GroupVersion(path[2]!, path[3]!, rs));
      } else throw NOT_FOUND();
      docs.set(key, body);
    }
    this.sendJson(res, 200, body, []);
  }

  private sendJson(res: ServerResponse, status: number, body: string, warnings: string[]): void {
    this.send(res, status, "application/json", body, warnings);
  }

  private send(res: ServerResponse, status: number, contentType: string, body: string, warnings: string[]): void {
    const headers: Record<string, string | string[] | number> = {
      "Content-Type": contentType,
      "Content-Length": Buffer.byteLength(body),
      "Cache-Control": "no-cache, private",
    };
    if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(status, headers);
    res.end(body);
  }

  private sendError(res: ServerResponse, e: unknown): void {
    let err: ApiError;
    if (isApiError(e)) err = e;
    else {
      console.error("apiserver: internal error:", e);
      err = internalError(e instanceof Error ? e.message : String(e));
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const body = JSON.stringify(err.toStatus());
    res.writeHead(err.code, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
      "Cache-Control": "no-cache, private",
      ...(err.headers ?? {}),
    });
    res.end(body);
  }
}


/**
 * One HTTP/1.1 chunk of a watch event line. Every watcher of an event writes the same encoded line in one
 * synchronous loop, so a one-entry cache frames it once for all of them.
 */
let lastChunkLine: string | undefined;
let lastChunk: Buffer = Buffer.alloc(0);
function httpChunk(line: string): Buffer {
  if (line !== lastChunkLine) {
    const body = Buffer.from(line, "utf8");
    lastChunk = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`, "latin1"), body, Buffer.from("\r\n", "latin1")]);
    lastChunkLine = line;
  }
  return lastChunk;
}
