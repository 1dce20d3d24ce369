/**
 * Small additions to harness.ts for the acceptance suites: kubectl with extra environment variables (KUBE_EDITOR,
 * KUBECTL_EXTERNAL_DIFF), per-test namespaces so tests in one file can run concurrently, and manifest builders.
 */
import { execFile } from "node:child_process";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubectlResult, TestCluster } from "./harness.js";

export const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");
export const CRDS_DIR = join(REPO_ROOT, "crds");
export const SEED_MANIFESTS = join(REPO_ROOT, "test", "fixtures", "seed", "flux-manifests.yaml");

/** Runs kubectl against the cluster like `c.kubectl`, with extra environment variables. */
export function kubectlEnv(c: TestCluster, args: string[], env: Record<string, string>, opts: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
  const base = ["--kubeconfig", c.kubeconfig, "--cache-dir", join(c.dir, "kube-cache")];
  return new Promise((resolve) => {
    const child = execFile(
      "kubectl",
      [...base, ...args],
      { env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir, ...env }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    child.stdin!.end(opts.input ?? "");
  });
}

/** Writes an executable shell script into the cluster's temp dir and returns its path. */
export async function writeScript(c: TestCluster, name: string, body: string): Promise<string> {
  const p = join(c.dir, name);
  await writeFile(p, `#!/bin/sh\nset -e\n${body}\n`);
  await chmod(p, 0o755);
  return p;
}

let nsCounter = 0;
/** Creates a fresh namespace (so concurrently running tests never see each other's objects) and returns its name. */
export async function freshNamespace(c: TestCluster, prefix: string): Promise<string> {
  const name = `${prefix}-${++nsCounter}`;
  // `kubectl create namespace` would send a protobuf body; a JSON manifest keeps this helper about namespaces only.
  await c.kubectlOk(["create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name } }) });
  return name;
}

export const configMap = (name: string, data: Record<string, string>, meta: { labels?: Record<string, string>; annotations?: Record<string, string>; namespace?: string } = {}) =>
  JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...meta }, data });

export interface DeploymentSpec {
  replicas?: number;
  image?: string;
  containers?: Array<Record<string, unknown>>;
  labels?: Record<string, string>;
}

export const deployment = (name: string, s: DeploymentSpec = {}) =>
  JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name, ...s.labels } },
    spec: {
      replicas: s.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: s.containers ?? [{ name: "main", image: s.image ?? "nginx:1.25" }] },
      },
    },
  });

/** A namespaced CRD with a status subresource, a short name, a category and printer columns (the shape Flux's CRDs have). */
export function widgetCRD(group = "acceptance.flotilla.dev"): string {
  return JSON.stringify({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList", shortNames: ["wdg"], categories: ["gadgets"] },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: "Size", type: "integer", jsonPath: ".spec.size" },
            { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: { type: "object", properties: { size: { type: "integer" }, color: { type: "string" }, tags: { type: "array", items: { type: "string" } } } },
                status: {
                  type: "object",
                  properties: {
                    observedGeneration: { type: "integer" },
                    conditions: {
                      type: "array",
                      "x-kubernetes-list-type": "map",
                      "x-kubernetes-list-map-keys": ["type"],
                      items: {
                        type: "object",
                        required: ["type", "status"],
                        properties: { type: { type: "string" }, status: { type: "string" }, reason: { type: "string" }, message: { type: "string" } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  });
}

/** Installs widgetCRD and waits until kubectl can use it. */
export async function installWidgetCRD(c: TestCluster, group = "acceptance.flotilla.dev"): Promise<void> {
  await c.kubectlOk(["apply", "-f", "-"], { input: widgetCRD(group) });
  await c.kubectlOk(["wait", "--for=condition=Established", `crd/widgets.${group}`, "--timeout=20s"]);
}

export const widget = (name: string, spec: Record<string, unknown>, group = "acceptance.flotilla.dev") =>
  JSON.stringify({ apiVersion: `${group}/v1`, kind: "Widget", metadata: { name }, spec });

/** Lines of `kubectl ... -o name`, sorted. */
export const names = (out: string) => out.trim().split("\n").filter(Boolean).sort();
