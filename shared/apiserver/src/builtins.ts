/** The built-in resource types (discovery facts as `kubectl api-resources` shows them on 1.32). */
import type { KubeObject, ResourceType } from "./registry.js";
import { builtinPrinters } from "./printers.js";
import type { Printer } from "./table.js";
import { builtinHooks } from "./strategies.js";
import { isObject } from "./util.js";

const STANDARD = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

interface Def {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  status?: boolean;
  scale?: boolean;
  generation?: string[];
  fieldLabels?: Record<string, (o: KubeObject) => string | undefined>;
  returnDeletedObject?: boolean;
  nameRule?: ResourceType["nameRule"];
  storageKey?: string;
  view?: ResourceType["view"];
  extraSubresources?: ResourceType["extraSubresources"];
  review?: ResourceType["review"];
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const at = (o: KubeObject, ...path: string[]): string | undefined => {
  let cur: unknown = o;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return str(cur);
};

const eventFields: Record<string, (o: KubeObject) => string | undefined> = {
  "involvedObject.kind": (o) => at(o, "involvedObject", "kind"),
  "involvedObject.namespace": (o) => at(o, "involvedObject", "namespace"),
  "involvedObject.name": (o) => at(o, "involvedObject", "name"),
  "involvedObject.uid": (o) => at(o, "involvedObject", "uid"),
  "involvedObject.apiVersion": (o) => at(o, "involvedObject", "apiVersion"),
  "involvedObject.resourceVersion": (o) => at(o, "involvedObject", "resourceVersion"),
  "involvedObject.fieldPath": (o) => at(o, "involvedObject", "fieldPath"),
  reason: (o) => at(o, "reason"),
  reportingComponent: (o) => at(o, "reportingComponent"),
  source: (o) => at(o, "source", "component") ?? at(o, "reportingComponent"),
  type: (o) => at(o, "type"),
};

/** events.k8s.io/v1 Event <-> core/v1 Event (pkg/apis/events/v1 conversion). */
const eventsV1View: ResourceType["view"] = {
  fromStorage(o) {
    const e = o as Obj;
    const out: Obj = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: e.metadata };
    if (e.eventTime !== undefined) out.eventTime = e.eventTime;
    if (e.series) out.series = e.series;
    if (e.reportingComponent !== undefined) out.reportingController = e.reportingComponent;
    if (e.reportingInstance !== undefined) out.reportingInstance = e.reportingInstance;
    if (e.action !== undefined) out.action = e.action;
    if (e.reason !== undefined) out.reason = e.reason;
    if (e.involvedObject !== undefined) out.regarding = e.involvedObject;
    if (e.related !== undefined) out.related = e.related;
    if (e.message !== undefined) out.note = e.message;
    if (e.type !== undefined) out.type = e.type;
    if (e.source && (e.source.component || e.source.host)) out.deprecatedSource = e.source;
    if (e.firstTimestamp) out.deprecatedFirstTimestamp = e.firstTimestamp;
    if (e.lastTimestamp) out.deprecatedLastTimestamp = e.lastTimestamp;
    if (e.count) out.deprecatedCount = e.count;
    return out as KubeObject;
  },
  toStorage(o) {
    const e = o as Obj;
    const out: Obj = { apiVersion: "v1", kind: "Event", metadata: e.metadata };
    out.involvedObject = e.regarding ?? {};
    if (e.note !== undefined) out.message = e.note;
    if (e.reason !== undefined) out.reason = e.reason;
    out.source = e.deprecatedSource ?? {};
    if (e.deprecatedFirstTimestamp !== undefined) out.firstTimestamp = e.deprecatedFirstTimestamp;
    if (e.deprecatedLastTimestamp !== undefined) out.lastTimestamp = e.deprecatedLastTimestamp;
    if (e.deprecatedCount !== undefined) out.count = e.deprecatedCount;
    if (e.type !== undefined) out.type = e.type;
    if (e.eventTime !== undefined) out.eventTime = e.eventTime;
    if (e.series !== undefined) out.series = e.series;
    if (e.action !== undefined) out.action = e.action;
    if (e.related !== undefined) out.related = e.related;
    if (e.reportingController !== undefined) out.reportingComponent = e.reportingController;
    if (e.reportingInstance !== undefined) out.reportingInstance = e.reportingInstance;
    return out as KubeObject;
  },
};

const DEFS: Def[] = [
  { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, shortNames: ["ns"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], status: true, nameRule: "label", fieldLabels: { "status.phase": (o) => at(o, "status", "phase") }, extraSubresources: [{ name: "finalize", kind: "Namespace", verbs: ["update"] }] },
  { group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"], status: true, fieldLabels: { "spec.unschedulable": (o) => at(o, "spec", "unschedulable") ?? "false" } },
  { group: "", version: "v1", kind: "PersistentVolume", plural: "persistentvolumes", namespaced: false, shortNames: ["pv"], status: true },
  { group: "", version: "v1", kind: "ResourceQuota", plural: "resourcequotas", namespaced: true, shortNames: ["quota"], status: true },
  { group: "", version: "v1", kind: "LimitRange", plural: "limitranges", namespaced: true, shortNames: ["limits"] },
  { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, shortNames: ["cm"] },
  { group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true, fieldLabels: { type: (o) => at(o, "type") } },
  { group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true, shortNames: ["sa"] },
  { group: "", version: "v1", kind: "Service", plural: "services", namespaced: true, shortNames: ["svc"], categories: ["all"], status: true, nameRule: "dns1035", fieldLabels: { "spec.clusterIP": (o) => at(o, "spec", "clusterIP"), "spec.type": (o) => at(o, "spec", "type") } },
  { group: "", version: "v1", kind: "Endpoints", plural: "endpoints", namespaced: true, shortNames: ["ep"] },
  { group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"], fieldLabels: eventFields, nameRule: "path" },
  {
    group: "",
    version: "v1",
    kind: "Pod",
    plural: "pods",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    status: true,
    returnDeletedObject: true,
    fieldLabels: {
      "spec.nodeName": (o) => at(o, "spec", "nodeName"),
      "spec.restartPolicy": (o) => at(o, "spec", "restartPolicy"),
      "spec.schedulerName": (o) => at(o, "spec", "schedulerName"),
      "spec.serviceAccountName": (o) => at(o, "spec", "serviceAccountName"),
      "spec.hostNetwork": (o) => at(o, "spec", "hostNetwork") ?? "false",
      "status.phase": (o) => at(o, "status", "phase"),
      "status.podIP": (o) => at(o, "status", "podIP"),
      "status.nominatedNodeName": (o) => at(o, "status", "nominatedNodeName"),
    },
  },
  { group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true, shortNames: ["pvc"], status: true },
  { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true, shortNames: ["deploy"], categories: ["all"], status: true, scale: true, generation: ["spec"] },
  { group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true, shortNames: ["rs"], categories: ["all"], status: true, scale: true, generation: ["spec"], fieldLabels: { "status.replicas": (o) => at(o, "status", "replicas") ?? "0" } },
  { group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true, shortNames: ["sts"], categories: ["all"], status: true, scale: true, generation: ["spec"] },
  { group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", namespaced: true, shortNames: ["ds"], categories: ["all"], status: true, generation: ["spec"] },
  { group: "apps", version: "v1", kind: "ControllerRevision", plural: "controllerrevisions", namespaced: true },
  { group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true, categories: ["all"], status: true, generation: ["spec"], fieldLabels: { "status.successful": (o) => at(o, "status", "succeeded") ?? "0" } },
  { group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true, shortNames: ["cj"], categories: ["all"], status: true, generation: ["spec"] },
  { group: "networking.k8s.io", version: "v1", kind: "Ingress", plural: "ingresses", namespaced: true, shortNames: ["ing"], status: true, generation: ["spec"] },
  { group: "networking.k8s.io", version: "v1", kind: "IngressClass", plural: "ingressclasses", namespaced: false, generation: ["spec"] },
  { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies", namespaced: true, shortNames: ["netpol"], generation: ["spec"] },
  { group: "storage.k8s.io", version: "v1", kind: "StorageClass", plural: "storageclasses", namespaced: false, shortNames: ["sc"] },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", namespaced: true, nameRule: "path" },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings", namespaced: true, nameRule: "path" },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false, nameRule: "path" },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", namespaced: false, nameRule: "path" },
  { group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true },
  { group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", namespaced: false, shortNames: ["crd", "crds"], categories: ["api-extensions"], status: true, generation: ["spec"] },
  { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", namespaced: true, shortNames: ["hpa"], categories: ["all"], status: true },
  { group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", namespaced: true, shortNames: ["pdb"], status: true, generation: ["spec"] },
  { group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass", plural: "priorityclasses", namespaced: false, shortNames: ["pc"] },
  { group: "admissionregistration.k8s.io", version: "v1", kind: "ValidatingWebhookConfiguration", plural: "validatingwebhookconfigurations", namespaced: false, categories: ["api-extensions"], generation: ["webhooks"] },
  { group: "admissionregistration.k8s.io", version: "v1", kind: "MutatingWebhookConfiguration", plural: "mutatingwebhookconfigurations", namespaced: false, categories: ["api-extensions"], generation: ["webhooks"] },
  // No authentication or authorization: every review says yes (kube-apiserver with AlwaysAllow).
  { group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", namespaced: false, verbs: ["create"], review: () => ({ allowed: true }) },
  { group: "authorization.k8s.io", version: "v1", kind: "SubjectAccessReview", plural: "subjectaccessreviews", namespaced: false, verbs: ["create"], review: () => ({ allowed: true }) },
  { group: "authorization.k8s.io", version: "v1", kind: "LocalSubjectAccessReview", plural: "localsubjectaccessreviews", namespaced: true, verbs: ["create"], review: () => ({ allowed: true }) },
  {
    group: "authorization.k8s.io",
    version: "v1",
    kind: "SelfSubjectRulesReview",
    plural: "selfsubjectrulesreviews",
    namespaced: false,
    verbs: ["create"],
    review: () => ({ resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }], incomplete: false }),
  },
  {
    group: "authentication.k8s.io",
    version: "v1",
    kind: "SelfSubjectReview",
    plural: "selfsubjectreviews",
    namespaced: false,
    verbs: ["create"],
    review: () => ({ userInfo: { username: "flotilla", groups: ["system:masters", "system:authenticated"] } }),
  },
  { group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"], storageKey: "/events", view: eventsV1View, fieldLabels: eventFields, nameRule: "path" },
];

/** A view prints like the stored type it shows (events.k8s.io Events print as core Events do). */
function viewPrinter(d: Def): Printer | undefined {
  const stored = d.storageKey ? builtinPrinters[d.storageKey] : undefined;
  const view = d.view;
  if (!stored || !view) return undefined;
  return { columns: stored.columns, cells: (o, now) => stored.cells(view.toStorage(o), now) };
}

function toResourceType(d: Def): ResourceType {
  const key = `${d.group}/${d.plural}`;
  return {
    group: d.group,
    kind: d.kind,
    listKind: `${d.kind}List`,
    plural: d.plural,
    singular: d.kind.toLowerCase(),
    namespaced: d.namespaced,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    verbs: d.verbs ?? STANDARD,
    versions: [d.version],
    storageVersion: d.version,
    storageKey: d.storageKey ?? key,
    status: d.status ?? false,
    scale: d.scale ? { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".spec.selector" } : undefined,
    generation: d.generation ? { fields: d.generation } : undefined,
    builtin: true,
    fieldLabels: d.fieldLabels ?? {},
    printer: builtinPrinters[key] ?? viewPrinter(d),
    returnDeletedObject: d.returnDeletedObject ?? false,
    hooks: builtinHooks[key],
    nameRule: d.nameRule,
    view: d.view,
    extraSubresources: d.extraSubresources,
    review: d.review,
  };
}

export function builtinResourceTypes(): ResourceType[] {
  return DEFS.map(toResourceType);
}

export const INITIAL_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
