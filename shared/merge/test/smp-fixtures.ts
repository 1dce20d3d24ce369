/** Objects the strategic merge patch tests patch; realistic enough that every merge list has something in it. */

export const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "default",
    labels: { app: "web", tier: "front" },
    annotations: { note: "keep", drop: "me" },
    finalizers: ["f1", "f2"],
    ownerReferences: [
      { apiVersion: "v1", kind: "ConfigMap", name: "owner-a", uid: "uid-a" },
      { apiVersion: "v1", kind: "ConfigMap", name: "owner-b", uid: "uid-b", controller: true },
    ],
  },
  spec: {
    replicas: 2,
    paused: false,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: "web" }, annotations: { a: "1" } },
      spec: {
        initContainers: [{ name: "init", image: "busybox", command: ["sh", "-c", "true"] }],
        containers: [
          {
            name: "a",
            image: "nginx:1",
            args: ["--one", "--two"],
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
            ports: [
              { containerPort: 80, name: "http", protocol: "TCP" },
              { containerPort: 443, name: "https", protocol: "TCP" },
            ],
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "cfg", mountPath: "/etc/cfg", readOnly: true },
            ],
          },
          { name: "b", image: "sidecar:1" },
        ],
        volumes: [
          { name: "data", emptyDir: {} },
          { name: "cfg", configMap: { name: "cfg" } },
        ],
        imagePullSecrets: [{ name: "r1" }],
        tolerations: [{ key: "k1", operator: "Exists", effect: "NoSchedule" }],
        nodeSelector: { disk: "ssd" },
        hostAliases: [{ ip: "10.0.0.1", hostnames: ["a.local"] }],
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } } },
        ],
      },
    },
  },
};

export const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "dns", labels: { app: "dns" } },
  spec: {
    containers: [
      {
        name: "dns",
        image: "coredns:1",
        ports: [
          { containerPort: 53, protocol: "TCP", name: "dns-tcp" },
          { containerPort: 53, protocol: "UDP", name: "dns-udp" },
        ],
      },
    ],
    ephemeralContainers: [{ name: "debug", image: "busybox" }],
    readinessGates: [{ conditionType: "ready-a" }],
  },
  status: {
    conditions: [
      { type: "Ready", status: "False" },
      { type: "Initialized", status: "True" },
    ],
    podIPs: [{ ip: "10.1.0.5" }],
  },
};

export const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web" },
  spec: {
    selector: { app: "web", tier: "front" },
    ports: [
      { name: "http", port: 80, protocol: "TCP", targetPort: 8080 },
      { name: "https", port: 443, protocol: "TCP", targetPort: 8443 },
    ],
    externalIPs: ["1.2.3.4"],
  },
};

export const statefulSet = {
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "db" },
  spec: {
    serviceName: "db",
    selector: { matchLabels: { app: "db" } },
    template: {
      metadata: { labels: { app: "db" } },
      spec: { containers: [{ name: "db", image: "postgres:15", env: [{ name: "PGDATA", value: "/var/lib/pg" }] }] },
    },
    volumeClaimTemplates: [
      { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
      { metadata: { name: "wal" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
    ],
  },
};

export const cronJob = {
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "nightly" },
  spec: {
    schedule: "0 0 * * *",
    jobTemplate: {
      metadata: { labels: { job: "nightly" } },
      spec: {
        template: {
          spec: {
            restartPolicy: "OnFailure",
            containers: [{ name: "run", image: "tool:1", env: [{ name: "MODE", value: "full" }] }],
          },
        },
      },
    },
  },
};

export const job = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "once" },
  spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "run", image: "tool:1" }] } } },
  status: {
    conditions: [
      { type: "Suspended", status: "False" },
      { type: "Complete", status: "False" },
    ],
  },
};

export const configMap = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "cfg", labels: { a: "1" } },
  data: { keep: "1", change: "old", drop: "x" },
};

export const role = {
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "Role",
  metadata: { name: "reader" },
  rules: [
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
  ],
};

export const roleBinding = {
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "RoleBinding",
  metadata: { name: "reader" },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
  subjects: [
    { kind: "ServiceAccount", name: "a", namespace: "default" },
    { kind: "ServiceAccount", name: "b", namespace: "default" },
  ],
};

export const namespace = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: "team" },
  spec: { finalizers: ["kubernetes", "custom"] },
};

export const serviceAccount = {
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name: "builder" },
  secrets: [{ name: "token-a" }],
  imagePullSecrets: [{ name: "pull-a" }],
};

export const hpa = {
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web" },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
  },
  status: {
    currentReplicas: 1,
    desiredReplicas: 1,
    conditions: [
      { type: "AbleToScale", status: "True" },
      { type: "ScalingActive", status: "True" },
    ],
  },
};

export const webhookConfiguration = {
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingWebhookConfiguration",
  metadata: { name: "policy" },
  webhooks: [
    {
      name: "a.example.com",
      admissionReviewVersions: ["v1"],
      sideEffects: "None",
      clientConfig: { service: { name: "wh", namespace: "default" } },
      rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }],
    },
    {
      name: "b.example.com",
      admissionReviewVersions: ["v1"],
      sideEffects: "None",
      clientConfig: { url: "https://b.example.com" },
    },
  ],
};

export const ingress = {
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "web" },
  spec: {
    rules: [{ host: "a.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }],
    tls: [{ hosts: ["a.example.com"], secretName: "tls-a" }],
  },
};

export const daemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "agent" },
  spec: {
    selector: { matchLabels: { app: "agent" } },
    template: {
      metadata: { labels: { app: "agent" } },
      spec: {
        containers: [{ name: "agent", image: "agent:1", volumeMounts: [{ name: "host", mountPath: "/host" }] }],
        volumes: [{ name: "host", hostPath: { path: "/" } }],
        tolerations: [{ operator: "Exists" }],
      },
    },
  },
};

export const pdb = {
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name: "web" },
  spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
  status: { conditions: [{ type: "DisruptionAllowed", status: "True" }] },
};

export const networkPolicy = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "deny" },
  spec: {
    podSelector: { matchLabels: { app: "web" } },
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "a" } } }] }],
  },
};

/** A Deployment whose finalizers and containers are longer than one 20-element block of Go's stable sort. */
export const bigDeployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "big", finalizers: Array.from({ length: 25 }, (_, i) => `f${i}`) },
  spec: {
    selector: { matchLabels: { app: "big" } },
    template: {
      metadata: { labels: { app: "big" } },
      spec: { containers: Array.from({ length: 23 }, (_, i) => ({ name: `c${i}`, image: `img:${i}` })) },
    },
  },
};
