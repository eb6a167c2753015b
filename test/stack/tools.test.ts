/**
 * The pinned versions' real tools (scripts/stack-binaries.sh) accept the stack's configs
 * as committed: `promtool check config` (which also checks every rule file the glob
 * matches) and `amtool check-config`.
 */
import { describe, expect, it } from "vitest";
import { requireStackBinary } from "./binaries.js";
import { repoPath, runTool } from "./support.js";

describe("stack configs pass the real tools", () => {
  it("promtool check config prometheus/prometheus.yml", () => {
    const promtool = requireStackBinary("promtool");
    const result = runTool(promtool, ["check", "config", repoPath("prometheus/prometheus.yml")]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status, result.output).toBe(0);
  });

  it("amtool check-config alertmanager/alertmanager.yml", () => {
    const amtool = requireStackBinary("amtool");
    // The committed file as it is: `url_file` names secret files that exist only in compose.
    const result = runTool(amtool, ["check-config", repoPath("alertmanager/alertmanager.yml")]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status, result.output).toBe(0);
  });
});
