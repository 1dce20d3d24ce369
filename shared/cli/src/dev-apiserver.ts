/** `flotilla dev apiserver`: the embedded API server as a standalone process, for kubectl and for development. */
import { startApiServer } from "@flotilla/apiserver";
import type { DevApiServerOptions } from "./main.js";

export async function devApiServer(opts: DevApiServerOptions): Promise<number> {
  const server = await startApiServer({ port: opts.port, stateDir: opts.stateDir, simulateWorkloads: opts.simulateWorkloads });
  if (opts.installCRDs) {
    try {
      // Loaded only when needed: generating the CRDs pulls in all of @flotilla/api (~15 MB of RSS).
      const { allCRDs } = await import("@flotilla/api");
      await installCRDs(server.url, allCRDs());
    } catch (err) {
      await server.stop();
      throw err;
    }
  }
  await server.writeKubeconfig(opts.kubeconfig);
  process.stdout.write(`ready ${server.url}\n`);

  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await server.stop();
  return 0;
}

/** Installs (or updates) CRDs through the server's own HTTP API, as `kubectl apply --server-side` would. */
async function installCRDs(url: string, crds: object[]): Promise<void> {
  for (const crd of crds) {
    const name = (crd as { metadata: { name: string } }).metadata.name;
    const res = await fetch(`${url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}?fieldManager=flotilla&force=true`, {
      method: "PATCH",
      headers: { "content-type": "application/apply-patch+yaml" },
      body: JSON.stringify(crd),
    });
    if (!res.ok) throw new Error(`installing CRD ${name}: ${res.status} ${await res.text()}`);
  }
}
