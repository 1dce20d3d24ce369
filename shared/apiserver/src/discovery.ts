/**
 * Legacy discovery documents (/api, /apis, /api/v1, /apis/<g>, /apis/<g>/<v>), rebuilt from the registry
 * whenever it changes. Aggregated discovery is not offered: clients that ask for it get plain JSON and fall
 * back to these documents.
 */
import { type Registry, type ResourceType, groupVersion } from "./registry.js";

export const SERVER_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4",
  gitCommit: "59526cd4867447956156ae3a602fcbac10a2c335",
  gitTreeState: "clean",
  buildDate: "2025-04-22T16:02:27Z",
  goVersion: "go1.23.6",
  compiler: "gc",
  platform: "linux/amd64",
};

function resourceEntries(t: ResourceType, version: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const main: Record<string, unknown> = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories.length) main.categories = t.categories;
  out.push(main);
  const statusEnabled = t.crd ? t.crd.versions.get(version)?.status : t.status;
  const scaleEnabled = t.crd ? t.crd.versions.get(version)?.scale : t.scale;
  if (scaleEnabled)
    out.push({ name: `${t.plural}/scale`, singularName: "", namespaced: t.namespaced, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] });
  if (statusEnabled) out.push({ name: `${t.plural}/status`, singularName: "", namespaced: t.namespaced, kind: t.kind, verbs: ["get", "patch", "update"] });
  for (const s of t.extraSubresources ?? []) out.push({ name: `${t.plural}/${s.name}`, singularName: "", namespaced: t.namespaced, kind: s.kind, verbs: s.verbs });
  return out;
}

export class Discovery {
  private cache = new Map<string, string>();
  private generation = -1;

  constructor(
    private registry: Registry,
    private serverAddress: () => string,
  ) {}

  private cached(key: string, build: () => unknown): string {
    if (this.generation !== this.registry.generation) {
      this.cache.clear();
      this.generation = this.registry.generation;
    }
    let s = this.cache.get(key);
    if (s === undefined) {
      s = JSON.stringify(build());
      this.cache.set(key, s);
    }
    return s;
  }

  /** GET /api */
  coreVersions(): string {
    return this.cached("/api", () => ({
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: this.serverAddress() }],
    }));
  }

  private groupDoc(name: string, versions: string[]): Record<string, unknown> {
    const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: vs, preferredVersion: vs[0] };
  }

  /** GET /apis */
  groupList(): string {
    return this.cached("/apis", () => {
      const groups = [...this.registry.groups()].filter(([g]) => g !== "");
      // Built-in groups in a stable order first, CRD groups after (as kube-apiserver orders by priority).
      const builtinOrder = new Map<string, number>();
      this.registry.all().forEach((t, i) => {
        if (t.builtin && !builtinOrder.has(t.group)) builtinOrder.set(t.group, i);
      });
      groups.sort(([a], [b]) => {
        const ia = builtinOrder.get(a) ?? Number.MAX_SAFE_INTEGER;
        const ib = builtinOrder.get(b) ?? Number.MAX_SAFE_INTEGER;
        return ia !== ib ? ia - ib : a < b ? -1 : a > b ? 1 : 0;
      });
      return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map(([g, vs]) => this.groupDoc(g, vs)) };
    });
  }

  /** GET /apis/<group>, or undefined when the group is not served. */
  group(name: string): string | undefined {
    const vs = this.registry.groups().get(name);
    if (!vs || name === "") return undefined;
    return this.cached(`/apis/${name}`, () => ({ kind: "APIGroup", apiVersion: "v1", ...this.groupDoc(name, vs) }));
  }

  /** GET /api/v1 or /apis/<g>/<v>, or undefined when not served. */
  resourceList(group: string, version: string): string | undefined {
    const types = this.registry.all().filter((t) => t.group === group && t.versions.includes(version));
    if (types.length === 0) return undefined;
    return this.cached(`${group}/${version}`, () => ({
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: groupVersion(group, version),
      resources: types.flatMap((t) => resourceEntries(t, version)).sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1)),
    }));
  }
}

