import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { artifactSubject, connectBus, eventSubject, subjectToken, type ArtifactMessage, type Bus, type BusLogger, type FluxEvent } from "../src/index.js";
import { startNatsServer, useNats, type NatsServer } from "./nats-helper.js";

function uniquePrefix() {
  const id = randomBytes(4).toString("hex");
  return { subjectRoot: `flotillatest${id}`, streamPrefix: `FLOTILLATEST_${id.toUpperCase()}` };
}

function fluxEvent(name: string, reason: string, namespace = "flux-system"): FluxEvent {
  return {
    involvedObject: { kind: "GitRepository", namespace, name, uid: `uid-${name}`, apiVersion: "source.toolkit.fluxcd.io/v1" },
    severity: "info",
    timestamp: "2026-11-26T10:00:00Z",
    message: `stored artifact for ${name}`,
    reason,
    metadata: { "source.toolkit.fluxcd.io/revision": "main@sha1:abc" },
    reportingController: "source-controller",
    reportingInstance: "source-controller-0",
  };
}

function artifact(name: string, revision: string): ArtifactMessage {
  return {
    kind: "GitRepository",
    namespace: "flux-system",
    name,
    revision,
    digest: `sha256:${revision.padEnd(64, "0").slice(0, 64)}`,
    url: `http://127.0.0.1:9090/gitrepository/flux-system/${name}/${revision}.tar.gz`,
  };
}

async function streamMessages(jsm: JetStreamManager, stream: string): Promise<Array<{ subject: string; data: unknown }>> {
  const info = await jsm.streams.info(stream);
  const out: Array<{ subject: string; data: unknown }> = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (m) out.push({ subject: m.subject, data: m.json() });
  }
  return out;
}

function recordingLogger() {
  const lines: string[] = [];
  const logger: BusLogger = { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) };
  return { lines, logger };
}

describe("subject scheme", () => {
  test("dots in names become underscores; cluster-scoped objects get '_' as namespace", () => {
    assert.equal(
      eventSubject("flotilla", "kustomize-controller", fluxEvent("apps.v1", "ReconciliationSucceeded")),
      "flotilla.events.kustomize-controller.flux-system.GitRepository.apps_v1",
    );
    const clusterScoped = fluxEvent("x", "R");
    delete clusterScoped.involvedObject.namespace;
    assert.equal(eventSubject("flotilla", "c", clusterScoped), "flotilla.events.c._.GitRepository.x");
    assert.equal(artifactSubject("flotilla", { kind: "OCIRepository", namespace: "ns", name: "a.b" }), "flotilla.artifacts.OCIRepository.ns.a_b");
    assert.equal(subjectToken("a*b >c"), "a%2Ab%20%3Ec");
  });
});

describe("no-op bus", () => {
  test("without a URL publishing does nothing and says so once", async () => {
    const saved = process.env.NATS_URL;
    delete process.env.NATS_URL;
    try {
      const { lines, logger } = recordingLogger();
      const bus = await connectBus({ name: "test", logger });
      assert.equal(bus.enabled, false);
      bus.publishEvent("c", fluxEvent("a", "R"), "id");
      bus.publishArtifact(artifact("a", "r1"));
      assert.equal(bus.pending(), 0);
      assert.equal(await bus.flush(10), true);
      const sub = await bus.subscribeArtifacts({}, () => assert.fail("no-op bus delivered a message"));
      await sub.stop();
      await bus.close();
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /disabled/);
    } finally {
      if (saved !== undefined) process.env.NATS_URL = saved;
    }
  });
});

describe("bus against a NATS server", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let bus: Bus;
  const prefix = uniquePrefix();

  before(async () => {
    server = await useNats();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    bus = await connectBus({ url: server.url, name: "bus-test", ...prefix });
  });
  after(async () => {
    await bus.close();
    for (const s of [bus.eventsStream, bus.artifactsStream]) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
    await server.dispose();
  });

  test("publishes events onto the events stream, deduplicating by message id", async () => {
    const ev = fluxEvent("podinfo", "ReconciliationSucceeded");
    bus.publishEvent("kustomize-controller", ev, "uid-podinfo-100-ReconciliationSucceeded");
    bus.publishEvent("kustomize-controller", ev, "uid-podinfo-100-ReconciliationSucceeded");
    const other = fluxEvent("podinfo", "ReconciliationFailed");
    other.severity = "error";
    bus.publishEvent("kustomize-controller", other, "uid-podinfo-101-ReconciliationFailed");
    assert.equal(await bus.flush(10_000), true);
    const msgs = await streamMessages(jsm, bus.eventsStream);
    assert.deepEqual(msgs, [
      { subject: `${prefix.subjectRoot}.events.kustomize-controller.flux-system.GitRepository.podinfo`, data: ev },
      { subject: `${prefix.subjectRoot}.events.kustomize-controller.flux-system.GitRepository.podinfo`, data: other },
    ]);
  });

  test("stream declaration is idempotent: a second bus on the same streams keeps their messages", async () => {
    const before = (await jsm.streams.info(bus.eventsStream)).state.messages;
    const second = await connectBus({ url: server.url, name: "bus-test-2", ...prefix });
    second.publishEvent("helm-controller", fluxEvent("x", "InstallSucceeded"), "uid-x-1-InstallSucceeded");
    assert.equal(await second.flush(10_000), true);
    await second.close();
    assert.equal((await jsm.streams.info(bus.eventsStream)).state.messages, before + 1);
  });

  test("subscribeArtifacts delivers new matching artifact messages only", async () => {
    bus.publishArtifact(artifact("old", "r0"));
    assert.equal(await bus.flush(10_000), true);
    const got: ArtifactMessage[] = [];
    let notify: () => void = () => {};
    const sub = await bus.subscribeArtifacts({ kind: "GitRepository", namespace: "flux-system" }, (m) => {
      got.push(m);
      notify();
    });
    const twoArrived = new Promise<void>((r) => (notify = () => got.length >= 2 && r()));
    bus.publishArtifact({ ...artifact("other-ns", "r1"), namespace: "elsewhere" });
    bus.publishArtifact(artifact("podinfo", "r1"));
    bus.publishArtifact({ ...artifact("oci", "r1"), kind: "OCIRepository" });
    bus.publishArtifact(artifact("podinfo", "r2"));
    assert.equal(await bus.flush(10_000), true);
    await twoArrived;
    await sub.stop();
    assert.deepEqual(got, [artifact("podinfo", "r1"), artifact("podinfo", "r2")]);
    const stored = await streamMessages(jsm, bus.artifactsStream);
    assert.equal(stored.length, 5);
    assert.deepEqual(stored[2], { subject: `${prefix.subjectRoot}.artifacts.GitRepository.flux-system.podinfo`, data: artifact("podinfo", "r1") });
  });

  test("the same artifact revision announced twice is stored once", async () => {
    const beforeCount = (await jsm.streams.info(bus.artifactsStream)).state.messages;
    bus.publishArtifact(artifact("dup", "r9"));
    bus.publishArtifact(artifact("dup", "r9"));
    assert.equal(await bus.flush(10_000), true);
    assert.equal((await jsm.streams.info(bus.artifactsStream)).state.messages, beforeCount + 1);
  });
});

describe("NATS outage (own nats-server)", () => {
  test("publishing while the server is down does not throw and the messages arrive after it returns", async () => {
    const server = await startNatsServer();
    const prefix = uniquePrefix();
    const { lines, logger } = recordingLogger();
    const bus = await connectBus({ url: server.url, name: "outage-test", logger, reconnectTimeWaitMs: 100, ...prefix });
    try {
      bus.publishEvent("source-controller", fluxEvent("before", "R"), "before-1");
      assert.equal(await bus.flush(10_000), true);

      await server.stop();
      const during = [fluxEvent("during-a", "R"), fluxEvent("during-b", "R")];
      for (const [i, ev] of during.entries()) bus.publishEvent("source-controller", ev, `during-${i}`);
      bus.publishArtifact(artifact("during", "r1"));
      assert.equal(bus.pending(), 3);

      await server.restart();
      assert.equal(await bus.flush(20_000), true);
      assert.ok(lines.some((l) => l.startsWith("info reconnected")), lines.join("\n"));

      const nc = await connect({ servers: server.url });
      try {
        const jsm = await jetstreamManager(nc);
        const events = await streamMessages(jsm, bus.eventsStream);
        assert.deepEqual(
          events.map((e) => (e.data as FluxEvent).involvedObject.name),
          ["before", "during-a", "during-b"],
        );
        const artifacts = await streamMessages(jsm, bus.artifactsStream);
        assert.deepEqual(artifacts.map((a) => a.data), [artifact("during", "r1")]);
      } finally {
        await nc.close();
      }
    } finally {
      await bus.close();
      await server.dispose();
    }
  });

  test("a bus created while the server is down connects in the background and publishes its buffer", async () => {
    const server = await startNatsServer();
    const prefix = uniquePrefix();
    await server.stop();
    const bus = await connectBus({ url: server.url, name: "late-test", reconnectTimeWaitMs: 100, ...prefix });
    try {
      bus.publishEvent("c", fluxEvent("early", "R"), "early-1");
      assert.equal(bus.pending(), 1);
      await server.restart();
      assert.equal(await bus.flush(20_000), true);
      const nc = await connect({ servers: server.url });
      try {
        const events = await streamMessages(await jetstreamManager(nc), bus.eventsStream);
        assert.deepEqual(events.map((e) => e.data), [fluxEvent("early", "R")]);
      } finally {
        await nc.close();
      }
    } finally {
      await bus.close();
      await server.dispose();
    }
  });

  test("a stream deleted behind the bus's back is re-created by the publish retry", async () => {
    const server = await startNatsServer();
    const prefix = uniquePrefix();
    const bus = await connectBus({ url: server.url, name: "recreate-test", ...prefix });
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      bus.publishArtifact(artifact("a", "r1"));
      assert.equal(await bus.flush(10_000), true);
      await jsm.streams.delete(bus.artifactsStream);
      bus.publishArtifact(artifact("a", "r2"));
      assert.equal(await bus.flush(20_000), true);
      assert.deepEqual((await streamMessages(jsm, bus.artifactsStream)).map((m) => m.data), [artifact("a", "r2")]);
    } finally {
      await nc.close();
      await bus.close();
      await server.dispose();
    }
  });

  test("an artifact subscription keeps delivering after the server restarts", async () => {
    const server = await startNatsServer();
    const prefix = uniquePrefix();
    const bus = await connectBus({ url: server.url, name: "resubscribe-test", reconnectTimeWaitMs: 100, ...prefix });
    const got: string[] = [];
    const sub = await bus.subscribeArtifacts({ name: "x" }, (m) => {
      got.push(m.revision);
    });
    try {
      await server.stop();
      await server.restart();
      // The ordered consumer is re-created asynchronously; keep announcing new revisions until one gets through.
      for (let i = 0; i < 60 && got.length === 0; i++) {
        bus.publishArtifact(artifact("x", `after-${i}`));
        assert.equal(await bus.flush(10_000), true);
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(got.length > 0, "no artifact message delivered after the restart");
      assert.ok(got.every((r) => r.startsWith("after-")));
    } finally {
      await sub.stop();
      await bus.close();
      await server.dispose();
    }
  });

  test("the publish buffer is bounded: beyond maxBuffered the oldest messages are dropped", async () => {
    const server = await startNatsServer();
    const prefix = uniquePrefix();
    const bus = await connectBus({ url: server.url, name: "bounded-test", reconnectTimeWaitMs: 100, maxBuffered: 2, ...prefix });
    try {
      await server.stop();
      for (const n of ["a", "b", "c"]) bus.publishEvent("c", fluxEvent(n, "R"), `bounded-${n}`);
      assert.equal(bus.pending(), 2);
      await server.restart();
      assert.equal(await bus.flush(20_000), true);
      const nc = await connect({ servers: server.url });
      try {
        const events = await streamMessages(await jetstreamManager(nc), bus.eventsStream);
        assert.deepEqual(events.map((e) => (e.data as FluxEvent).involvedObject.name), ["b", "c"]);
      } finally {
        await nc.close();
      }
    } finally {
      await bus.close();
      await server.dispose();
    }
  });
});
