/**
 * CRD schema processing for the embedded API server: validation of CustomResourceDefinitions, per-version
 * compiled schemas (pruning, defaulting, OpenAPI + CEL validation, the SSA schema tree), and the OpenAPI
 * v2/v3 documents kubectl reads.
 */
export {
  type Cause,
  ROOT_FIELD,
  formatCause,
  invalidMessage,
  fieldError,
  required,
  invalid,
  typeInvalid,
  forbidden,
  duplicate,
  notSupported,
  tooLong,
  tooMany,
} from "./causes.js";
export {
  validateCustomResourceDefinition,
  defaultCustomResourceDefinition,
  validateSchema,
  isDNS1035Label,
  isDNS1123Subdomain,
} from "./crd-validation.js";
export { compileVersionSchema, type CompiledSchema, type UnenforcedRule, type EnforcedRule } from "./compile.js";
export { toSchemaNode, objectMetaNode } from "./schema-node.js";
export { OBJECT_META_FIELDS } from "./prune.js";
export { compileCel, evaluateCel, CelSyntaxError, CelEvalError, re2ToJs } from "./cel.js";
export type { JSONSchemaProps, ValidationRule } from "./schema-types.js";
export {
  type OpenAPIResource,
  buildOpenAPIV2,
  buildOpenAPIV3Index,
  buildOpenAPIV3GroupVersion,
  groupVersionPath,
  unknownFieldWarning,
} from "./openapi.js";
