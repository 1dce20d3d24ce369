/** The definition of one API kind: everything needed to generate its CRD and to serve it. */
import type { TSchema } from "@sinclair/typebox";
import type { PrinterColumn } from "./schema.js";

export interface KindVersion {
  /** e.g. "v1", "v1beta2". */
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  /** The root object schema: apiVersion, kind, metadata, spec, status. */
  schema: TSchema;
  printerColumns: PrinterColumn[];
  /** Flux kinds all have a status subresource, except notification's static Alert/Provider v1beta3. */
  statusSubresource: boolean;
}

export interface KindDefinition {
  group: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  scope: "Namespaced" | "Cluster";
  versions: KindVersion[];
}

/**
 * A namespaced kind as Flux declares each of its kinds: the list kind is `<Kind>List` and the singular the lower-cased
 * kind.
 */
export function namespacedKind(o: {
  group: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories: string[];
  versions: KindVersion[];
}): KindDefinition {
  return {
    group: o.group,
    kind: o.kind,
    listKind: `${o.kind}List`,
    plural: o.plural,
    singular: o.kind.toLowerCase(),
    shortNames: o.shortNames ?? [],
    categories: o.categories,
    scope: "Namespaced",
    versions: o.versions,
  };
}

/** The served storage version. */
export function storageVersion(
  name: string,
  schema: TSchema,
  printerColumns: PrinterColumn[],
  statusSubresource = true,
): KindVersion {
  return { name, served: true, storage: true, schema, printerColumns, statusSubresource };
}

/** A version still served, not stored, and flagged deprecated with `deprecationWarning`. */
export function deprecatedVersion(name: string, deprecationWarning: string, schema: TSchema, printerColumns: PrinterColumn[]): KindVersion {
  return { name, served: true, storage: false, deprecated: true, deprecationWarning, schema, printerColumns, statusSubresource: true };
}
