/** Flux's API, one source of truth: the kinds, their TypeScript types, and the CRDs generated from them. */
export * from "./schema.js";
export * from "./kind.js";
