import { EventEmitter } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DEFAULTS, type DemoOptions } from "../../src/cli/args.js";
import { runDemo } from "../../src/cli/demo.js";
import {
  SECTION_MODELS,
  SECTION_NODES,
  SECTION_TELEMETRY,
  SECTION_TRACE,
} from "../../src/cli/summary.js";
import { AGENT_MODEL, ROUTER_MODEL, SUPPORT_AGENT_NODES } from "../../src/examples/support-agent.js";
import { freePort, scrapeUntil } from "../helpers/waiting.js";
import { type OtlpReceiver, startOtlpReceiver } from "../setup/support.js";

function io() {
  let out = "";
  let err = "";
  const signals = new EventEmitter();
  return {
    io: {
      out: { write: (t: string) => (out += t) },
      err: { write: (t: string) => (err += t) },
      signals,
      // No OTEL_* from the test runner's environment.
      env: {},
    },
    signals,
    out: () => out,
    err: () => err,
  };
}

/** The per-node table: node name -> its cells. */
function nodeTable(output: string): Map<string, string[]> {
  const lines = output.split("\n");
  const start = lines.findIndex((l) => l.startsWith(SECTION_NODES));
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === "") break;
    const [name, ...cells] = line.trim().split(/\s{2,}/);
    if (name) rows.set(name, cells);
  }
  return rows;
}

function options(overrides: Partial<DemoOptions>): DemoOptions {
  return { ...DEMO_DEFAULTS, latencyMs: 2, ...overrides };
}

describe("langgraph-otel demo (in process)", () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it("runs N conversations and prints the trace tree, per-node table, models and sinks", async () => {
    const c = io();
    const nobody = await freePort();
    const metricsPort = await freePort();
    const code = await runDemo(
      options({ runs: 10, concurrency: 3, endpoint: `http://127.0.0.1:${nobody}`, metricsPort }),
      c.io,
    );
    const out = c.out();
    expect(code, c.err()).toBe(0);

    // The trace tree of one conversation: the run that stopped for approval, then the resumed one.
    expect(out).toContain(SECTION_TRACE);
    expect(out).toMatch(/run 1: trace [0-9a-f]{32}\n/);
    expect(out).toMatch(/run 2: trace [0-9a-f]{32}, resumes run 1/);
    expect(out).toMatch(/^ {4}invoke_workflow support_agent +\d/m);
    expect(out).toMatch(/├─ invoke_node classify( \[cache hit\])? +\d+(\.\d)? ms +ok/);
    // A model call answered by the ResponseCache has no tokens; the others do.
    expect(out).toMatch(/└─ chat scripted-large( \[cache hit\])? +\d+(\.\d)? ms +ok/);
    expect(out).toMatch(/└─ chat scripted-(mini|large) +\d+(\.\d)? ms +ok +\d+ in \/ \d+ out/);
    expect(out).toMatch(/invoke_node human_approval +\d+(\.\d)? ms +interrupted/);
    expect(out).toContain("* langgraph.interrupt");
    expect(out).toMatch(/execute_tool (lookup_order|issue_refund)/);

    // The per-node table names every node of the agent, from the spans it exported.
    const table = nodeTable(out);
    expect([...table.keys()].sort()).toEqual([...SUPPORT_AGENT_NODES].sort());
    // classify runs once per conversation and never fails (no faults on the router).
    expect(table.get("classify")?.slice(0, 1)).toEqual(["10"]);
    expect(table.get("classify")?.[3]).toBe("0");
    expect(out).toMatch(/node +attempts +p50 +p95 +errors +retries +interrupts/);

    // Tokens and cost by model, from the GenAI metrics (prices of the scripted models).
    expect(out).toContain(SECTION_MODELS);
    expect(out).toMatch(new RegExp(`${ROUTER_MODEL} +10 +[\\d,]+ +[\\d,]+ +\\$\\d`));
    expect(out).toMatch(new RegExp(`${AGENT_MODEL} +\\d+ +[\\d,]+ +[\\d,]+ +\\$\\d`));
    expect(out).toMatch(/response cache: \d+ hits \/ \d+ lookups/);

    // Where the telemetry went: /metrics, and no collector where nobody listens.
    expect(out).toContain(SECTION_TELEMETRY);
    expect(out).toContain(`metrics: http://127.0.0.1:${metricsPort}/metrics`);
    expect(out).toContain(`NO OTLP collector answered at http://127.0.0.1:${nobody}/v1/traces`);
    expect(c.err()).toMatch(/\[#+\] 10\/10 conversations/);
  });

  it("sends the traces to a collector that answers, and says so", async () => {
    const c = io();
    const code = await runDemo(
      options({ runs: 2, concurrency: 2, endpoint: receiver.url, metricsPort: await freePort() }),
      c.io,
    );
    expect(code, c.err()).toBe(0);
    expect(c.out()).toContain(`traces: sent over OTLP/HTTP to ${receiver.url}/v1/traces`);
    const runs = receiver.spans.filter((s) => s.name === "invoke_workflow support_agent");
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]?.serviceName).toBe("langgraph-otel-demo");
    expect(receiver.spans.some((s) => s.name === "chat scripted-mini")).toBe(true);
  });

  it("in --duration mode serves /metrics while it runs and stops on SIGINT with the summary", async () => {
    const c = io();
    const metricsPort = await freePort();
    const running = runDemo(
      options({
        durationMs: 600_000,
        concurrency: 2,
        metricsPort,
        endpoint: `http://127.0.0.1:${await freePort()}`,
      }),
      c.io,
    );
    const scrape = await scrapeUntil(`http://127.0.0.1:${metricsPort}/metrics`, "langgraph_node_duration_count", 20_000);
    expect(scrape).toContain('langgraph_node_name="classify"');
    c.signals.emit("SIGINT");
    expect(await running).toBe(0);
    expect(c.err()).toContain("SIGINT: stopping");
    expect(c.out()).toContain("stopped by SIGINT");
    expect(c.out()).toContain(SECTION_NODES);
    expect(nodeTable(c.out()).has("classify")).toBe(true);
    // Stopped: nothing serves /metrics any more.
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });
});
