/** ObjectMeta rules shared by every type (k8s.io/apimachinery/pkg/api/validation/objectmeta.go). */
import {
  type FieldError,
  fieldForbidden,
  fieldImmutable,
  fieldInvalid,
  fieldRequired,
  forbidden,
  notFound,
  FieldError as FE,
} from "../errors.js";
import type { KubeObject, ObjectMeta, ResourceType } from "../registry.js";
import type { Store } from "../store.js";
import { validLabelKey, validLabelValue } from "../selectors.js";
import { deepEqual, isObject } from "../util.js";

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** Messages for an invalid name under a type's rule (empty when valid). */
export function nameErrors(rule: ResourceType["nameRule"], name: string, prefix = false): string[] {
  const errs: string[] = [];
  // generateName prefixes are checked with a trailing '-' trimmed, as upstream's maskTrailingDash does
  const n = prefix && name.length > 1 && name.endsWith("-") ? `${name.slice(0, -1)}a` : name;
  if (n === "." || n === "..") errs.push(`may not be '${n}'`);
  if (n.includes("/")) errs.push("may not contain '/'");
  if (n.includes("%")) errs.push("may not contain '%'");
  if (rule === "path") return errs;
  if (rule === "label") {
    if (n.length > 63) errs.push("must be no more than 63 characters");
    if (!DNS1123_LABEL.test(n)) errs.push(LABEL_MSG);
  } else if (rule === "dns1035") {
    if (n.length > 63) errs.push("must be no more than 63 characters");
    if (!DNS1035_LABEL.test(n)) errs.push(DNS1035_MSG);
  } else {
    if (n.length > 253) errs.push("must be no more than 253 characters");
    if (!DNS1123_SUBDOMAIN.test(n)) errs.push(SUBDOMAIN_MSG);
  }
  return errs.filter((e, i) => errs.indexOf(e) === i);
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateObjectMeta(type: ResourceType, meta: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta.name) {
    if (!meta.generateName) errs.push(fieldRequired("metadata.name", "name or generateName is required"));
  } else {
    for (const m of nameErrors(type.nameRule, meta.name)) errs.push(fieldInvalid("metadata.name", meta.name, m));
  }
  if (meta.generateName) for (const m of nameErrors(type.nameRule, meta.generateName, true)) errs.push(fieldInvalid("metadata.generateName", meta.generateName, m));
  if (type.namespaced && !meta.namespace) errs.push(fieldRequired("metadata.namespace"));
  if (meta.labels !== undefined) {
    if (!isObject(meta.labels)) errs.push(fieldInvalid("metadata.labels", meta.labels, "must be a map of strings"));
    else
      for (const [k, v] of Object.entries(meta.labels)) {
        const ke = validLabelKey(k);
        if (ke) errs.push(fieldInvalid("metadata.labels", k, ke));
        if (typeof v !== "string") errs.push(fieldInvalid(`metadata.labels`, v, "must be a string"));
        else {
          const ve = validLabelValue(v);
          if (ve) errs.push(fieldInvalid("metadata.labels", v, ve));
        }
      }
  }
  if (meta.annotations !== undefined) {
    if (!isObject(meta.annotations)) errs.push(fieldInvalid("metadata.annotations", meta.annotations, "must be a map of strings"));
    else {
      let size = 0;
      for (const [k, v] of Object.entries(meta.annotations)) {
        const ke = validLabelKey(k.toLowerCase());
        if (ke) errs.push(fieldInvalid("metadata.annotations", k, ke));
        if (typeof v !== "string") errs.push(fieldInvalid("metadata.annotations", v, "must be a string"));
        size += k.length + String(v).length;
      }
      if (size > TOTAL_ANNOTATION_SIZE_LIMIT)
        errs.push(new FE("FieldValueTooLong", "metadata.annotations", `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`));
    }
  }
  if (meta.finalizers !== undefined) {
    if (!Array.isArray(meta.finalizers)) errs.push(fieldInvalid("metadata.finalizers", meta.finalizers, "must be a list of strings"));
    else
      meta.finalizers.forEach((f, i) => {
        if (typeof f !== "string" || validLabelKey(f)) errs.push(fieldInvalid(`metadata.finalizers[${i}]`, f, validLabelKey(String(f)) ?? "must be a string"));
      });
  }
  if (meta.ownerReferences !== undefined) {
    if (!Array.isArray(meta.ownerReferences)) errs.push(fieldInvalid("metadata.ownerReferences", meta.ownerReferences, "must be a list"));
    else {
      let controllers = 0;
      meta.ownerReferences.forEach((r) => {
        if (!r.apiVersion) errs.push(fieldInvalid("metadata.ownerReferences.apiVersion", r.apiVersion ?? "", "version must not be empty"));
        if (!r.kind) errs.push(fieldInvalid("metadata.ownerReferences.kind", r.kind ?? "", "kind must not be empty"));
        if (!r.name) errs.push(fieldInvalid("metadata.ownerReferences.name", r.name ?? "", "name must not be empty"));
        if (!r.uid) errs.push(fieldInvalid("metadata.ownerReferences.uid", r.uid ?? "", "uid must not be empty"));
        if (r.controller === true) controllers++;
      });
      if (controllers > 1) errs.push(fieldInvalid("metadata.ownerReferences", meta.ownerReferences, "Only one reference can have Controller set to true."));
    }
  }
  return errs;
}

/** Rules for metadata changes on update (immutable identity, finalizers once deletion started). */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.uid !== old.uid) errs.push(fieldImmutable("metadata.uid", meta.uid ?? ""));
  if (meta.name !== old.name) errs.push(fieldImmutable("metadata.name", meta.name ?? ""));
  if ((meta.namespace ?? "") !== (old.namespace ?? "")) errs.push(fieldImmutable("metadata.namespace", meta.namespace ?? ""));
  if (meta.creationTimestamp !== old.creationTimestamp) errs.push(fieldImmutable("metadata.creationTimestamp", meta.creationTimestamp ?? ""));
  if (old.deletionTimestamp) {
    const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
    if (added.length > 0)
      errs.push(fieldForbidden("metadata.finalizers", `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`));
  }
  return errs;
}

/** Checks the namespace a new object goes to exists and is not terminating (NamespaceLifecycle admission). */
export function checkNamespaceForCreate(store: Store, type: ResourceType, namespace: string | undefined, name: string): void {
  if (!type.namespaced || !namespace) return;
  const ns = store.get("/namespaces", namespace);
  if (!ns) throw notFound({ group: "", resource: "namespaces" }, namespace);
  if (ns.object.metadata?.deletionTimestamp)
    throw forbidden(
      { group: type.group, resource: type.plural },
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
}

/** Does `a` differ from `b` anywhere in the given top-level fields? */
export function fieldsChanged(a: KubeObject, b: KubeObject, fields: string[]): boolean {
  return fields.some((f) => !deepEqual(a[f], b[f]));
}

/** Does `a` differ from `b` outside metadata (and status, when excluded)? */
export function contentChanged(a: KubeObject, b: KubeObject, exclude: string[]): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === "metadata" || k === "apiVersion" || k === "kind" || exclude.includes(k)) continue;
    if (!deepEqual(a[k], b[k])) return true;
  }
  return false;
}

/** Equality of two objects for no-op detection: managedFields compared without timestamps, RV ignored. */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === "metadata") continue;
    if (!deepEqual(a[k], b[k])) return false;
  }
  const am = a.metadata ?? {};
  const bm = b.metadata ?? {};
  const mk = new Set([...Object.keys(am), ...Object.keys(bm)]);
  for (const k of mk) {
    if (k === "resourceVersion") continue;
    if (k === "managedFields") {
      const strip = (m: unknown) => (Array.isArray(m) ? m.map((e) => ({ ...e, time: undefined })) : m);
      if (!deepEqual(strip(am.managedFields), strip(bm.managedFields))) return false;
      continue;
    }
    if (!deepEqual(am[k], bm[k])) return false;
  }
  return true;
}
