/**
 * Per-kind behaviour of the built-ins (upstream's registry "strategies"): defaulting, server-set fields,
 * type-specific validation and immutable fields. Only what clients and controllers observe is modelled.
 */
import { type FieldError, fieldForbidden, fieldImmutable, fieldInvalid, fieldNotSupported, fieldRequired } from "./errors.js";
import type { HookContext, KubeObject, TypeHooks } from "./registry.js";
import { labelSelectorFromObject } from "./selectors.js";
import { deepEqual, isObject } from "./util.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const spec = (o: KubeObject): Obj => {
  if (!isObject(o.spec)) o.spec = {};
  return o.spec as Obj;
};

function setDefault(o: Obj, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

/** Defaults an update strategy object whose `type` may be missing (kubectl create sends `strategy: {}`). */
function defaultStrategy(sp: Obj, field: string, type: string, rolling: Record<string, unknown>): void {
  if (!isObject(sp[field])) sp[field] = {};
  const st = sp[field] as Obj;
  if (!st.type) st.type = type;
  if (st.type === "RollingUpdate") {
    if (!isObject(st.rollingUpdate)) st.rollingUpdate = {};
    for (const [k, v] of Object.entries(rolling)) setDefault(st.rollingUpdate, k, v);
  }
}

function defaultContainer(c: Obj): void {
  setDefault(c, "terminationMessagePath", "/dev/termination-log");
  setDefault(c, "terminationMessagePolicy", "File");
  if (c.imagePullPolicy === undefined) {
    const image = String(c.image ?? "");
    const lastSegment = image.split("/").pop() ?? "";
    const hasDigest = image.includes("@");
    const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
    c.imagePullPolicy = !hasDigest && (tag === undefined || tag === "latest") ? "Always" : "IfNotPresent";
  }
  setDefault(c, "resources", {});
  for (const p of (c.ports ?? []) as Obj[]) setDefault(p, "protocol", "TCP");
}

export function defaultPodSpec(ps: Obj | undefined): void {
  if (!isObject(ps)) return;
  setDefault(ps, "restartPolicy", "Always");
  setDefault(ps, "terminationGracePeriodSeconds", 30);
  setDefault(ps, "dnsPolicy", "ClusterFirst");
  setDefault(ps, "securityContext", {});
  setDefault(ps, "schedulerName", "default-scheduler");
  for (const c of (ps.containers ?? []) as Obj[]) if (isObject(c)) defaultContainer(c);
  for (const c of (ps.initContainers ?? []) as Obj[]) if (isObject(c)) defaultContainer(c);
}

function defaultTemplate(sp: Obj): void {
  if (isObject(sp.template)) defaultPodSpec((sp.template as Obj).spec);
}

/** Workload selector rules shared by Deployment, ReplicaSet, StatefulSet and DaemonSet. */
function validateSelector(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const sp = (o.spec ?? {}) as Obj;
  if (!isObject(sp.selector)) errs.push(fieldRequired("spec.selector"));
  else {
    const sel = labelSelectorFromObject(sp.selector);
    if (sel.empty) errs.push(fieldInvalid("spec.selector", sp.selector, "empty selector is invalid for deployment"));
    const labels = sp.template?.metadata?.labels;
    if (!sel.empty && !sel.matches(labels)) errs.push(fieldInvalid("spec.template.metadata.labels", labels ?? {}, "`selector` does not match template `labels`"));
  }
  if (old && !deepEqual((old.spec as Obj | undefined)?.selector, sp.selector)) errs.push(fieldImmutable("spec.selector", sp.selector));
  return errs;
}

function validateTemplate(o: KubeObject): FieldError[] {
  const sp = (o.spec ?? {}) as Obj;
  const containers = sp.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) return [fieldRequired("spec.template.spec.containers")];
  return validateContainers(containers, "spec.template.spec.containers");
}

function validateContainers(containers: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, i) => {
    if (!c || !c.name) errs.push(fieldRequired(`${path}[${i}].name`));
    if (!c || !c.image) errs.push(fieldRequired(`${path}[${i}].image`));
  });
  return errs;
}

const deployment: TypeHooks = {
  prepareForCreate(o) {
    const sp = spec(o);
    setDefault(sp, "replicas", 1);
    setDefault(sp, "revisionHistoryLimit", 10);
    setDefault(sp, "progressDeadlineSeconds", 600);
    defaultStrategy(sp, "strategy", "RollingUpdate", { maxUnavailable: "25%", maxSurge: "25%" });
    defaultTemplate(sp);
    o.status = {};
  },
  prepareForUpdate(o) {
    const sp = spec(o);
    setDefault(sp, "replicas", 1);
    setDefault(sp, "revisionHistoryLimit", 10);
    setDefault(sp, "progressDeadlineSeconds", 600);
    defaultStrategy(sp, "strategy", "RollingUpdate", { maxUnavailable: "25%", maxSurge: "25%" });
    defaultTemplate(sp);
  },
  validate: (o, old) => [...validateSelector(o, old), ...validateTemplate(o)],
};

const replicaSet: TypeHooks = {
  prepareForCreate(o) {
    setDefault(spec(o), "replicas", 1);
    defaultTemplate(spec(o));
    o.status = { replicas: 0 };
  },
  prepareForUpdate(o) {
    setDefault(spec(o), "replicas", 1);
    defaultTemplate(spec(o));
  },
  validate: (o, old) => [...validateSelector(o, old), ...validateTemplate(o)],
};

const STS_MUTABLE = ["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

function defaultStatefulSet(o: KubeObject): void {
  const sp = spec(o);
  setDefault(sp, "replicas", 1);
  setDefault(sp, "podManagementPolicy", "OrderedReady");
  defaultStrategy(sp, "updateStrategy", "RollingUpdate", { partition: 0 });
  setDefault(sp, "revisionHistoryLimit", 10);
  setDefault(sp, "persistentVolumeClaimRetentionPolicy", { whenDeleted: "Retain", whenScaled: "Retain" });
  defaultTemplate(sp);
}

const statefulSet: TypeHooks = {
  prepareForCreate(o) {
    defaultStatefulSet(o);
    o.status = { replicas: 0, availableReplicas: 0 };
  },
  prepareForUpdate: (o) => defaultStatefulSet(o),
  validate(o, old) {
    const errs = [...validateSelector(o, old), ...validateTemplate(o)];
    if (old) {
      const a = { ...(o.spec as Obj) };
      const b = { ...(old.spec as Obj) };
      for (const k of STS_MUTABLE) {
        delete a[k];
        delete b[k];
      }
      delete a.selector;
      delete b.selector;
      if (!deepEqual(a, b))
        errs.push(
          fieldForbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          ),
        );
    }
    return errs;
  },
};

function defaultDaemonSet(o: KubeObject): void {
  const sp = spec(o);
  defaultStrategy(sp, "updateStrategy", "RollingUpdate", { maxUnavailable: 1, maxSurge: 0 });
  setDefault(sp, "revisionHistoryLimit", 10);
  defaultTemplate(sp);
}

const daemonSet: TypeHooks = {
  prepareForCreate(o) {
    defaultDaemonSet(o);
    o.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
  },
  prepareForUpdate: (o) => defaultDaemonSet(o),
  validate: (o, old) => [...validateSelector(o, old), ...validateTemplate(o)],
};

const JOB_UID_LABEL = "batch.kubernetes.io/controller-uid";
const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

function defaultJobSpec(sp: Obj): void {
  if (sp.completions === undefined && sp.parallelism === undefined) {
    sp.completions = 1;
    sp.parallelism = 1;
  }
  setDefault(sp, "parallelism", 1);
  setDefault(sp, "backoffLimit", 6);
  setDefault(sp, "completionMode", "NonIndexed");
  setDefault(sp, "suspend", false);
  setDefault(sp, "podReplacementPolicy", "TerminatingOrFailed");
  defaultTemplate(sp);
}

function validateJobSpec(sp: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const containers = sp.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) errs.push(fieldRequired(`${path}.template.spec.containers`));
  else errs.push(...validateContainers(containers, `${path}.template.spec.containers`));
  const rp = sp.template?.spec?.restartPolicy;
  if (rp !== "OnFailure" && rp !== "Never") {
    if (rp === undefined) errs.push(fieldRequired(`${path}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
    else errs.push(fieldNotSupported(`${path}.template.spec.restartPolicy`, rp, ["OnFailure", "Never"]));
  }
  return errs;
}

const job: TypeHooks = {
  prepareForCreate(o) {
    const sp = spec(o);
    const uid = o.metadata!.uid!;
    const jobName = o.metadata!.name!;
    if (!sp.manualSelector) {
      sp.selector = { matchLabels: { [JOB_UID_LABEL]: uid } };
      if (!isObject(sp.template)) sp.template = {};
      const tm = ((sp.template as Obj).metadata ??= {});
      tm.labels = { ...(tm.labels ?? {}), [JOB_UID_LABEL]: uid, [JOB_NAME_LABEL]: jobName, "controller-uid": uid, "job-name": jobName };
    }
    // The pod template is defaulted as a Pod would be, but Jobs must not default restartPolicy to Always.
    const rp = sp.template?.spec?.restartPolicy;
    defaultJobSpec(sp);
    if (isObject(sp.template?.spec) && rp === undefined) delete sp.template.spec.restartPolicy;
    o.status = {};
  },
  prepareForUpdate(o, old) {
    const sp = spec(o);
    const rp = sp.template?.spec?.restartPolicy;
    defaultJobSpec(sp);
    if (isObject(sp.template?.spec) && rp === undefined) delete sp.template.spec.restartPolicy;
    // selector and template labels are server-generated; keep them if the client omitted the selector
    if (sp.selector === undefined) sp.selector = (old.spec as Obj | undefined)?.selector;
  },
  validate(o, old) {
    const sp = (o.spec ?? {}) as Obj;
    const errs = validateJobSpec(sp, "spec");
    if (old) {
      const osp = (old.spec ?? {}) as Obj;
      if (!deepEqual(osp.selector, sp.selector)) errs.push(fieldImmutable("spec.selector", sp.selector));
      if (!deepEqual(osp.template, sp.template)) errs.push(fieldImmutable("spec.template", sp.template));
      if (osp.completions !== sp.completions && sp.completionMode !== "Indexed") errs.push(fieldImmutable("spec.completions", sp.completions));
      if (osp.completionMode !== sp.completionMode) errs.push(fieldImmutable("spec.completionMode", sp.completionMode));
    }
    return errs;
  },
};

function defaultCronJob(o: KubeObject): void {
  const sp = spec(o);
  setDefault(sp, "concurrencyPolicy", "Allow");
  setDefault(sp, "suspend", false);
  setDefault(sp, "successfulJobsHistoryLimit", 3);
  setDefault(sp, "failedJobsHistoryLimit", 1);
  const jt = sp.jobTemplate?.spec;
  if (isObject(jt)) {
    const rp = (jt as Obj).template?.spec?.restartPolicy;
    defaultJobSpec(jt as Obj);
    if (isObject((jt as Obj).template?.spec) && rp === undefined) delete (jt as Obj).template.spec.restartPolicy;
  }
}

const cronJob: TypeHooks = {
  prepareForCreate(o) {
    defaultCronJob(o);
    o.status = {};
  },
  prepareForUpdate: (o) => defaultCronJob(o),
  validate(o) {
    const sp = (o.spec ?? {}) as Obj;
    const errs: FieldError[] = [];
    if (!sp.schedule) errs.push(fieldRequired("spec.schedule"));
    errs.push(...validateJobSpec(sp.jobTemplate?.spec ?? {}, "spec.jobTemplate.spec"));
    return errs;
  },
};

const pod: TypeHooks = {
  prepareForCreate(o) {
    const sp = spec(o);
    defaultPodSpec(sp);
    setDefault(sp, "enableServiceLinks", true);
    setDefault(sp, "preemptionPolicy", "PreemptLowerPriority");
    setDefault(sp, "priority", 0);
    setDefault(sp, "serviceAccountName", "default");
    setDefault(sp, "serviceAccount", sp.serviceAccountName);
    o.status = { phase: "Pending", qosClass: "BestEffort" };
  },
  prepareForUpdate(o, old) {
    // Pod specs are nearly immutable; keep the server-defaulted values when a client omits them.
    const sp = spec(o);
    const osp = (old.spec ?? {}) as Obj;
    for (const k of ["nodeName", "serviceAccountName", "serviceAccount", "priority", "preemptionPolicy", "enableServiceLinks", "schedulerName", "dnsPolicy", "restartPolicy", "terminationGracePeriodSeconds", "securityContext"])
      if (sp[k] === undefined && osp[k] !== undefined) sp[k] = osp[k];
    defaultPodSpec(sp);
  },
  validate(o, old) {
    const sp = (o.spec ?? {}) as Obj;
    if (!Array.isArray(sp.containers) || sp.containers.length === 0) return [fieldRequired("spec.containers")];
    const errs = validateContainers(sp.containers, "spec.containers");
    if (old) {
      const osp = (old.spec ?? {}) as Obj;
      const strip = (s: Obj) => ({
        ...s,
        containers: (s.containers ?? []).map((c: Obj) => ({ ...c, image: undefined })),
        initContainers: (s.initContainers ?? []).map((c: Obj) => ({ ...c, image: undefined })),
        activeDeadlineSeconds: undefined,
        tolerations: undefined,
        terminationGracePeriodSeconds: undefined,
        schedulingGates: undefined,
      });
      if (!deepEqual(strip(sp), strip(osp)))
        errs.push(
          fieldForbidden(
            "spec",
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
          ),
        );
    }
    return errs;
  },
};

function defaultService(o: KubeObject, ctx: HookContext, old?: KubeObject): void {
  const sp = spec(o);
  const osp = (old?.spec ?? {}) as Obj;
  setDefault(sp, "type", "ClusterIP");
  if (sp.type !== "ExternalName") {
    setDefault(sp, "sessionAffinity", "None");
    if (!sp.clusterIP && osp.clusterIP) sp.clusterIP = osp.clusterIP;
    if (!sp.clusterIPs && osp.clusterIPs && sp.clusterIP === osp.clusterIP) sp.clusterIPs = osp.clusterIPs;
    if (!sp.clusterIP) sp.clusterIP = ctx.allocateClusterIP();
    if (!sp.clusterIPs) sp.clusterIPs = [sp.clusterIP];
    setDefault(sp, "ipFamilies", ["IPv4"]);
    setDefault(sp, "ipFamilyPolicy", "SingleStack");
    setDefault(sp, "internalTrafficPolicy", "Cluster");
  }
  const oldPorts: Obj[] = osp.ports ?? [];
  for (const p of (sp.ports ?? []) as Obj[]) {
    if (!isObject(p)) continue;
    setDefault(p, "protocol", "TCP");
    if (sp.type !== "ExternalName") setDefault(p, "targetPort", p.port);
    if (sp.type === "NodePort" || sp.type === "LoadBalancer") {
      if (!p.nodePort) {
        const prev = oldPorts.find((q) => q.port === p.port && (q.protocol ?? "TCP") === p.protocol && q.nodePort);
        p.nodePort = prev ? prev.nodePort : ctx.allocateNodePort();
      }
    }
  }
  if (sp.type === "NodePort" || sp.type === "LoadBalancer") setDefault(sp, "externalTrafficPolicy", "Cluster");
  if (sp.type === "LoadBalancer") setDefault(sp, "allocateLoadBalancerNodePorts", true);
}

const service: TypeHooks = {
  prepareForCreate(o, ctx) {
    defaultService(o, ctx);
    o.status = { loadBalancer: {} };
  },
  prepareForUpdate: (o, old, ctx) => defaultService(o, ctx, old),
  validate(o, old) {
    const sp = (o.spec ?? {}) as Obj;
    const errs: FieldError[] = [];
    const types = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
    if (!types.includes(sp.type)) errs.push(fieldNotSupported("spec.type", sp.type, types));
    if (sp.type === "ExternalName" && !sp.externalName) errs.push(fieldRequired("spec.externalName"));
    if (sp.type !== "ExternalName" && sp.clusterIP !== "None" && (!Array.isArray(sp.ports) || sp.ports.length === 0)) errs.push(fieldRequired("spec.ports"));
    (sp.ports ?? []).forEach((p: Obj, i: number) => {
      if (typeof p?.port !== "number" || p.port < 1 || p.port > 65535)
        errs.push(fieldInvalid(`spec.ports[${i}].port`, p?.port ?? 0, "must be between 1 and 65535, inclusive"));
      if ((sp.ports as Obj[]).length > 1 && !p?.name) errs.push(fieldRequired(`spec.ports[${i}].name`));
    });
    if (old) {
      const osp = (old.spec ?? {}) as Obj;
      if (osp.clusterIP && osp.type !== "ExternalName" && sp.type !== "ExternalName" && sp.clusterIP !== osp.clusterIP)
        errs.push(fieldImmutable("spec.clusterIP", sp.clusterIP));
    }
    return errs;
  },
};

const namespace: TypeHooks = {
  prepareForCreate(o) {
    const sp = spec(o);
    if (!Array.isArray(sp.finalizers) || sp.finalizers.length === 0) sp.finalizers = ["kubernetes"];
    o.status = { phase: "Active" };
    o.metadata!.labels = { ...(o.metadata!.labels ?? {}), "kubernetes.io/metadata.name": o.metadata!.name! };
  },
  prepareForUpdate(o, old) {
    // spec.finalizers only changes through the finalize subresource
    o.spec = old.spec;
    o.metadata!.labels = { ...(o.metadata!.labels ?? {}), "kubernetes.io/metadata.name": o.metadata!.name! };
  },
};

function mergeStringData(o: KubeObject): void {
  const s = o as Obj;
  if (isObject(s.stringData)) {
    s.data = { ...(s.data ?? {}) };
    for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(String(v), "utf8").toString("base64");
    delete s.stringData;
  }
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

function validateDataKeys(data: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(data)) return errs;
  for (const k of Object.keys(data)) {
    if (!CONFIG_KEY.test(k) || k.length > 253)
      errs.push(fieldInvalid(`${path}[${k}]`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
  }
  return errs;
}

function immutableData(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  if (!old || (old as Obj).immutable !== true) return [];
  const errs: FieldError[] = [];
  if (!deepEqual((o as Obj).data, (old as Obj).data)) errs.push(fieldForbidden("data", "field is immutable when `immutable` is set"));
  if (!deepEqual((o as Obj).binaryData, (old as Obj).binaryData)) errs.push(fieldForbidden("binaryData", "field is immutable when `immutable` is set"));
  if ((o as Obj).immutable !== true) errs.push(fieldForbidden("immutable", "field is immutable when `immutable` is set"));
  return errs;
}

const secret: TypeHooks = {
  prepareForCreate(o) {
    mergeStringData(o);
    setDefault(o as Obj, "type", "Opaque");
  },
  prepareForUpdate(o, old) {
    mergeStringData(o);
    setDefault(o as Obj, "type", (old as Obj).type ?? "Opaque");
  },
  validate(o, old) {
    const errs = validateDataKeys((o as Obj).data, "data");
    for (const [k, v] of Object.entries(((o as Obj).data ?? {}) as Obj)) {
      if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0)
        errs.push(fieldInvalid(`data[${k}]`, "<secret contents redacted>", "illegal base64 data"));
    }
    if (old && (old as Obj).type !== (o as Obj).type) errs.push(fieldImmutable("type", (o as Obj).type));
    errs.push(...immutableData(o, old));
    return errs;
  },
};

const configMap: TypeHooks = {
  validate(o, old) {
    const errs = [...validateDataKeys((o as Obj).data, "data"), ...validateDataKeys((o as Obj).binaryData, "binaryData")];
    for (const k of Object.keys(((o as Obj).data ?? {}) as Obj))
      if (k in (((o as Obj).binaryData ?? {}) as Obj)) errs.push(fieldInvalid(`data[${k}]`, k, "duplicate of key present in binaryData"));
    errs.push(...immutableData(o, old));
    return errs;
  },
};

const storageClass: TypeHooks = {
  prepareForCreate(o) {
    setDefault(o as Obj, "reclaimPolicy", "Delete");
    setDefault(o as Obj, "volumeBindingMode", "Immediate");
  },
  prepareForUpdate(o) {
    setDefault(o as Obj, "reclaimPolicy", "Delete");
    setDefault(o as Obj, "volumeBindingMode", "Immediate");
  },
  validate(o, old) {
    const errs: FieldError[] = [];
    if (!(o as Obj).provisioner) errs.push(fieldRequired("provisioner"));
    if (old) {
      for (const k of ["parameters", "provisioner", "reclaimPolicy", "volumeBindingMode"])
        if (!deepEqual((o as Obj)[k], (old as Obj)[k])) errs.push(fieldForbidden(k, "updates to " + k + " are forbidden."));
    }
    return errs;
  },
};

const pvc: TypeHooks = {
  prepareForCreate(o) {
    setDefault(spec(o), "volumeMode", "Filesystem");
    o.status = { phase: "Pending" };
  },
  prepareForUpdate(o, old) {
    setDefault(spec(o), "volumeMode", (old.spec as Obj | undefined)?.volumeMode ?? "Filesystem");
  },
};

const priorityClass: TypeHooks = {
  prepareForCreate: (o) => setDefault(o as Obj, "preemptionPolicy", "PreemptLowerPriority"),
  prepareForUpdate: (o) => setDefault(o as Obj, "preemptionPolicy", "PreemptLowerPriority"),
  validate(o, old) {
    const errs: FieldError[] = [];
    if (typeof (o as Obj).value !== "number") errs.push(fieldRequired("value"));
    if (old && (old as Obj).value !== (o as Obj).value) errs.push(fieldForbidden("value", "may not be changed in an update."));
    return errs;
  },
};

const lease: TypeHooks = {};

/** Hooks by `<group>/<plural>`. */
export const builtinHooks: Record<string, TypeHooks> = {
  "apps/deployments": deployment,
  "apps/replicasets": replicaSet,
  "apps/statefulsets": statefulSet,
  "apps/daemonsets": daemonSet,
  "batch/jobs": job,
  "batch/cronjobs": cronJob,
  "/pods": pod,
  "/services": service,
  "/namespaces": namespace,
  "/secrets": secret,
  "/configmaps": configMap,
  "/persistentvolumeclaims": pvc,
  "storage.k8s.io/storageclasses": storageClass,
  "scheduling.k8s.io/priorityclasses": priorityClass,
  "coordination.k8s.io/leases": lease,
};
