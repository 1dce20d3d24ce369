/**
 * Server-side printers for the built-in kinds, after k8s.io/kubernetes/pkg/printers/internalversion (1.32).
 * The server always prints the wide cells; kubectl hides priority>0 columns unless `-o wide`.
 */
import type { KubeObject } from "./registry.js";
import { type Printer, ageColumn, col, nameColumn, AGE_DESCRIPTION } from "./table.js";
import { labelSelectorString } from "./selectors.js";
import { age, humanDuration, isObject } from "./util.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const name = (o: KubeObject): string => o.metadata?.name ?? "";
const ageOf = (o: KubeObject, now: number): string => age(o.metadata?.creationTimestamp, now);
const spec = (o: KubeObject): Obj => (isObject(o.spec) ? (o.spec as Obj) : {});
const status = (o: KubeObject): Obj => (isObject(o.status) ? (o.status as Obj) : {});
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const none = (s: string): string => (s === "" ? "<none>" : s);

function formatLabels(m: unknown): string {
  if (!isObject(m)) return "<none>";
  const parts = Object.keys(m)
    .sort()
    .map((k) => `${k}=${String(m[k])}`);
  return none(parts.join(","));
}

function selectorText(sel: unknown): string {
  if (!isObject(sel)) return "<none>";
  const s = labelSelectorString(sel);
  return none(s);
}

function templateContainers(podSpec: Obj | undefined): [string, string] {
  const cs: Obj[] = Array.isArray(podSpec?.containers) ? podSpec!.containers : [];
  return [cs.map((c) => c.name ?? "").join(","), cs.map((c) => c.image ?? "").join(",")];
}

const containersCols = () => [
  col("Containers", "string", { priority: 1, description: "Names of each container in the template." }),
  col("Images", "string", { priority: 1, description: "Images referenced by each container in the template." }),
];

function podStatus(o: KubeObject): { ready: string; reason: string; restarts: number } {
  const sp = spec(o);
  const st = status(o);
  const containers: Obj[] = Array.isArray(sp.containers) ? sp.containers : [];
  let reason: string = st.reason || st.phase || "";
  let restarts = 0;
  let ready = 0;
  const statuses: Obj[] = Array.isArray(st.containerStatuses) ? st.containerStatuses : [];
  const initStatuses: Obj[] = Array.isArray(st.initContainerStatuses) ? st.initContainerStatuses : [];
  let initializing = false;
  initStatuses.forEach((c, i) => {
    restarts += num(c.restartCount);
    const term = c.state?.terminated;
    const wait = c.state?.waiting;
    if (term && term.exitCode === 0) return;
    if (term) {
      reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
      initializing = true;
    } else if (wait && wait.reason && wait.reason !== "PodInitializing") {
      reason = `Init:${wait.reason}`;
      initializing = true;
    } else if (!c.started) {
      reason = `Init:${i}/${(sp.initContainers ?? []).length}`;
      initializing = true;
    }
  });
  if (!initializing) {
    let hasRunning = false;
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += num(c.restartCount);
      const wait = c.state?.waiting;
      const term = c.state?.terminated;
      if (wait?.reason) reason = wait.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      const readyCond = (st.conditions ?? []).find((c: Obj) => c.type === "Ready");
      reason = readyCond?.status === "True" ? "Running" : "NotReady";
    }
  }
  if (o.metadata?.deletionTimestamp) reason = st.reason === "NodeLost" ? "Unknown" : "Terminating";
  return { ready: `${ready}/${containers.length}`, reason, restarts };
}

const pod: Printer = {
  columns: [
    nameColumn(),
    col("Ready", "string", { description: "The aggregate readiness state of this pod for accepting traffic." }),
    col("Status", "string", { description: "The aggregate status of the containers in this pod." }),
    col("Restarts", "string", { description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted." }),
    ageColumn(),
    col("IP", "string", { priority: 1, description: "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated." }),
    col("Node", "string", { priority: 1, description: "NodeName indicates in which node this pod is scheduled." }),
    col("Nominated Node", "string", { priority: 1, description: "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods." }),
    col("Readiness Gates", "string", { priority: 1, description: "If specified, all readiness gates will be evaluated for pod readiness." }),
  ],
  cells: (o, now) => {
    const s = podStatus(o);
    const st = status(o);
    const gates: Obj[] = spec(o).readinessGates ?? [];
    let gateText = "<none>";
    if (gates.length > 0) {
      const conds: Obj[] = st.conditions ?? [];
      const trueCount = gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === "True")).length;
      gateText = `${trueCount}/${gates.length}`;
    }
    return [name(o), s.ready, s.reason, String(s.restarts), ageOf(o, now), st.podIP || "<none>", spec(o).nodeName || "<none>", st.nominatedNodeName || "<none>", gateText];
  },
};

const deployment: Printer = {
  columns: [
    nameColumn(),
    col("Ready", "string", { description: "Number of the pod with ready state" }),
    col("Up-to-date", "integer", { description: "Total number of non-terminating pods targeted by this deployment that have the desired template spec." }),
    col("Available", "integer", { description: "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment." }),
    ageColumn(),
    ...containersCols(),
    col("Selector", "string", { priority: 1, description: "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels." }),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const st = status(o);
    const [c, i] = templateContainers(sp.template?.spec);
    return [name(o), `${num(st.readyReplicas)}/${num(sp.replicas)}`, num(st.updatedReplicas), num(st.availableReplicas), ageOf(o, now), c, i, selectorText(sp.selector)];
  },
};

const replicaSet: Printer = {
  columns: [
    nameColumn(),
    col("Desired", "integer", { description: "Replicas is the number of desired pods." }),
    col("Current", "integer", { description: "Replicas is the most recently observed number of non-terminating pods." }),
    col("Ready", "integer", { description: "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition." }),
    ageColumn(),
    ...containersCols(),
    col("Selector", "string", { priority: 1, description: "Selector is a label query over pods that should match the replica count." }),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const st = status(o);
    const [c, i] = templateContainers(sp.template?.spec);
    return [name(o), num(sp.replicas), num(st.replicas), num(st.readyReplicas), ageOf(o, now), c, i, selectorText(sp.selector)];
  },
};

const statefulSet: Printer = {
  columns: [nameColumn(), col("Ready", "string", { description: "Number of the pod with ready state" }), ageColumn(), ...containersCols()],
  cells: (o, now) => {
    const sp = spec(o);
    const [c, i] = templateContainers(sp.template?.spec);
    return [name(o), `${num(status(o).readyReplicas)}/${num(sp.replicas)}`, ageOf(o, now), c, i];
  },
};

const daemonSet: Printer = {
  columns: [
    nameColumn(),
    col("Desired", "integer", { description: "The total number of nodes that should be running the daemon pod." }),
    col("Current", "integer", { description: "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod." }),
    col("Ready", "integer", { description: "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition." }),
    col("Up-to-date", "integer", { description: "The total number of nodes that are running updated daemon pod" }),
    col("Available", "integer", { description: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)" }),
    col("Node Selector", "string", { description: "NodeSelector is a selector which must be true for the pod to fit on a node." }),
    ageColumn(),
    ...containersCols(),
    col("Selector", "string", { priority: 1, description: "A label query over pods that are managed by the daemon set." }),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const st = status(o);
    const [c, i] = templateContainers(sp.template?.spec);
    return [
      name(o),
      num(st.desiredNumberScheduled),
      num(st.currentNumberScheduled),
      num(st.numberReady),
      num(st.updatedNumberScheduled),
      num(st.numberAvailable),
      formatLabels(sp.template?.spec?.nodeSelector),
      ageOf(o, now),
      c,
      i,
      selectorText(sp.selector),
    ];
  },
};

function jobStatus(o: KubeObject): string {
  const conds: Obj[] = status(o).conditions ?? [];
  // hasJobCondition in printers.go: the first condition of a type decides.
  const has = (t: string) => conds.find((c) => c.type === t)?.status === "True";
  if (has("Complete")) return "Complete";
  if (has("Failed")) return "Failed";
  if (o.metadata?.deletionTimestamp) return "Terminating";
  if (has("Suspended")) return "Suspended";
  if (has("FailureTarget")) return "FailureTarget";
  return "Running";
}

const job: Printer = {
  columns: [
    nameColumn(),
    col("Status", "string", { description: "Status of the job." }),
    col("Completions", "string", { description: "The desired number of successfully finished pods the job should be run with." }),
    col("Duration", "string", { description: "Time required to complete the job." }),
    ageColumn(),
    ...containersCols(),
    col("Selector", "string", { priority: 1, description: "A label query over pods that should match the pod count." }),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const st = status(o);
    let completions: string;
    if (typeof sp.completions === "number") completions = `${num(st.succeeded)}/${sp.completions}`;
    else if (num(sp.parallelism) > 1) completions = `${num(st.succeeded)}/1 of ${sp.parallelism}`;
    else completions = `${num(st.succeeded)}/1`;
    let duration = "";
    if (st.startTime) {
      const start = Date.parse(st.startTime);
      duration = humanDuration((st.completionTime ? Date.parse(st.completionTime) : now) - start);
    }
    const [c, i] = templateContainers(sp.template?.spec);
    return [name(o), jobStatus(o), completions, duration, ageOf(o, now), c, i, selectorText(sp.selector)];
  },
};

const cronJob: Printer = {
  columns: [
    nameColumn(),
    col("Schedule", "string", { description: "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron." }),
    col("Timezone", "string", { description: "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones." }),
    col("Suspend", "boolean", { description: "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions." }),
    col("Active", "integer", { description: "A list of pointers to currently running jobs." }),
    col("Last Schedule", "string", { description: "Information when was the last time the job was successfully scheduled." }),
    ageColumn(),
    ...containersCols(),
    col("Selector", "string", { priority: 1, description: "A label query over pods that should match the pod count." }),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const st = status(o);
    const [c, i] = templateContainers(sp.jobTemplate?.spec?.template?.spec);
    const suspend = typeof sp.suspend === "boolean" ? (sp.suspend ? "True" : "False") : "<unset>";
    return [
      name(o),
      sp.schedule ?? "",
      sp.timeZone || "<none>",
      suspend,
      Array.isArray(st.active) ? st.active.length : 0,
      st.lastScheduleTime ? age(st.lastScheduleTime, now) : "<none>",
      ageOf(o, now),
      c,
      i,
      selectorText(sp.jobTemplate?.spec?.selector),
    ];
  },
};

function loadBalancerIngress(st: Obj): string[] {
  const ing: Obj[] = st.loadBalancer?.ingress ?? [];
  return ing.map((i) => i.ip || i.hostname).filter(Boolean);
}

const service: Printer = {
  columns: [
    nameColumn(),
    col("Type", "string", { description: "type determines how the Service is exposed." }),
    col("Cluster-IP", "string", { description: "clusterIP is the IP address of the service and is usually assigned randomly." }),
    col("External-IP", "string", { description: "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service." }),
    col("Port(s)", "string", { description: "The list of ports that are exposed by this service." }),
    ageColumn(),
    col("Selector", "string", { priority: 1, description: "Route service traffic to pods with label keys and values matching this selector." }),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const type = sp.type || "ClusterIP";
    const ext: string[] = Array.isArray(sp.externalIPs) ? sp.externalIPs : [];
    let external: string;
    switch (type) {
      case "LoadBalancer": {
        const lb = [...loadBalancerIngress(status(o)), ...ext];
        external = lb.length ? lb.join(",") : "<pending>";
        break;
      }
      case "ExternalName":
        external = sp.externalName ?? "";
        break;
      default:
        external = ext.length ? ext.join(",") : "<none>";
    }
    const ports: Obj[] = Array.isArray(sp.ports) ? sp.ports : [];
    const portText = ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`)).join(",");
    return [name(o), type, sp.clusterIP || "<none>", external, none(portText), ageOf(o, now), formatLabels(sp.selector)];
  },
};

const ingress: Printer = {
  columns: [
    nameColumn(),
    col("Class", "string", { description: "The name of the IngressClass resource that should be used for ingress." }),
    col("Hosts", "string", { description: "Hosts that incoming requests are matched against before the ingress rule" }),
    col("Address", "string", { description: "Address is a list containing ingress points for the load-balancer" }),
    col("Ports", "string", { description: "Ports of TLS configurations that open" }),
    ageColumn(),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const rules: Obj[] = sp.rules ?? [];
    const hosts = rules.map((r) => r.host).filter(Boolean);
    const ports = Array.isArray(sp.tls) && sp.tls.length > 0 ? "80, 443" : "80";
    return [name(o), sp.ingressClassName || "<none>", hosts.length ? hosts.join(",") : "*", loadBalancerIngress(status(o)).join(","), ports, ageOf(o, now)];
  },
};

const ingressClass: Printer = {
  columns: [
    nameColumn(),
    col("Controller", "string", { description: "Controller that is responsible for handling this class" }),
    col("Parameters", "string", { description: "A reference to a resource with additional parameters" }),
    ageColumn(),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const p = sp.parameters;
    const params = isObject(p) ? `${p.apiGroup ? `${String(p.kind)}.${String(p.apiGroup)}` : String(p.kind)}/${String(p.name)}` : "<none>";
    return [name(o), sp.controller ?? "", params, ageOf(o, now)];
  },
};

const namespace: Printer = {
  columns: [nameColumn(), col("Status", "string", { description: "The status of the namespace" }), ageColumn()],
  cells: (o, now) => [name(o), status(o).phase ?? "", ageOf(o, now)],
};

const secret: Printer = {
  columns: [
    nameColumn(),
    col("Type", "string", { description: "Used to facilitate programmatic handling of secret data." }),
    col("Data", "integer", { description: "Data contains the secret data." }),
    ageColumn(),
  ],
  cells: (o, now) => [name(o), (o as Obj).type ?? "", Object.keys((o as Obj).data ?? {}).length, ageOf(o, now)],
};

const configMap: Printer = {
  columns: [nameColumn(), col("Data", "integer", { description: "Data contains the configuration data." }), ageColumn()],
  cells: (o, now) => [name(o), Object.keys((o as Obj).data ?? {}).length + Object.keys((o as Obj).binaryData ?? {}).length, ageOf(o, now)],
};

const serviceAccount: Printer = {
  columns: [nameColumn(), col("Secrets", "integer", { description: "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use." }), ageColumn()],
  cells: (o, now) => [name(o), Array.isArray((o as Obj).secrets) ? (o as Obj).secrets.length : 0, ageOf(o, now)],
};

const endpoints: Printer = {
  columns: [nameColumn(), col("Endpoints", "string", { description: "The set of all endpoints is the union of all subsets." }), ageColumn()],
  cells: (o, now) => {
    const out: string[] = [];
    for (const s of ((o as Obj).subsets ?? []) as Obj[]) {
      const ports: Obj[] = s.ports?.length ? s.ports : [{}];
      for (const a of (s.addresses ?? []) as Obj[]) for (const p of ports) out.push(p.port ? `${a.ip}:${p.port}` : a.ip);
    }
    let text = out.slice(0, 3).join(",");
    if (out.length > 3) text += ` + ${out.length - 3} more...`;
    return [name(o), none(text), ageOf(o, now)];
  },
};

const event: Printer = {
  columns: [
    col("Last Seen", "string", { description: "The time at which the most recent occurrence of this event was recorded." }),
    col("Type", "string", { description: "Type of this event (Normal, Warning), new types could be added in the future" }),
    col("Reason", "string", { description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status." }),
    col("Object", "string", { description: "The object that this event is about." }),
    col("Subobject", "string", { priority: 1, description: "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]." }),
    col("Source", "string", { priority: 1, description: "The component reporting this event. Should be a short machine understandable string." }),
    col("Message", "string", { description: "A human-readable description of the status of this operation." }),
    col("First Seen", "string", { priority: 1, description: "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)" }),
    col("Count", "string", { priority: 1, description: "The number of times this event has occurred." }),
    col("Name", "string", { priority: 1, format: "name", description: "Name must be unique within a namespace." }),
  ],
  cells: (o, now) => {
    const e = o as Obj;
    let first = e.firstTimestamp ? age(e.firstTimestamp, now) : e.eventTime ? age(e.eventTime, now) : "<unknown>";
    let last = e.lastTimestamp ? age(e.lastTimestamp, now) : first;
    let count = num(e.count);
    if (isObject(e.series)) {
      last = age(e.series.lastObservedTime, now);
      count = num(e.series.count);
    } else if (count === 0) count = 1;
    if (!e.firstTimestamp && !e.eventTime) first = "<unknown>";
    const io = e.involvedObject ?? {};
    const kind = String(io.kind ?? "").toLowerCase();
    const target = io.name ? `${kind}/${io.name}` : kind;
    let source = e.source?.component || e.reportingComponent || "";
    const host = e.source?.host || e.reportingInstance || "";
    if (host) source = source ? `${source}, ${host}` : host;
    return [last, e.type ?? "", e.reason ?? "", target, io.fieldPath ?? "", source, String(e.message ?? "").trim(), first, count, name(o)];
  },
};

const accessModeShort: Record<string, string> = { ReadWriteOnce: "RWO", ReadOnlyMany: "ROX", ReadWriteMany: "RWX", ReadWriteOncePod: "RWOP" };

const pvc: Printer = {
  columns: [
    nameColumn(),
    col("Status", "string", { description: "PersistentVolumeClaimStatus is the current status of a persistent volume claim." }),
    col("Volume", "string", { description: "volumeName is the binding reference to the PersistentVolume backing this claim." }),
    col("Capacity", "string", { description: "capacity represents the actual resources of the underlying volume." }),
    col("Access Modes", "string", { description: "accessModes contains the desired access modes the volume should have." }),
    col("StorageClass", "string", { description: "StorageClassName of the persistent volume claim." }),
    col("VolumeAttributesClass", "string", { description: "VolumeAttributesClassName of the persistent volume claim." }),
    ageColumn(),
    col("VolumeMode", "string", { priority: 1, description: "volumeMode defines what type of volume is required by the claim." }),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const st = status(o);
    const modes: string[] = (st.accessModes ?? []).map((m: string) => accessModeShort[m] ?? m);
    return [
      name(o),
      o.metadata?.deletionTimestamp ? "Terminating" : (st.phase ?? ""),
      sp.volumeName ?? "",
      st.capacity?.storage ?? "",
      modes.join(","),
      sp.storageClassName ?? "",
      sp.volumeAttributesClassName || "<unset>",
      ageOf(o, now),
      sp.volumeMode || "<unset>",
    ];
  },
};

const storageClass: Printer = {
  columns: [
    nameColumn(),
    col("Provisioner", "string", { description: "Indicates the type of the provisioner." }),
    col("ReclaimPolicy", "string", { description: "Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy." }),
    col("VolumeBindingMode", "string", { description: "VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound." }),
    col("AllowVolumeExpansion", "string", { description: "AllowVolumeExpansion shows whether the storage class allow volume expand." }),
    ageColumn(),
  ],
  cells: (o, now) => {
    const s = o as Obj;
    const ann = o.metadata?.annotations ?? {};
    const isDefault = ann["storageclass.kubernetes.io/is-default-class"] === "true" || ann["storageclass.beta.kubernetes.io/is-default-class"] === "true";
    return [isDefault ? `${name(o)} (default)` : name(o), s.provisioner ?? "", s.reclaimPolicy ?? "Delete", s.volumeBindingMode ?? "Immediate", String(s.allowVolumeExpansion ?? false), ageOf(o, now)];
  },
};

const createdAt: Printer = {
  columns: [nameColumn(), col("Created At", "date", { description: AGE_DESCRIPTION })],
  cells: (o) => [name(o), o.metadata?.creationTimestamp ?? null],
};

const roleBinding: Printer = {
  columns: [
    nameColumn(),
    col("Role", "string", { description: "RoleRef references a Role or ClusterRole." }),
    ageColumn(),
    col("Users", "string", { priority: 1, description: "Users in the roleBinding" }),
    col("Groups", "string", { priority: 1, description: "Groups in the roleBinding" }),
    col("ServiceAccounts", "string", { priority: 1, description: "ServiceAccounts in the roleBinding" }),
  ],
  cells: (o, now) => {
    const b = o as Obj;
    const subjects: Obj[] = b.subjects ?? [];
    const users = subjects.filter((s) => s.kind === "User").map((s) => s.name);
    const groups = subjects.filter((s) => s.kind === "Group").map((s) => s.name);
    const sas = subjects.filter((s) => s.kind === "ServiceAccount").map((s) => `${s.namespace ?? ""}/${s.name}`);
    return [name(o), `${b.roleRef?.kind ?? ""}/${b.roleRef?.name ?? ""}`, ageOf(o, now), users.join(", "), groups.join(", "), sas.join(", ")];
  },
};

const lease: Printer = {
  columns: [nameColumn(), col("Holder", "string", { description: "HolderIdentity contains the identity of the holder of a current lease." }), ageColumn()],
  cells: (o, now) => [name(o), spec(o).holderIdentity ?? "", ageOf(o, now)],
};

const hpa: Printer = {
  columns: [
    nameColumn(),
    col("Reference", "string", { description: "Reference to the scaled target" }),
    col("Targets", "string", { description: "Metrics and their current values" }),
    col("MinPods", "string", { description: "Minimum number of replicas" }),
    col("MaxPods", "integer", { description: "Maximum number of replicas" }),
    col("Replicas", "integer", { description: "Current number of replicas" }),
    ageColumn(),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    const ref = sp.scaleTargetRef ?? {};
    const metrics: Obj[] = sp.metrics ?? [];
    const targets = metrics.length
      ? metrics
          .map((m) => {
            const t = m.resource?.target ?? m.pods?.target ?? m.object?.target ?? m.external?.target ?? m.containerResource?.target ?? {};
            const want = t.averageUtilization !== undefined ? `${t.averageUtilization}%` : (t.averageValue ?? t.value ?? "");
            const label = m.resource?.name ? `${m.resource.name}: ` : "";
            return `${label}<unknown>/${want}`;
          })
          .join(", ")
      : "<none>";
    return [name(o), `${ref.kind ?? ""}/${ref.name ?? ""}`, targets, typeof sp.minReplicas === "number" ? String(sp.minReplicas) : "<unset>", num(sp.maxReplicas), num(status(o).currentReplicas), ageOf(o, now)];
  },
};

const pdb: Printer = {
  columns: [
    nameColumn(),
    col("Min Available", "string", { description: "The minimum number of pods that must be available." }),
    col("Max Unavailable", "string", { description: "The maximum number of pods that may be unavailable." }),
    col("Allowed Disruptions", "integer", { description: "Calculated number of pods that may be disrupted at this time." }),
    ageColumn(),
  ],
  cells: (o, now) => {
    const sp = spec(o);
    return [name(o), sp.minAvailable !== undefined ? String(sp.minAvailable) : "N/A", sp.maxUnavailable !== undefined ? String(sp.maxUnavailable) : "N/A", num(status(o).disruptionsAllowed), ageOf(o, now)];
  },
};

const priorityClass: Printer = {
  columns: [
    nameColumn(),
    col("Value", "integer", { description: "The value of this priority class." }),
    col("Global-Default", "boolean", { description: "globalDefault specifies whether this PriorityClass should be considered as the default priority." }),
    ageColumn(),
    col("PreemptionPolicy", "string", { description: "PreemptionPolicy is the Policy for preempting pods with lower priority." }),
  ],
  cells: (o, now) => {
    const p = o as Obj;
    return [name(o), num(p.value), Boolean(p.globalDefault), ageOf(o, now), p.preemptionPolicy ?? "PreemptLowerPriority"];
  },
};

const networkPolicy: Printer = {
  columns: [nameColumn(), col("Pod-Selector", "string", { description: "Selects the pods to which this NetworkPolicy object applies." }), ageColumn()],
  cells: (o, now) => [name(o), selectorText(spec(o).podSelector), ageOf(o, now)],
};

const webhookConfiguration: Printer = {
  columns: [nameColumn(), col("Webhooks", "integer", { description: "Webhooks is a list of webhooks and the affected resources and operations." }), ageColumn()],
  cells: (o, now) => [name(o), Array.isArray((o as Obj).webhooks) ? (o as Obj).webhooks.length : 0, ageOf(o, now)],
};

/** printScale: the Table of every built-in `/scale` subresource. */
export const scalePrinter: Printer = {
  columns: [
    nameColumn(),
    col("Desired", "integer", { description: "replicas is the desired number of instances for the scaled object." }),
    col("Available", "integer", { description: "replicas is the actual number of observed instances of the scaled object." }),
    ageColumn(),
  ],
  cells: (o, now) => [name(o), num(spec(o).replicas), num(status(o).replicas), ageOf(o, now)],
};

/** Printers by `<group>/<plural>`. Types not listed use the default (Name, Created At). */
export const builtinPrinters: Record<string, Printer> = {
  "/pods": pod,
  "apps/deployments": deployment,
  "apps/replicasets": replicaSet,
  "apps/statefulsets": statefulSet,
  "apps/daemonsets": daemonSet,
  "batch/jobs": job,
  "batch/cronjobs": cronJob,
  "/services": service,
  "networking.k8s.io/ingresses": ingress,
  "networking.k8s.io/ingressclasses": ingressClass,
  "networking.k8s.io/networkpolicies": networkPolicy,
  "/namespaces": namespace,
  "/secrets": secret,
  "/configmaps": configMap,
  "/serviceaccounts": serviceAccount,
  "/endpoints": endpoints,
  "/events": event,
  "/persistentvolumeclaims": pvc,
  "storage.k8s.io/storageclasses": storageClass,
  "rbac.authorization.k8s.io/roles": createdAt,
  "rbac.authorization.k8s.io/clusterroles": createdAt,
  "rbac.authorization.k8s.io/rolebindings": roleBinding,
  "rbac.authorization.k8s.io/clusterrolebindings": roleBinding,
  "coordination.k8s.io/leases": lease,
  "autoscaling/horizontalpodautoscalers": hpa,
  "policy/poddisruptionbudgets": pdb,
  "scheduling.k8s.io/priorityclasses": priorityClass,
  "admissionregistration.k8s.io/validatingwebhookconfigurations": webhookConfiguration,
  "admissionregistration.k8s.io/mutatingwebhookconfigurations": webhookConfiguration,
};
