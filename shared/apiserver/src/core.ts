/**
 * The server's state and the services the verb handlers share: registry, store, merge and schema modules,
 * conversions between the requested version and storage, per-version schemas, IP allocation.
 */
import type { SchemaNode } from "@flotilla/merge/schema";
import type { MergeImpl } from "./merge.js";
import type { CompiledSchema, CrdImpl } from "./schemas.js";
import { type CrdVersion, type HookContext, type KubeObject, type Registry, type ResourceType, groupVersion } from "./registry.js";
import type { Store } from "./store.js";
import { builtinOpenAPISchema, dropEmptyCollections, pruneUnknownFields } from "./protobuf/schemas.js";

export class Core {
  private schemaNodes = new Map<string, SchemaNode>();
  private compiled = new WeakMap<CrdVersion, CompiledSchema>();
  private usedIPs = new Set<string>();
  private nextIP = 10;
  private usedPorts = new Set<number>();
  readonly hookCtx: HookContext;

  constructor(
    readonly registry: Registry,
    readonly store: Store,
    readonly merge: MergeImpl,
    readonly crd: CrdImpl,
  ) {
    registry.onChange(({ resource }) => {
      for (const k of [...this.schemaNodes.keys()]) if (k.startsWith(`${resource.group}/${resource.plural}/`)) this.schemaNodes.delete(k);
    });
    this.hookCtx = {
      allocateClusterIP: () => this.allocateClusterIP(),
      allocateNodePort: () => this.allocateNodePort(),
      now: () => new Date(),
    };
  }

  /** The object as the client sees it at `version`. Stored objects are not modified. */
  fromStorage(type: ResourceType, version: string, obj: KubeObject): KubeObject {
    if (type.view) return type.view.fromStorage(obj);
    const apiVersion = groupVersion(type.group, version);
    if (obj.apiVersion === apiVersion) return obj;
    const { apiVersion: _a, kind, ...rest } = obj;
    return { apiVersion, kind, ...rest } as KubeObject;
  }

  /** The object in storage form (may return the same object, re-labelled in place). */
  toStorage(type: ResourceType, obj: KubeObject): KubeObject {
    if (type.view) return type.view.toStorage(obj);
    obj.apiVersion = groupVersion(type.group, type.storageVersion);
    obj.kind = type.kind;
    return obj;
  }

  /** The compiled schema of a CRD version (undefined for built-ins and schemaless versions). */
  compiledSchema(type: ResourceType, version: string): CompiledSchema | undefined {
    const v = type.crd?.versions.get(version);
    if (!v || !v.openAPIV3Schema) return undefined;
    let c = this.compiled.get(v);
    if (!c) {
      c = this.crd.compileVersionSchema(v.openAPIV3Schema);
      this.compiled.set(v, c);
    }
    return c;
  }

  /**
   * What decoding a built-in into its Go struct does, in place: unknown fields go (their paths are returned, as
   * the CRD pruner reports them) and so do empty maps and empty `omitempty` slices.
   */
  pruneBuiltin(type: ResourceType, version: string, obj: KubeObject): string[] {
    const schema = builtinOpenAPISchema(type.group, version, type.kind);
    if (!schema) return [];
    const unknown = pruneUnknownFields(obj, schema);
    dropEmptyCollections(obj, schema);
    return unknown;
  }

  /** The SMP/SSA schema for a type at a version. */
  schemaNode(type: ResourceType, version: string): SchemaNode {
    const key = `${type.group}/${type.plural}/${version}`;
    let n = this.schemaNodes.get(key);
    if (!n) {
      if (type.builtin) n = this.merge.builtinSchema(groupVersion(type.group, version), type.kind) ?? { type: "untyped" };
      else n = this.compiledSchema(type, version)?.schemaNode ?? { type: "untyped" };
      this.schemaNodes.set(key, n);
    }
    return n;
  }

  /** Marks cluster IPs and node ports of stored Services as used (after a restore). */
  reserveServiceAddresses(): void {
    for (const e of this.store.list("/services")) {
      const sp = (e.object.spec ?? {}) as { clusterIP?: string; ports?: Array<{ nodePort?: number }> };
      if (sp.clusterIP) this.usedIPs.add(sp.clusterIP);
      for (const p of sp.ports ?? []) if (p.nodePort) this.usedPorts.add(p.nodePort);
    }
  }

  private allocateClusterIP(): string {
    // 10.96.0.0/12 as kubeadm uses; .1 is the kubernetes Service, .10 cluster DNS. Start above both.
    for (;;) {
      const n = ++this.nextIP;
      const ip = `10.96.${(n >> 8) & 255}.${n & 255}`;
      if ((n & 255) === 0 || (n & 255) === 255) continue;
      if (!this.usedIPs.has(ip)) {
        this.usedIPs.add(ip);
        return ip;
      }
    }
  }

  private allocateNodePort(): number {
    for (let p = 30000; p <= 32767; p++)
      if (!this.usedPorts.has(p)) {
        this.usedPorts.add(p);
        return p;
      }
    throw new Error("no node ports left");
  }
}
