/**
 * Trace context across processes, with real processes: each app runs under the built
 * register entry (`node --import .../register.js`) and exports OTLP to one in-test
 * receiver, so the assertions see what both sides exported.
 *  - HTTP: a graph server and a client whose graph calls it through RemoteGraph and
 *    through fetch → one trace: client node → undici client span → server span → the
 *    server's graph run.
 *  - Queue: a submitter and a pool of two workers over a real Redis list → each job's
 *    graph run is in the trace of the span that submitted it.
 */
import { join } from "node:path";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SPAN_INVOKE_NODE, SPAN_INVOKE_WORKFLOW } from "../../src/semconv.js";
import { exitedOk, lastJsonLine, startApp, useReceiverAndRedis } from "../helpers/app-process.js";
import { eventually } from "../helpers/waiting.js";
import { type OtlpReceiver, type ReceivedSpan, REPO, startOtlpReceiver, useBuiltRegister } from "../setup/support.js";

vi.setConfig({ testTimeout: 120_000 });

const APPS = join(REPO, "test/distributed/apps");
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const built = useBuiltRegister();

/** One of the apps in test/distributed/apps, under the built register entry. */
function app(script: string, receiver: OtlpReceiver, service: string, env: Record<string, string> = {}) {
  return startApp(built(), { script: join(APPS, script), receiver, service, env });
}

function one(spans: ReceivedSpan[], what: string, pick: (s: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(pick);
  expect(found, `exactly one ${what} among ${spans.map((s) => `${s.serviceName}:${s.name}`).join(", ")}`).toHaveLength(1);
  return found[0]!;
}

describe("HTTP: a RemoteGraph / fetch client and a graph server in two processes", () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it("puts the server's graph runs in the client's trace, under the request spans", async () => {
    const server = await app("graph-api-server.mjs", receiver, "graph-server");
    await server.waitForOutput('"listening"');
    const { listening: port } = lastJsonLine<{ listening: number }>(server.stdout());
    const url = `http://127.0.0.1:${port}`;
    const client = await app("graph-client.mjs", receiver, "graph-client", { GRAPH_SERVER_URL: url });
    const out = lastJsonLine<{ answers: string[] }>((await exitedOk(client)).stdout);
    expect(out.answers).toEqual(["remote answer to where is my order?", "remote answer to where is my order?"]);
    // A scrape of the server's own /metrics port is not the app's traffic: no span.
    const scrape = await fetch(`http://127.0.0.1:${server.env.OTEL_EXPORTER_PROMETHEUS_PORT}/metrics`);
    expect(scrape.status).toBe(200);
    await fetch(`${url}/quit`);
    await exitedOk(server);

    const spans = await eventually(
      "both processes' spans",
      () => {
        const remoteRuns = receiver.spans.filter((s) => s.name === `${SPAN_INVOKE_WORKFLOW} remote_agent`);
        const callerRuns = receiver.spans.filter((s) => s.name === `${SPAN_INVOKE_WORKFLOW} caller_agent`);
        return remoteRuns.length === 2 && callerRuns.length === 1 ? receiver.spans : undefined;
      },
      30_000,
    );
    const clientSpans = spans.filter((s) => s.serviceName === "graph-client");
    const serverSpans = spans.filter((s) => s.serviceName === "graph-server");
    const callerRun = one(clientSpans, "caller run", (s) => s.name === `${SPAN_INVOKE_WORKFLOW} caller_agent`);

    for (const [node, route] of [
      ["ask_remote_graph", "/runs/stream"],
      ["ask_fetch", "/run"],
    ] as const) {
      const nodeSpan = one(clientSpans, node, (s) => s.name === `${SPAN_INVOKE_NODE} ${node}`);
      expect(nodeSpan.parentSpanId).toBe(callerRun.spanId);
      // The outgoing request (undici instrumentation) nests under the node that made it...
      const request = one(
        clientSpans,
        `${node}'s request`,
        (s) => s.kind === SPAN_KIND_CLIENT && s.parentSpanId === nodeSpan.spanId,
      );
      expect(request.scope).toBe("@opentelemetry/instrumentation-undici");
      // ...the server's span for it (http instrumentation) is its child in the other process...
      const incoming = one(
        serverSpans,
        `server span of ${route}`,
        (s) => s.kind === SPAN_KIND_SERVER && s.parentSpanId === request.spanId,
      );
      expect(incoming.traceId).toBe(callerRun.traceId);
      expect(incoming.attributes["url.path"] ?? incoming.attributes["http.target"]).toBe(route);
      // ...and the graph run that served it nests under that.
      const remoteRun = one(
        serverSpans,
        `remote run for ${route}`,
        (s) => s.name === `${SPAN_INVOKE_WORKFLOW} remote_agent` && s.parentSpanId === incoming.spanId,
      );
      expect(remoteRun.traceId).toBe(callerRun.traceId);
      one(serverSpans, `responder under ${route}`, (s) => s.parentSpanId === remoteRun.spanId);
    }
    expect(serverSpans.filter((s) => s.attributes["url.path"] === "/metrics")).toEqual([]);
    // One trace: every span both processes exported, but for the test's own GET /quit.
    const quit = one(serverSpans, "GET /quit", (s) => s.kind === SPAN_KIND_SERVER && s.attributes["url.path"] === "/quit");
    const traces = new Set([...clientSpans, ...serverSpans].map((s) => s.traceId).filter((t) => t !== quit.traceId));
    expect(traces).toEqual(new Set([callerRun.traceId]));
  });
});

describe("Queue: a submitter and a pool of two workers over Redis", () => {
  const backends = useReceiverAndRedis();

  it("runs each job's graph in the trace of the span that submitted it", async () => {
    const { receiver, redis } = backends();
    const JOBS = 6;
    const workers = await Promise.all(
      ["worker-a", "worker-b"].map((name) => app("job-worker.mjs", receiver, name, { REDIS_URL: redis.url })),
    );
    // Both workers blocked on the list before any job: Redis serves blocked clients in
    // turn, so each worker takes jobs.
    const probe = new Redis(redis.url);
    try {
      await eventually(
        "two workers waiting on the queue",
        async () => ((await probe.info("clients")).includes("blocked_clients:2") ? true : undefined),
        60_000,
      );
    } finally {
      probe.disconnect();
    }
    const submitter = await app("job-submitter.mjs", receiver, "job-submitter", {
      REDIS_URL: redis.url,
      JOBS: String(JOBS),
      WORKERS: "2",
    });
    const { submitted } = lastJsonLine<{ submitted: Array<{ id: number; traceId: string; spanId: string }> }>(
      (await exitedOk(submitter)).stdout,
    );
    const done = await Promise.all(
      workers.map(async (w) => lastJsonLine<{ done: number[] }>((await exitedOk(w)).stdout).done),
    );
    expect(done.every((ids) => ids.length > 0)).toBe(true);
    expect(done.flat().sort((a, b) => a - b)).toEqual(submitted.map((s) => s.id));

    const runs = await eventually(
      "every job's run",
      () => {
        const found = receiver.spans.filter((s) => s.name === `${SPAN_INVOKE_WORKFLOW} job_agent`);
        return found.length === JOBS ? found : undefined;
      },
      30_000,
    );
    for (const job of submitted) {
      const run = one(runs, `run of job ${job.id}`, (s) => s.attributes["gen_ai.conversation.id"] === `job-${job.id}`);
      expect(run.traceId).toBe(job.traceId);
      expect(run.parentSpanId).toBe(job.spanId);
      const worker = done.findIndex((ids) => ids.includes(job.id));
      expect(run.serviceName).toBe(worker === 0 ? "worker-a" : "worker-b");
    }
    // The submitter's own spans reached the receiver too: both sides of each hop.
    for (const job of submitted) {
      one(receiver.spans, `submit span of job ${job.id}`, (s) => s.spanId === job.spanId && s.serviceName === "job-submitter");
    }
  });
});
