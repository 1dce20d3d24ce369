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
