/**
 * The real Debian tools accept the stack's configs: `promtool check config` (which also
 * checks every rule file the glob matches) and `amtool check-config`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testAlertmanagerConfig } from "../alerting/support.js";
import { repoPath, requireTool, runTool } from "./support.js";

const scratch = mkdtempSync(join(tmpdir(), "lgotel-stack-tools-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("stack configs pass the real tools", () => {
  it("promtool check config prometheus/prometheus.yml", () => {
    const promtool = requireTool("promtool", "prometheus");
    const result = runTool(promtool, ["check", "config", repoPath("prometheus/prometheus.yml")]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status, result.output).toBe(0);
  });

  it("amtool check-config alertmanager/alertmanager.yml", () => {
    const amtool = requireTool("amtool", "prometheus-alertmanager");
    // Webhook URLs come from uncommitted secret files through `url_file`, which the pinned
    // Alertmanager reads but Debian's amtool 0.25 does not know: check a temp copy with
    // `url:` in its place; everything else is the committed file.
    const config = join(scratch, "alertmanager.yml");
    writeFileSync(config, testAlertmanagerConfig("http://127.0.0.1:9"));
    const result = runTool(amtool, ["check-config", config]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status, result.output).toBe(0);
  });
});
