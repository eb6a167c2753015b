/**
 * The `langgraph-otel` bin as users run it: the built files (dist/esm and dist/cjs, as
 * `npm run build` emits them), in a child process, with real signals.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECTION_NODES, SECTION_TRACE } from "../../src/cli/summary.js";
import { SUPPORT_AGENT_NODES } from "../../src/examples/support-agent.js";
import { freePort, scrapeUntil } from "../helpers/waiting.js";
import {
  type BuiltRegister,
  buildRegister,
  childEnv,
  startChild,
} from "../setup/support.js";

let built: BuiltRegister;
let esmCli: string;
let cjsCli: string;

beforeAll(async () => {
  built = await buildRegister();
  esmCli = join(dirname(built.esm), "cli/main.js");
  cjsCli = join(dirname(built.cjs), "cli/main.js");
}, 240_000);

afterAll(() => built?.remove());

function runSync(cli: string, args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [cli, ...args], {
      env: childEnv({}),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr: "" };
  } catch (error) {
    const e = error as { status: number | null; stdout: string; stderr: string };
    return { code: e.status ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("langgraph-otel bin", () => {
  it("starts with a shebang and answers --help from both dist/esm and dist/cjs", () => {
    for (const cli of [esmCli, cjsCli]) {
      expect(readFileSync(cli, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
      const help = runSync(cli, ["demo", "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("Usage: langgraph-otel demo [options]");
    }
  });

  it("exits 2 with a clear message on a bad flag value", () => {
    const result = runSync(cjsCli, ["demo", "--fail-rate", "2"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--fail-rate must be a probability from 0 to 1 or 0% to 100% (got "2")');
    expect(result.stdout).toBe("");
  });

  it("runs a small demo and prints the trace tree and the per-node table", async () => {
    const child = startChild(
      [cjsCli, "demo", "--runs", "4", "--fail-rate", "0", "--latency", "2", "--metrics-port", String(await freePort())],
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}` },
      120_000,
    );
    const result = await child.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(SECTION_TRACE);
    expect(result.stdout).toContain("invoke_workflow support_agent");
    expect(result.stdout).toContain(SECTION_NODES);
    for (const node of SUPPORT_AGENT_NODES) expect(result.stdout).toMatch(new RegExp(`^  ${node} +\\d`, "m"));
  });

  it("in --duration mode serves /metrics while running and stops cleanly on SIGINT", async () => {
    const port = await freePort();
    const child = startChild(
      [esmCli, "demo", "--duration", "10m", "--latency", "2", "--concurrency", "2"],
      {
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      },
      120_000,
    );
    const scrape = await scrapeUntil(`http://127.0.0.1:${port}/metrics`, "gen_ai_workflow_duration_count", 60_000);
    expect(scrape).toContain('gen_ai_workflow_name="support_agent"');
    child.child.kill("SIGINT");
    const result = await child.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.signal).toBeNull();
    expect(result.stderr).toContain("SIGINT: stopping");
    expect(result.stdout).toContain("stopped by SIGINT");
    expect(result.stdout).toContain(SECTION_TRACE);
    expect(result.stdout).toContain(SECTION_NODES);
  });
});
