/** The ~4 KB Deployment the benchmarks apply (hack/bench-apiserver.ts over HTTP, hack/bench-ssa.ts in process). */
export function benchDeployment(name: string, generation: number): { [key: string]: any } {
  const env = Array.from({ length: 39 }, (_, i) => ({ name: `SETTING_${i}`, value: `value-${i}-${"x".repeat(40)}` }));
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      namespace: "bench",
      labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "bench", "app.kubernetes.io/managed-by": "flotilla" },
      annotations: { "bench/generation": String(generation) },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { "app.kubernetes.io/name": name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "bench" } },
        spec: {
          containers: [
            {
              name: "app",
              image: `registry.example/app:${generation}.0.0`,
              ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }, { name: "metrics", containerPort: 9090, protocol: "TCP" }],
              env,
              resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } },
              readinessProbe: { httpGet: { path: "/readyz", port: "http" }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  };
}
