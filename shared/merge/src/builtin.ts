/**
 * Merge semantics of the built-in kinds the API server serves, as SchemaNode data.
 *
 * Two sources, kept side by side because they differ on purpose:
 * - SMP: the `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api (what kubectl and the server compile in);
 * - SSA: `x-kubernetes-list-type`, `-list-map-keys` and `-map-type` of the upstream OpenAPI (e.g. container ports are
 *   merged by `containerPort` in SMP but keyed by `containerPort`+`protocol` in SSA; Job conditions merge by `type`
 *   in SMP but are atomic in SSA).
 * Only what changes merging is encoded. Anything left out is untyped, which already means what most fields need:
 * SMP merges maps and replaces lists, SSA treats maps as granular and lists as atomic. Lists that are atomic are
 * still spelled out where readers expect to see them (tolerations, PolicyRules, subjects...).
 */
import { type ListNode, type MapNode, type SchemaNode, scalar, untyped } from "./schema.js";

function struct(fields: Record<string, SchemaNode>, extra: Omit<MapNode, "type" | "fields"> = {}): MapNode {
  return { type: "map", fields, ...extra };
}

/** A struct SSA owns as a whole (`+structType=atomic`); SMP still merges it field by field. */
function atomicStruct(fields: Record<string, SchemaNode> = {}): MapNode {
  return struct(fields, { mapType: "atomic" });
}

/** Replaced by SMP, atomic for SSA. */
function atomic(items: SchemaNode = untyped): ListNode {
  return { type: "list", items, listType: "atomic" };
}

interface MergeListOptions {
  /** SSA's `x-kubernetes-list-map-keys` when they are more than the SMP merge key. */
  ssaKeys?: string[];
  /** Defaults of SSA key fields that items may omit. */
  keyDefaults?: Record<string, string>;
  /** SSA treats the list as atomic although SMP merges it. */
  ssaAtomic?: boolean;
  /** SMP strategy `merge,retainKeys`: items are structs whose unset fields a patch may clear. */
  retainKeys?: boolean;
}

/** SMP `patchStrategy: merge` with `patchMergeKey`, and (by default) an SSA map list keyed the same way. */
function mergeByKey(mergeKey: string, items: SchemaNode, options: MergeListOptions = {}): ListNode {
  const patchStrategy = options.retainKeys ? "merge,retainKeys" : "merge";
  if (options.ssaAtomic) return { type: "list", items, listType: "atomic", patchStrategy, patchMergeKey: mergeKey };
  const list: ListNode = { type: "list", items, listType: "map", keys: options.ssaKeys ?? [mergeKey], patchStrategy, patchMergeKey: mergeKey };
  if (options.keyDefaults) list.keyDefaults = options.keyDefaults;
  return list;
}

/** An SSA map list that SMP replaces (no patch strategy tag). */
function ssaMapList(keys: string[], items: SchemaNode = untyped): ListNode {
  return { type: "list", items, listType: "map", keys };
}

const stringMap: MapNode = { type: "map", additional: scalar };
const atomicStringMap: MapNode = { type: "map", additional: scalar, mapType: "atomic" };
const scalars = atomic(scalar);

// --- meta/v1 ----------------------------------------------------------------------------------------------------

/** metav1.ObjectMeta: the part every kind (and every custom resource) shares. */
export const objectMetaSchema: MapNode = struct({
  labels: stringMap,
  annotations: stringMap,
  finalizers: { type: "list", items: scalar, listType: "set", patchStrategy: "merge" },
  ownerReferences: mergeByKey("uid", atomicStruct()),
  managedFields: atomic(),
});

const labelSelector = atomicStruct({ matchLabels: stringMap, matchExpressions: atomic() });
const conditions = mergeByKey("type", untyped);
const objectReference = atomicStruct();
const localObjectReference = atomicStruct();

// --- core/v1 pods ---------------------------------------------------------------------------------------------

const envVar = struct({
  valueFrom: struct({
    configMapKeyRef: atomicStruct(),
    secretKeyRef: atomicStruct(),
    fieldRef: atomicStruct(),
    resourceFieldRef: atomicStruct(),
  }),
});

const container = struct({
  command: scalars,
  args: scalars,
  ports: mergeByKey("containerPort", untyped, { ssaKeys: ["containerPort", "protocol"], keyDefaults: { protocol: "TCP" } }),
  envFrom: atomic(),
  env: mergeByKey("name", envVar),
  resources: struct({ limits: stringMap, requests: stringMap, claims: ssaMapList(["name"]) }),
  resizePolicy: atomic(),
  volumeMounts: mergeByKey("mountPath", untyped),
  volumeDevices: mergeByKey("devicePath", untyped),
  securityContext: struct({ capabilities: struct({ add: scalars, drop: scalars }) }),
});

const podSpec = struct({
  volumes: mergeByKey("name", struct({}, { retainKeys: true }), { retainKeys: true }),
  initContainers: mergeByKey("name", container),
  containers: mergeByKey("name", container),
  ephemeralContainers: mergeByKey("name", container),
  imagePullSecrets: mergeByKey("name", localObjectReference),
  tolerations: atomic(),
  hostAliases: mergeByKey("ip", struct({ hostnames: scalars })),
  topologySpreadConstraints: mergeByKey("topologyKey", struct({ labelSelector, matchLabelKeys: scalars }), {
    ssaKeys: ["topologyKey", "whenUnsatisfiable"],
  }),
  readinessGates: atomic(),
  resourceClaims: mergeByKey("name", struct({}, { retainKeys: true }), { retainKeys: true }),
  schedulingGates: mergeByKey("name", untyped),
  nodeSelector: atomicStringMap,
  overhead: stringMap,
  affinity: struct({ nodeAffinity: struct({ requiredDuringSchedulingIgnoredDuringExecution: atomicStruct() }) }),
  securityContext: struct({ supplementalGroups: scalars, sysctls: atomic() }),
  dnsConfig: struct({ nameservers: scalars, searches: scalars, options: atomic() }),
});

const podStatus = struct({
  conditions,
  podIPs: mergeByKey("ip", untyped),
  hostIPs: mergeByKey("ip", untyped, { ssaAtomic: true }),
  containerStatuses: atomic(),
  initContainerStatuses: atomic(),
  ephemeralContainerStatuses: atomic(),
  resourceClaimStatuses: mergeByKey("name", untyped),
});

const podTemplateSpec = struct({ metadata: objectMetaSchema, spec: podSpec });

/** A kind's root: metadata plus the given fields. */
function kind(fields: Record<string, SchemaNode>): MapNode {
  return struct({ metadata: objectMetaSchema, ...fields });
}

// --- core/v1 others -------------------------------------------------------------------------------------------

const persistentVolumeClaimSpec = struct({
  accessModes: scalars,
  selector: labelSelector,
  resources: struct({ limits: stringMap, requests: stringMap }),
  dataSource: atomicStruct(),
});
const persistentVolumeClaim = kind({
  spec: persistentVolumeClaimSpec,
  status: struct({ accessModes: scalars, capacity: stringMap, allocatedResources: stringMap, conditions }),
});

const service = kind({
  spec: struct({
    ports: mergeByKey("port", untyped, { ssaKeys: ["port", "protocol"], keyDefaults: { protocol: "TCP" } }),
    selector: atomicStringMap,
    clusterIPs: scalars,
    externalIPs: scalars,
    ipFamilies: scalars,
    loadBalancerSourceRanges: scalars,
  }),
  status: struct({ conditions, loadBalancer: struct({ ingress: atomic() }) }),
});

// --- apps/v1, batch/v1 ----------------------------------------------------------------------------------------

const workloadStatus = struct({ conditions });
const jobSpec = struct({
  selector: labelSelector,
  template: podTemplateSpec,
  podFailurePolicy: struct({ rules: atomic() }),
  successPolicy: struct({ rules: atomic() }),
});

// --- rbac, admission ------------------------------------------------------------------------------------------

const policyRule = struct({
  apiGroups: scalars,
  resources: scalars,
  resourceNames: scalars,
  verbs: scalars,
  nonResourceURLs: scalars,
});
const binding = kind({ subjects: atomic(), roleRef: atomicStruct() });

const webhook = struct({
  rules: atomic(),
  namespaceSelector: labelSelector,
  objectSelector: labelSelector,
  admissionReviewVersions: scalars,
  matchConditions: mergeByKey("name", untyped),
});
const webhookConfiguration = kind({ webhooks: mergeByKey("name", webhook) });

// --- the table --------------------------------------------------------------------------------------------------

const eventV1 = kind({ involvedObject: objectReference, related: objectReference });

const byApiVersionKind: Record<string, Record<string, SchemaNode>> = {
  v1: {
    Namespace: kind({ spec: struct({ finalizers: scalars }), status: struct({ conditions }) }),
    ConfigMap: kind({ data: stringMap, binaryData: stringMap }),
    Secret: kind({ data: stringMap, stringData: stringMap }),
    ServiceAccount: kind({ secrets: mergeByKey("name", objectReference), imagePullSecrets: atomic(localObjectReference) }),
    Service: service,
    Endpoints: kind({ subsets: atomic() }),
    Event: eventV1,
    Pod: kind({ spec: podSpec, status: podStatus }),
    PersistentVolumeClaim: persistentVolumeClaim,
  },
  "events.k8s.io/v1": {
    Event: kind({ regarding: objectReference, related: objectReference }),
  },
  "apps/v1": {
    Deployment: kind({
      spec: struct({
        selector: labelSelector,
        template: podTemplateSpec,
        strategy: struct({}, { retainKeys: true }),
      }),
      status: workloadStatus,
    }),
    ReplicaSet: kind({ spec: struct({ selector: labelSelector, template: podTemplateSpec }), status: workloadStatus }),
    StatefulSet: kind({
      spec: struct({
        selector: labelSelector,
        template: podTemplateSpec,
        volumeClaimTemplates: atomic(struct({ metadata: objectMetaSchema, spec: persistentVolumeClaimSpec })),
      }),
      status: workloadStatus,
    }),
    DaemonSet: kind({ spec: struct({ selector: labelSelector, template: podTemplateSpec }), status: workloadStatus }),
  },
  "batch/v1": {
    Job: kind({ spec: jobSpec, status: struct({ conditions: mergeByKey("type", untyped, { ssaAtomic: true }) }) }),
    CronJob: kind({
      spec: struct({ jobTemplate: struct({ metadata: objectMetaSchema, spec: jobSpec }) }),
      status: struct({ active: atomic(objectReference) }),
    }),
  },
  "networking.k8s.io/v1": {
    Ingress: kind({
      spec: struct({ rules: atomic(), tls: atomic() }),
      status: struct({ loadBalancer: struct({ ingress: atomic() }) }),
    }),
    IngressClass: kind({}),
    NetworkPolicy: kind({
      spec: struct({ podSelector: labelSelector, ingress: atomic(), egress: atomic(), policyTypes: scalars }),
    }),
  },
  "storage.k8s.io/v1": {
    StorageClass: kind({ parameters: stringMap, mountOptions: scalars, allowedTopologies: atomic() }),
  },
  "rbac.authorization.k8s.io/v1": {
    Role: kind({ rules: atomic(policyRule) }),
    ClusterRole: kind({
      rules: atomic(policyRule),
      aggregationRule: struct({ clusterRoleSelectors: atomic(labelSelector) }),
    }),
    RoleBinding: binding,
    ClusterRoleBinding: binding,
  },
  "coordination.k8s.io/v1": {
    Lease: kind({}),
  },
  "apiextensions.k8s.io/v1": {
    CustomResourceDefinition: kind({
      spec: struct({
        names: struct({ shortNames: scalars, categories: scalars }),
        versions: atomic(),
      }),
      status: struct({
        conditions: ssaMapList(["type"]),
        acceptedNames: struct({ shortNames: scalars, categories: scalars }),
        storedVersions: scalars,
      }),
    }),
  },
  "autoscaling/v2": {
    HorizontalPodAutoscaler: kind({
      spec: struct({
        metrics: atomic(),
        behavior: struct({ scaleUp: struct({ policies: atomic() }), scaleDown: struct({ policies: atomic() }) }),
      }),
      status: struct({ conditions, currentMetrics: atomic() }),
    }),
  },
  "policy/v1": {
    PodDisruptionBudget: kind({
      spec: struct({ selector: labelSelector }),
      status: struct({ conditions, disruptedPods: stringMap }),
    }),
  },
  "scheduling.k8s.io/v1": {
    PriorityClass: kind({}),
  },
  "admissionregistration.k8s.io/v1": {
    ValidatingWebhookConfiguration: webhookConfiguration,
    MutatingWebhookConfiguration: webhookConfiguration,
  },
};

/** The schema of a built-in kind, or undefined when the API server does not serve it as a built-in. */
export function builtinSchema(apiVersion: string, kind: string): SchemaNode | undefined {
  const kinds = Object.prototype.hasOwnProperty.call(byApiVersionKind, apiVersion) ? byApiVersionKind[apiVersion] : undefined;
  return kinds && Object.prototype.hasOwnProperty.call(kinds, kind) ? kinds[kind] : undefined;
}

/** Every built-in kind `builtinSchema` knows, as apiVersion/kind pairs. */
export function builtinKinds(): { apiVersion: string; kind: string }[] {
  return Object.entries(byApiVersionKind).flatMap(([apiVersion, kinds]) =>
    Object.keys(kinds).map((kind) => ({ apiVersion, kind })),
  );
}
