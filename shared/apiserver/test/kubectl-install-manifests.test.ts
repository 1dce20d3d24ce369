/**
 * A controller installation manifest in the shape Flux's gotk-components.yaml has (namespace, RBAC, service
 * accounts, services, deployments with hardened pod specs, network policies, a resource quota) applied with
 * kubectl's defaults (client-side apply, strict field validation), re-applied unchanged, then applied
 * server-side: nothing may be rejected, dropped or churned.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestCluster, type TestCluster } from "./harness.js";

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
});
after(async () => {
  await c.stop();
});

const labels = { "app.kubernetes.io/instance": "flux-system", "app.kubernetes.io/part-of": "flux", "app.kubernetes.io/version": "v2.4.0" };

function controller(name: string): object[] {
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: "flux-system", labels } },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: "flux-system", labels: { ...labels, "control-plane": "controller" } },
      spec: { type: "ClusterIP", selector: { app: name }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }] },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: "flux-system", labels: { ...labels, "control-plane": "controller" } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { annotations: { "prometheus.io/port": "8080", "prometheus.io/scrape": "true" }, labels: { app: name } },
          spec: {
            automountServiceAccountToken: true,
            containers: [
              {
                name: "manager",
                image: `ghcr.io/fluxcd/${name}:v1.4.0`,
                imagePullPolicy: "IfNotPresent",
                args: ["--events-addr=http://notification-controller.flux-system.svc.cluster.local./", "--watch-all-namespaces=true", "--log-level=info", "--log-encoding=json", "--enable-leader-election"],
                env: [
                  { name: "RUNTIME_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                  { name: "GOMAXPROCS", valueFrom: { resourceFieldRef: { containerName: "manager", resource: "limits.cpu" } } },
                  { name: "GOMEMLIMIT", valueFrom: { resourceFieldRef: { containerName: "manager", resource: "limits.memory" } } },
                ],
                livenessProbe: { httpGet: { path: "/healthz", port: "healthz" } },
                readinessProbe: { httpGet: { path: "/readyz", port: "healthz" } },
                ports: [
                  { containerPort: 9090, name: "http", protocol: "TCP" },
                  { containerPort: 8080, name: "http-prom", protocol: "TCP" },
                  { containerPort: 9440, name: "healthz", protocol: "TCP" },
                ],
                resources: { limits: { cpu: "1000m", memory: "1Gi" }, requests: { cpu: "50m", memory: "64Mi" } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                volumeMounts: [{ mountPath: "/tmp", name: "temp" }],
              },
            ],
            nodeSelector: { "kubernetes.io/os": "linux" },
            priorityClassName: "system-cluster-critical",
            securityContext: { fsGroup: 1337 },
            serviceAccountName: name,
            terminationGracePeriodSeconds: 60,
            volumes: [{ emptyDir: {}, name: "temp" }],
          },
        },
      },
    },
  ];
}

const manifests: object[] = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system", labels: { ...labels, "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/warn-version": "latest" } } },
  { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "critical-pods-flux-system", namespace: "flux-system", labels }, spec: { hard: { pods: "1000" }, scopeSelector: { matchExpressions: [{ operator: "In", scopeName: "PriorityClass", values: ["system-node-critical", "system-cluster-critical"] }] } } },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "crd-controller-flux-system", labels },
    rules: [
      { apiGroups: ["source.toolkit.fluxcd.io"], resources: ["*"], verbs: ["*"] },
      { apiGroups: [""], resources: ["namespaces", "secrets", "configmaps", "serviceaccounts"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
      { nonResourceURLs: ["/metrics"], verbs: ["get"] },
    ],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "flux-edit-flux-system", labels: { ...labels, "rbac.authorization.k8s.io/aggregate-to-admin": "true", "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
    rules: [{ apiGroups: ["notification.toolkit.fluxcd.io", "source.toolkit.fluxcd.io"], resources: ["*"], verbs: ["create", "delete", "deletecollection", "patch", "update"] }],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "crd-controller-flux-system", labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "crd-controller-flux-system" },
    subjects: [
      { kind: "ServiceAccount", name: "kustomize-controller", namespace: "flux-system" },
      { kind: "ServiceAccount", name: "source-controller", namespace: "flux-system" },
    ],
  },
  ...controller("source-controller"),
  ...controller("kustomize-controller"),
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "allow-egress", namespace: "flux-system", labels },
    spec: { egress: [{}], ingress: [{ from: [{ podSelector: {} }] }], podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "allow-webhooks", namespace: "flux-system", labels },
    spec: { ingress: [{ from: [{ namespaceSelector: {} }] }], podSelector: { matchLabels: { app: "notification-controller" } }, policyTypes: ["Ingress"] },
  },
];

// kubectl reads a stream of concatenated JSON documents
const input = manifests.map((m) => JSON.stringify(m)).join("\n");

describe("installation manifests", () => {
  test("apply creates everything, re-apply is unchanged, server-side apply takes over without churn", async () => {
    const first = await c.kubectlOk(["apply", "-f", "-"], { input });
    const lines = first.trim().split("\n");
    assert.equal(lines.length, manifests.length);
    assert.ok(lines.every((l) => l.endsWith(" created")), first);

    const before = JSON.parse(await c.kubectlOk(["get", "deploy,svc,sa,netpol,quota", "-n", "flux-system", "-o", "json"]));
    const second = await c.kubectlOk(["apply", "-f", "-"], { input });
    assert.ok(second.trim().split("\n").every((l) => l.endsWith(" unchanged")), second);
    const after = JSON.parse(await c.kubectlOk(["get", "deploy,svc,sa,netpol,quota", "-n", "flux-system", "-o", "json"]));
    assert.deepEqual(
      after.items.map((i: { metadata: { resourceVersion: string } }) => i.metadata.resourceVersion),
      before.items.map((i: { metadata: { resourceVersion: string } }) => i.metadata.resourceVersion),
    );

    const dep = JSON.parse(await c.kubectlOk(["get", "deploy", "source-controller", "-n", "flux-system", "-o", "json"]));
    const pod = dep.spec.template.spec;
    assert.deepEqual(pod.containers[0].securityContext.capabilities, { drop: ["ALL"] });
    assert.equal(pod.containers[0].env[1].valueFrom.resourceFieldRef.resource, "limits.cpu");
    assert.deepEqual(pod.volumes, [{ emptyDir: {}, name: "temp" }]);
    assert.equal(pod.securityContext.fsGroup, 1337);
    const quota = JSON.parse(await c.kubectlOk(["get", "quota", "critical-pods-flux-system", "-n", "flux-system", "-o", "json"]));
    assert.equal(quota.spec.scopeSelector.matchExpressions[0].scopeName, "PriorityClass");
    const role = JSON.parse(await c.kubectlOk(["get", "clusterrole", "crd-controller-flux-system", "-o", "json"]));
    assert.deepEqual(role.rules.at(-1), { nonResourceURLs: ["/metrics"], verbs: ["get"] });

    const ssa = await c.kubectlOk(["apply", "--server-side", "-f", "-"], { input });
    assert.ok(ssa.trim().split("\n").every((l) => l.endsWith(" serverside-applied")), ssa);
    const again = await c.kubectlOk(["apply", "--server-side", "-f", "-"], { input });
    assert.ok(again.trim().split("\n").every((l) => l.endsWith(" serverside-applied")), again);
    const settled = JSON.parse(await c.kubectlOk(["get", "deploy,svc", "-n", "flux-system", "-o", "json"]));
    const rvs = settled.items.map((i: { metadata: { resourceVersion: string } }) => i.metadata.resourceVersion);
    await c.kubectlOk(["apply", "--server-side", "-f", "-"], { input });
    const still = JSON.parse(await c.kubectlOk(["get", "deploy,svc", "-n", "flux-system", "-o", "json"]));
    assert.deepEqual(still.items.map((i: { metadata: { resourceVersion: string } }) => i.metadata.resourceVersion), rvs);
  });
});
