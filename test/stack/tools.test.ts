/**
 * The real Debian tools accept the stack's configs: `promtool check config` (which also
 * checks every rule file the glob matches) and `amtool check-config`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoPath, requireTool, runTool } from "./support.js";

const scratch = mkdtempSync(join(tmpdir(), "lgotel-stack-tools-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Where compose mounts ./alertmanager inside the container. */
const AM_MOUNT = "/etc/alertmanager/";

describe("stack configs pass the real tools", () => {
  it("promtool check config prometheus/prometheus.yml", () => {
    const promtool = requireTool("promtool", "prometheus");
    const result = runTool(promtool, ["check", "config", repoPath("prometheus/prometheus.yml")]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status, result.output).toBe(0);
  });

  it("amtool check-config alertmanager/alertmanager.yml", () => {
    const amtool = requireTool("amtool", "prometheus-alertmanager");
    // The config names files as the container sees them (/etc/alertmanager/...), and the
    // secrets are not committed: check a copy whose paths point at a scratch folder that
    // holds the repository's alertmanager/ plus a placeholder for every missing file.
    const dir = join(scratch, "alertmanager");
    cpSync(repoPath("alertmanager"), dir, { recursive: true });
    const original = readFileSync(repoPath("alertmanager/alertmanager.yml"), "utf8");
    const rewritten = original.split(AM_MOUNT).join(`${dir}/`);
    for (const m of rewritten.matchAll(/_file:\s*["']?([^\s"']+)/g)) {
      const path = m[1] ?? "";
      if (path.startsWith(dir) && !existsSync(path)) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, "placeholder-for-config-check\n");
      }
    }
    const config = join(dir, "alertmanager.yml");
    writeFileSync(config, rewritten);
    const result = runTool(amtool, ["check-config", config]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status, result.output).toBe(0);
  });
});
