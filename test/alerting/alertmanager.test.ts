/**
 * alertmanager/alertmanager.yml with the pinned Alertmanager's real tools: `amtool config routes test`
 * for every severity, and inhibitions on a real Alertmanager fed with `amtool alert add`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireStackBinary } from "../stack/binaries.js";
import { runTool } from "../stack/support.js";
import { eventually, freePort } from "../helpers/waiting.js";
import {
  type AlertmanagerAlert,
  alertmanagerAlerts,
  type RunningProcess,
  startProcess,
  testAlertmanagerConfig,
} from "./support.js";

const scratch = mkdtempSync(join(tmpdir(), "lgotel-alertmanager-"));
const configFile = join(scratch, "alertmanager.yml");
// Nothing listens there: these tests look at routing and inhibition, not delivery.
writeFileSync(configFile, testAlertmanagerConfig("http://127.0.0.1:9", join(scratch, "secrets")));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function amtool(args: string[]): { status: number | null; output: string } {
  return runTool(requireStackBinary("amtool"), args);
}

/** The receiver `amtool config routes test` picks (first line; a warning may follow). */
function routesTest(labels: string[]): { status: number | null; receiver: string; output: string } {
  const result = amtool(["config", "routes", "test", `--config.file=${configFile}`, ...labels]);
  return { ...result, receiver: result.output.split("\n")[0] ?? "" };
}

describe("alert routing (amtool config routes test)", () => {
  it("the test copy of the config is valid", () => {
    const result = amtool(["check-config", configFile]);
    expect(result.status, result.output).toBe(0);
  });

  it.each([
    ["critical", "LangGraphHighErrorRate", "pager"],
    ["critical", "LangGraphSystemDegraded", "pager"],
    ["warning", "LangGraphSlowWorkflows", "chat"],
    ["warning", "LangGraphCircuitBreakerOpen", "chat"],
  ])("severity=%s (%s) goes to %s", (severity, alertname, receiver) => {
    const labels = [`alertname=${alertname}`, `severity=${severity}`, "gen_ai_workflow_name=checkout"];
    expect(routesTest(labels).receiver).toBe(receiver);
    const verified = routesTest([`--verify.receivers=${receiver}`, ...labels]);
    expect(verified.status, verified.output).toBe(0);
  });

  it("an alert without severity falls back to chat, never to the pager", () => {
    expect(routesTest(["alertname=Other"]).receiver).toBe("chat");
  });

  it("a wrong expectation fails (the check is real)", () => {
    const result = routesTest(["--verify.receivers=pager", "alertname=X", "severity=warning"]);
    expect(result.status).not.toBe(0);
  });
});

describe("inhibition on a real Alertmanager (amtool alert add)", () => {
  let alertmanager: RunningProcess | undefined;
  let base = "";

  beforeAll(async () => {
    const binary = requireStackBinary("alertmanager");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    alertmanager = await startProcess(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.path=${join(scratch, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
      ],
      `${base}/-/ready`,
    );
  });

  afterAll(async () => {
    await alertmanager?.stop();
  });

  function add(labels: Record<string, string>): void {
    const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
    const result = amtool(["alert", "add", `--alertmanager.url=${base}`, "--annotation=summary=test", ...pairs]);
    expect(result.status, result.output).toBe(0);
  }

  it("mutes the parts of LangGraphSystemDegraded and warnings of the same workflow only", async () => {
    add({ alertname: "LangGraphSystemDegraded", severity: "critical", gen_ai_workflow_name: "billing" });
    add({ alertname: "LangGraphHighErrorRate", severity: "critical", gen_ai_workflow_name: "billing" });
    add({ alertname: "LangGraphSlowWorkflows", severity: "warning", gen_ai_workflow_name: "billing" });
    add({ alertname: "LangGraphRetryStorm", severity: "warning", gen_ai_workflow_name: "billing" });
    // Another workflow, and a warning without a workflow label: not muted.
    add({ alertname: "LangGraphSlowWorkflows", severity: "warning", gen_ai_workflow_name: "support" });
    add({ alertname: "LangGraphCircuitBreakerOpen", severity: "warning", langgraph_circuit_breaker_name: "llm" });

    const key = (a: AlertmanagerAlert) =>
      `${a.labels.alertname}/${a.labels.gen_ai_workflow_name ?? a.labels.langgraph_circuit_breaker_name}`;
    const expected: Record<string, string> = {
      "LangGraphSystemDegraded/billing": "active",
      "LangGraphHighErrorRate/billing": "suppressed",
      "LangGraphSlowWorkflows/billing": "suppressed",
      "LangGraphRetryStorm/billing": "suppressed",
      "LangGraphSlowWorkflows/support": "active",
      "LangGraphCircuitBreakerOpen/llm": "active",
    };
    const states = async (): Promise<Record<string, string>> =>
      Object.fromEntries((await alertmanagerAlerts(base)).map((a) => [key(a), a.status.state]));
    // The inhibitor learns of source alerts asynchronously: wait for the settled state;
    // on a timeout the assertion below shows the difference.
    await eventually(
      "the inhibitions to apply",
      async () => {
        const actual = await states();
        const settled =
          Object.keys(actual).length === Object.keys(expected).length &&
          Object.entries(expected).every(([k, v]) => actual[k] === v);
        return settled ? true : undefined;
      },
      15_000,
    ).catch(() => undefined);
    expect(await states()).toEqual(expected);
  });
});
