/**
 * A typed in-process client with the same semantics as the HTTP API (it calls the same handlers), for
 * in-server controllers, tests and benchmarks. Errors are ApiErrors. Objects passed in are copied.
 */
import type { Core } from "./core.js";
import { ApiError, notFound } from "./errors.js";
import type { KubeObject, ResourceType } from "./registry.js";
import { createObject, patchObject, updateObject } from "./handlers/write.js";
import { getObject, listObjects } from "./handlers/read.js";
import { type DeleteOptions, deleteObject } from "./handlers/delete.js";
import { PATCH_TYPES, type FieldValidation, type Scope, type WriteOptions } from "./handlers/types.js";
import { deepClone } from "./util.js";

export interface WriteCallOptions {
  fieldManager?: string;
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  subresource?: string;
  force?: boolean;
}

export type PatchType = keyof typeof PATCH_TYPES;

export class InProcessClient {
  constructor(private core: Core) {}

  /** The served type for apiVersion + kind (or plural resource name). */
  resolve(apiVersion: string, kindOrResource: string): { type: ResourceType; version: string } {
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const t =
      this.core.registry.byKind(group, kindOrResource) ?? this.core.registry.byResource(group, kindOrResource);
    if (!t || !t.versions.includes(version))
      throw new ApiError(404, "NotFound", `the server could not find the requested resource (${apiVersion}, ${kindOrResource})`);
    return { type: t, version };
  }

  private scope(apiVersion: string, kind: string, namespace?: string, name?: string, subresource?: string): Scope {
    const { type, version } = this.resolve(apiVersion, kind);
    return { type, version, namespace: type.namespaced ? namespace : undefined, name, subresource };
  }

  private opts(o: WriteCallOptions = {}): WriteOptions {
    return {
      dryRun: o.dryRun === true,
      fieldManager: o.fieldManager,
      fieldValidation: o.fieldValidation ?? "Strict",
      userAgent: "flotilla-in-process",
      force: o.force,
    };
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject {
    return getObject(this.core, this.scope(apiVersion, kind, namespace, name));
  }

  /** Like get, but undefined when the object does not exist. */
  tryGet(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    try {
      return this.get(apiVersion, kind, namespace, name);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): KubeObject[] {
    const s = this.scope(apiVersion, kind, opts.namespace);
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set("labelSelector", opts.labelSelector);
    if (opts.fieldSelector) q.set("fieldSelector", opts.fieldSelector);
    return listObjects(this.core, s, q).entries.map((e) => this.core.fromStorage(s.type, s.version, e.object));
  }

  create(obj: KubeObject, o?: WriteCallOptions): KubeObject {
    const s = this.scope(String(obj.apiVersion), String(obj.kind), obj.metadata?.namespace);
    return createObject(this.core, s, deepClone(obj), this.opts(o)).object as KubeObject;
  }

  update(obj: KubeObject, o?: WriteCallOptions): KubeObject {
    const s = this.scope(String(obj.apiVersion), String(obj.kind), obj.metadata?.namespace, obj.metadata?.name, o?.subresource);
    return updateObject(this.core, s, deepClone(obj), this.opts(o)).object as KubeObject;
  }

  patch(apiVersion: string, kind: string, namespace: string | undefined, name: string, type: PatchType, patch: unknown, o?: WriteCallOptions): KubeObject {
    const s = this.scope(apiVersion, kind, namespace, name, o?.subresource);
    return patchObject(this.core, s, PATCH_TYPES[type], deepClone(patch), this.opts(o)).object as KubeObject;
  }

  /** Server-side apply (fieldManager required). */
  apply(obj: KubeObject, o: WriteCallOptions & { fieldManager: string }): KubeObject {
    if (!obj.metadata?.name) throw notFound({ group: "", resource: "" }, "");
    return this.patch(String(obj.apiVersion), String(obj.kind), obj.metadata.namespace, obj.metadata.name, "apply", obj, o);
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string, o: Partial<DeleteOptions> = {}): KubeObject {
    return deleteObject(this.core, this.scope(apiVersion, kind, namespace, name), { dryRun: false, ...o }).object as KubeObject;
  }
}
