/**
 * The bridge to ./crd/ (CRD validation and defaulting, per-version schema processing, OpenAPI documents),
 * owned by another module: the server uses it only through this interface.
 */
import {
  buildOpenAPIV2,
  buildOpenAPIV3GroupVersion,
  buildOpenAPIV3Index,
  compileVersionSchema,
  defaultCustomResourceDefinition,
  validateCustomResourceDefinition,
  type CompiledSchema,
  type OpenAPIResource,
} from "./crd/index.js";
import type { StatusCause } from "./errors.js";

export type { CompiledSchema, OpenAPIResource };

export interface CrdImpl {
  validateCustomResourceDefinition(crd: object, old?: object): StatusCause[];
  defaultCustomResourceDefinition(crd: object): object;
  compileVersionSchema(openAPIV3Schema: object): CompiledSchema;
  buildOpenAPIV2(resources: OpenAPIResource[]): object;
  buildOpenAPIV3Index(resources: OpenAPIResource[]): object;
  buildOpenAPIV3GroupVersion(group: string, version: string, resources: OpenAPIResource[]): object;
}

export const crdSupport: CrdImpl = {
  validateCustomResourceDefinition,
  defaultCustomResourceDefinition,
  compileVersionSchema,
  buildOpenAPIV2,
  buildOpenAPIV3Index,
  buildOpenAPIV3GroupVersion,
};
