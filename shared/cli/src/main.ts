/**
 * The `flotilla` command. For now it carries the developer commands that the foundation needs; the user-facing
 * commands (install, get, reconcile, ...) arrive with the CLI issue.
 */
import { parseArgs } from "node:util";
import { devApiServer } from "./dev-apiserver.js";

const usage = `Usage: flotilla <command>

Commands:
  dev apiserver --kubeconfig FILE [--port N] [--state DIR] [--no-simulate-workloads] [--no-crds]
      Start the embedded Kubernetes API server on 127.0.0.1 with Flux's CRDs installed, write a kubeconfig
      for it, and print "ready <url>" once it serves. Stops cleanly on SIGTERM/SIGINT.
  version
      Print the version.
`;

export class UsageError extends Error {
  readonly reason = "BadRequest";
}

export async function main(argv: string[]): Promise<number> {
  try {
    const [command, sub, ...rest] = argv;
    if (command === "version" || command === "--version") {
      process.stdout.write("flotilla 0.1.0\n");
      return 0;
    }
    if (command === "dev" && sub === "apiserver") return await devApiServer(parseDevApiServerArgs(rest));
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${argv.join(" ")}"`);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`flotilla: ${(err as Error).message}\n\n${usage}`);
      return 2;
    }
    process.stderr.write(`flotilla: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

export interface DevApiServerOptions {
  kubeconfig: string;
  port: number;
  stateDir?: string;
  simulateWorkloads: boolean;
  installCRDs: boolean;
}

function parseDevApiServerArgs(args: string[]): DevApiServerOptions {
  const { values } = parseArgs({
    args,
    options: {
      kubeconfig: { type: "string" },
      port: { type: "string", default: "0" },
      state: { type: "string" },
      "no-simulate-workloads": { type: "boolean", default: false },
      "no-crds": { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.kubeconfig) throw new UsageError("dev apiserver: --kubeconfig FILE is required");
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`dev apiserver: invalid --port "${values.port}"`);
  return {
    kubeconfig: values.kubeconfig,
    port,
    stateDir: values.state,
    simulateWorkloads: !values["no-simulate-workloads"],
    installCRDs: !values["no-crds"],
  };
}
