/**
 * meta.k8s.io/v1 Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the server-side
 * printers that make `kubectl get` look like it does against a real cluster. Built-in printers live in
 * printers.ts; CRDs use their additionalPrinterColumns (crdPrinter).
 */
import type { KubeObject, PrinterColumnDef } from "./registry.js";
import { compileJsonPath, JsonPathError } from "./jsonpath.js";
import { age, isObject } from "./util.js";

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Printer {
  columns: ColumnDefinition[];
  cells(obj: KubeObject, now: number): unknown[];
}

export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export const NAME_DESCRIPTION =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
export const AGE_DESCRIPTION =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

export function col(name: string, type = "string", opts: { priority?: number; format?: string; description?: string } = {}): ColumnDefinition {
  return { name, type, format: opts.format ?? "", description: opts.description ?? "", priority: opts.priority ?? 0 };
}

export const nameColumn = (): ColumnDefinition => col("Name", "string", { format: "name", description: NAME_DESCRIPTION });
export const ageColumn = (): ColumnDefinition => col("Age", "string", { description: AGE_DESCRIPTION });

/** The generic registry's default: Name and Created At. */
export const defaultPrinter: Printer = {
  columns: [nameColumn(), col("Created At", "date", { description: AGE_DESCRIPTION })],
  cells: (o) => [o.metadata?.name ?? "", o.metadata?.creationTimestamp ?? null],
};

export function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

export function buildTable(
  printer: Printer,
  objects: KubeObject[],
  opts: { include: IncludeObject; resourceVersion?: string; continue?: string; remainingItemCount?: number; noHeaders?: boolean },
): Record<string, unknown> {
  const now = Date.now();
  const rows: TableRow[] = objects.map((o) => {
    const row: TableRow = { cells: printer.cells(o, now) };
    const ro = rowObject(o, opts.include);
    if (ro !== undefined) row.object = ro;
    return row;
  });
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata,
    columnDefinitions: opts.noHeaders ? null : printer.columns,
    rows,
  };
}

/** A printer for a CRD version's additionalPrinterColumns (Name + Age when none are defined). */
export function crdPrinter(columns: PrinterColumnDef[]): Printer {
  if (columns.length === 0) {
    return {
      columns: [nameColumn(), ageColumn()],
      cells: (o, now) => [o.metadata?.name ?? "", age(o.metadata?.creationTimestamp, now)],
    };
  }
  const compiled = columns.map((c) => {
    let fn: (o: unknown) => unknown[];
    try {
      fn = compileJsonPath(c.jsonPath);
    } catch (e) {
      if (!(e instanceof JsonPathError)) throw e;
      fn = () => [];
    }
    return { def: c, fn };
  });
  const defs: ColumnDefinition[] = [
    nameColumn(),
    ...columns.map((c) =>
      col(c.name, c.type === "integer" ? "integer" : c.type === "number" ? "number" : "string", {
        format: c.format,
        priority: c.priority,
        description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      }),
    ),
  ];
  return {
    columns: defs,
    cells: (o, now) => [
      o.metadata?.name ?? "",
      ...compiled.map(({ def, fn }) => {
        const results = fn(o);
        if (results.length === 0) return null;
        return cellForValue(def.type, results[0], now);
      }),
    ],
  };
}

function cellForValue(type: string, v: unknown, now: number): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case "string":
      if (typeof v === "string") return v;
      if (isObject(v) || Array.isArray(v)) return JSON.stringify(v);
      return String(v);
    case "integer":
      return typeof v === "number" ? Math.trunc(v) : null;
    case "number":
      return typeof v === "number" ? v : null;
    case "boolean":
      return typeof v === "boolean" ? v : null;
    case "date":
      if (typeof v !== "string") return null;
      if (Number.isNaN(Date.parse(v))) return "<invalid>";
      return age(v, now);
  }
  return null;
}
