/**
 * Strategic merge patch, differential against the real kubectl (`kubectl patch --local --type strategic`): for each
 * case kubectl's output is the expected result, and where kubectl refuses the patch we must refuse it with the same
 * message.
 */
import { before, describe, it } from "node:test";
import { builtinSchema } from "../src/builtin.js";
import { strategicMergePatch } from "../src/smp.js";
import { type OracleCase, type OracleResult, assertSameOutcome, kubectlPatchAll } from "./patch-oracle.js";
import * as fx from "./smp-fixtures.js";

const podSpecPatch = (spec: object): object => ({ spec: { template: { spec } } });

const cases: OracleCase[] = [
  // Lists merged by key.
  { name: "containers: change one, add one", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "b", image: "sidecar:2" }, { name: "c", image: "new:1" }] }) },
  { name: "containers: new items around existing ones", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "x", image: "x" }, { name: "a", image: "nginx:2" }, { name: "y", image: "y" }] }) },
  { name: "containers: same new name twice merges into one", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "c", image: "c1" }, { name: "c", args: ["z"] }] }) },
  { name: "env: update and add", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "a", env: [{ name: "A", value: "10" }, { name: "C", value: "3" }] }] }) },
  { name: "env: $patch delete on an item", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "a", env: [{ name: "A", $patch: "delete" }] }] }) },
  { name: "env: $patch delete of an absent item", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "a", env: [{ name: "Z", $patch: "delete" }] }] }) },
  { name: "containers: $patch delete", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "b", $patch: "delete" }] }) },
  { name: "containers: $patch replace on the list", original: fx.deployment, patch: podSpecPatch({ containers: [{ $patch: "replace" }, { name: "only", image: "only:1" }] }) },
  { name: "ports: merge by containerPort", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "a", ports: [{ containerPort: 80, name: "web" }, { containerPort: 8080, name: "alt" }] }] }) },
  { name: "volumeMounts: merge by mountPath", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "a", volumeMounts: [{ mountPath: "/etc/cfg", readOnly: false }, { name: "tmp", mountPath: "/tmp" }] }] }) },
  { name: "volumes: merge keeps the old source without $retainKeys", original: fx.deployment, patch: podSpecPatch({ volumes: [{ name: "data", hostPath: { path: "/srv" } }] }) },
  { name: "volumes: $retainKeys swaps the source", original: fx.deployment, patch: podSpecPatch({ volumes: [{ name: "data", hostPath: { path: "/srv" }, $retainKeys: ["hostPath", "name"] }] }) },
  { name: "imagePullSecrets: merge by name", original: fx.deployment, patch: podSpecPatch({ imagePullSecrets: [{ name: "r2" }] }) },
  { name: "initContainers: merge by name", original: fx.deployment, patch: podSpecPatch({ initContainers: [{ name: "init", image: "busybox:2" }] }) },
  { name: "hostAliases: merge by ip", original: fx.deployment, patch: podSpecPatch({ hostAliases: [{ ip: "10.0.0.1", hostnames: ["b.local"] }, { ip: "10.0.0.2", hostnames: ["c.local"] }] }) },
  { name: "topologySpreadConstraints: merge by topologyKey", original: fx.deployment, patch: podSpecPatch({ topologySpreadConstraints: [{ topologyKey: "zone", maxSkew: 2 }] }) },
  { name: "ownerReferences: merge by uid", original: fx.deployment, patch: { metadata: { ownerReferences: [{ uid: "uid-b", name: "renamed" }, { apiVersion: "v1", kind: "Secret", name: "c", uid: "uid-c" }] } } },
  { name: "ownerReferences: $patch delete", original: fx.deployment, patch: { metadata: { ownerReferences: [{ uid: "uid-a", $patch: "delete" }] } } },
  { name: "pod: ports merge on the first item with that containerPort", original: fx.pod, patch: { spec: { containers: [{ name: "dns", ports: [{ containerPort: 53, name: "renamed" }] }] } } },
  { name: "pod: ephemeralContainers merge by name", original: fx.pod, patch: { spec: { ephemeralContainers: [{ name: "debug", image: "busybox:2" }, { name: "more", image: "x" }] } } },
  { name: "pod: status conditions merge by type", original: fx.pod, patch: { status: { conditions: [{ type: "Ready", status: "True" }] } } },
  { name: "pod: readinessGates replaced", original: fx.pod, patch: { spec: { readinessGates: [{ conditionType: "ready-b" }] } } },
  { name: "service: ports merge by port", original: fx.service, patch: { spec: { ports: [{ port: 443, targetPort: 9443 }, { name: "metrics", port: 9090, protocol: "TCP" }] } } },
  { name: "service: ports $patch delete", original: fx.service, patch: { spec: { ports: [{ port: 80, $patch: "delete" }] } } },
  { name: "service: selector merges although SSA treats it as atomic", original: fx.service, patch: { spec: { selector: { tier: null, version: "v2" } } } },
  { name: "service: externalIPs replaced", original: fx.service, patch: { spec: { externalIPs: ["5.6.7.8"] } } },
  { name: "statefulset: template env merge", original: fx.statefulSet, patch: { spec: { template: { spec: { containers: [{ name: "db", env: [{ name: "POSTGRES_DB", value: "app" }] }] } } } } },
  { name: "statefulset: volumeClaimTemplates replaced", original: fx.statefulSet, patch: { spec: { volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: "5Gi" } } } }] } } },
  { name: "cronjob: jobTemplate containers merge", original: fx.cronJob, patch: { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "run", env: [{ name: "MODE", value: "quick" }] }] } } } } } } },
  { name: "job: status conditions merge by type", original: fx.job, patch: { status: { conditions: [{ type: "Complete", status: "True" }, { type: "Failed", status: "False" }] } } },
  { name: "hpa: conditions merge, metrics replaced", original: fx.hpa, patch: { spec: { metrics: [] }, status: { conditions: [{ type: "ScalingLimited", status: "True" }] } } },
  { name: "webhooks: merge by name, rules replaced", original: fx.webhookConfiguration, patch: { webhooks: [{ name: "a.example.com", rules: [] }, { name: "c.example.com", sideEffects: "None" }] } },
  { name: "serviceaccount: secrets merge, imagePullSecrets replaced", original: fx.serviceAccount, patch: { secrets: [{ name: "token-b" }], imagePullSecrets: [{ name: "pull-b" }] } },
  { name: "daemonset: volumes and mounts merge", original: fx.daemonSet, patch: { spec: { template: { spec: { volumes: [{ name: "run", hostPath: { path: "/run" } }], containers: [{ name: "agent", volumeMounts: [{ name: "run", mountPath: "/run" }] }] } } } } },
  { name: "pdb: conditions merge", original: fx.pdb, patch: { status: { conditions: [{ type: "DisruptionAllowed", status: "False" }] } } },

  // Lists replaced.
  { name: "tolerations replaced", original: fx.deployment, patch: podSpecPatch({ tolerations: [{ key: "k2", operator: "Exists" }] }) },
  { name: "args replaced", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "a", args: ["--three"] }] }) },
  { name: "role: rules replaced", original: fx.role, patch: { rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] } },
  { name: "rolebinding: subjects replaced", original: fx.roleBinding, patch: { subjects: [{ kind: "User", name: "c" }] } },
  { name: "namespace: spec.finalizers replaced", original: fx.namespace, patch: { spec: { finalizers: ["other"] } } },
  { name: "ingress: rules and tls replaced", original: fx.ingress, patch: { spec: { tls: [{ hosts: ["b.example.com"] }] } } },
  { name: "networkpolicy: ingress replaced", original: fx.networkPolicy, patch: { spec: { ingress: [], policyTypes: ["Ingress", "Egress"] } } },

  // Primitive merge lists and their directives.
  { name: "finalizers: union", original: fx.deployment, patch: { metadata: { finalizers: ["f3", "f1"] } } },
  { name: "finalizers: $deleteFromPrimitiveList", original: fx.deployment, patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["f1"] } } },
  { name: "finalizers: $setElementOrder", original: fx.deployment, patch: { metadata: { "$setElementOrder/finalizers": ["f2", "f1"] } } },
  { name: "$deleteFromPrimitiveList on a replace list", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "a", "$deleteFromPrimitiveList/args": ["--one"] }] }) },
  { name: "$deleteFromPrimitiveList for an absent list", original: fx.configMap, patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["x"] } } },

  // $setElementOrder on maps.
  { name: "$setElementOrder: reorder only", original: fx.deployment, patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "b" }, { name: "a" }] }) },
  { name: "$setElementOrder: with changes", original: fx.deployment, patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "b" }, { name: "c" }, { name: "a" }], containers: [{ name: "b", image: "sidecar:3" }, { name: "c", image: "c" }] }) },
  { name: "$setElementOrder: list absent from the original", original: fx.configMap, patch: { metadata: { "$setElementOrder/finalizers": ["y", "x"], finalizers: ["x", "y"] } } },
  { name: "$setElementOrder: order not matching the patch list", original: fx.deployment, patch: podSpecPatch({ "$setElementOrder/containers": [{ name: "a" }], containers: [{ name: "b", image: "x" }] }) },
  { name: "$setElementOrder: not a list", original: fx.deployment, patch: podSpecPatch({ "$setElementOrder/containers": "a" }) },

  // Maps, nulls, $patch on maps, $retainKeys.
  { name: "labels and annotations: merge and null deletes", original: fx.deployment, patch: { metadata: { labels: { tier: null, new: "x" }, annotations: { drop: null, absent: null } } } },
  { name: "null deletes a struct field", original: fx.deployment, patch: { spec: { paused: null, strategy: { rollingUpdate: null } } } },
  { name: "$patch replace on a map", original: fx.deployment, patch: { spec: { template: { metadata: { labels: { $patch: "replace", only: "this" } } } } } },
  { name: "$patch delete on a map", original: fx.deployment, patch: { spec: { strategy: { $patch: "delete" } } } },
  { name: "$patch on maps the original lacks are dropped", original: fx.configMap, patch: { spec: { a: { $patch: "replace", x: 1 }, b: { $patch: "delete" }, c: { d: { $patch: "replace" }, e: 1 } } } },
  { name: "nulls inside a new subtree are dropped", original: fx.configMap, patch: { spec: { a: { x: null, y: 1, z: { w: null } } } } },
  { name: "nulls inside a new list item are kept", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "c", image: "c", workingDir: null }] }) },
  { name: "$patch inside a new list item is kept", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "c", image: "c", securityContext: { $patch: "replace", privileged: true } }] }) },
  { name: "$retainKeys on the deployment strategy", original: fx.deployment, patch: { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } } },
  { name: "$retainKeys must list every patched field", original: fx.deployment, patch: { spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: { maxSurge: 2 } } } } },
  { name: "$retainKeys not a list", original: fx.deployment, patch: { spec: { strategy: { $retainKeys: "type" } } } },
  { name: "configmap: data merge, null deletes, __proto__ is a plain key", original: fx.configMap, patch: { data: { change: "new", drop: null, ["__proto__"]: "p", added: "y" } } },
  { name: "type change: map replaced by scalar, list by map", original: fx.deployment, patch: { metadata: { annotations: "x" }, spec: { template: { spec: { tolerations: { k: "v" } } } } } },

  // Refusals.
  { name: "missing merge key", original: fx.deployment, patch: podSpecPatch({ containers: [{ image: "no-name" }] }) },
  { name: "$patch merge on a map", original: fx.deployment, patch: { spec: { template: { $patch: "merge" } } } },
  { name: "$patch merge on a list item", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "a", $patch: "merge" }] }) },
  { name: "unknown $patch on a list item", original: fx.deployment, patch: podSpecPatch({ containers: [{ name: "a", $patch: "foo" }] }) },
  { name: "unknown $patch on a map", original: fx.deployment, patch: { spec: { $patch: 5 } } },
  { name: "mixed element types in a merge list", original: fx.deployment, patch: { metadata: { finalizers: [{ a: 1 }] } } },
  { name: "lists of lists", original: { ...fx.configMap, metadata: { name: "cfg", finalizers: [] } }, patch: { metadata: { finalizers: [["x"]] } } },
  { name: "bad $deleteFromPrimitiveList key", original: fx.deployment, patch: { metadata: { $deleteFromPrimitiveListfinalizers: ["f1"] } } },
  { name: "bad $setElementOrder key", original: fx.deployment, patch: { metadata: { $setElementOrderfinalizers: ["f1"] } } },

  // Longer than one insertion-sort block of Go's sort.SliceStable.
  { name: "long lists: finalizers union and reorder", original: fx.bigDeployment, patch: { metadata: { finalizers: Array.from({ length: 24 }, (_, i) => `n${i % 3 === 0 ? i : 30 + i}`).concat(["f3", "f20"]) } } },
  { name: "long lists: containers interleaved", original: fx.bigDeployment, patch: { spec: { template: { spec: { containers: Array.from({ length: 22 }, (_, i) => (i % 2 ? { name: `c${22 - i}`, image: "u" } : { name: `new${i}`, image: "n" })) } } } } },
  { name: "long lists: $setElementOrder reverses", original: fx.bigDeployment, patch: { spec: { template: { spec: { "$setElementOrder/containers": Array.from({ length: 23 }, (_, i) => ({ name: `c${22 - i}` })) } } } } },
];

describe("strategic merge patch matches kubectl patch --local --type strategic", () => {
  let oracle: OracleResult[] = [];
  before(async () => {
    oracle = await kubectlPatchAll("strategic", cases);
  });
  cases.forEach((c, i) => {
    it(c.name, () => {
      const { apiVersion, kind } = c.original as { apiVersion: string; kind: string };
      const schema = builtinSchema(apiVersion, kind);
      if (!schema) throw new Error(`no built-in schema for ${apiVersion} ${kind}`);
      assertSameOutcome(oracle[i]!, () => strategicMergePatch(c.original, c.patch, schema));
    });
  });
});
