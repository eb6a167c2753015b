/**
 * The rule files with the pinned Prometheus's real promtool: they load, and the unit tests in
 * prometheus/tests/ pass (threshold and composite alerts over minutes, anomaly alerts
 * over a week of synthetic series). Every alert has a case where it fires and one where
 * it must not.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { requireStackBinary } from "../stack/binaries.js";
import { isDict, list, repoPath, runTool, str } from "../stack/support.js";
import { ALERT_NAMES, ruleFiles } from "./rules.js";

const testFiles = readdirSync(repoPath("prometheus/tests"))
  .filter((file) => file.endsWith(".yml"))
  .sort()
  .map((file) => repoPath("prometheus/tests", file));

describe("prometheus/rules with promtool", () => {
  it("promtool check rules", () => {
    const promtool = requireStackBinary("promtool");
    const result = runTool(promtool, ["check", "rules", ...ruleFiles()]);
    expect(result.status, result.output).toBe(0);
  });

  it.each(testFiles.map((file) => [file.split("/").pop(), file]))(
    "promtool test rules %s",
    (_name, file) => {
      const promtool = requireStackBinary("promtool");
      const result = runTool(promtool, ["test", "rules", String(file)]);
      expect(result.output).toContain("SUCCESS");
      expect(result.status, result.output).toBe(0);
    },
    180_000,
  );

  it("every alert has a firing case and a must-not-fire case", () => {
    const firing = new Set<string>();
    const silent = new Set<string>();
    for (const file of testFiles) {
      const doc: unknown = parse(readFileSync(file, "utf8"));
      for (const test of list(doc, "tests")) {
        for (const check of list(test, "alert_rule_test")) {
          const name = str(check, "alertname");
          if (name === undefined || !isDict(check)) continue;
          const expected = list(check, "exp_alerts");
          // A firing case that also names workflows that must stay silent counts for both.
          (expected.length > 0 ? firing : silent).add(name);
        }
      }
    }
    for (const name of ALERT_NAMES) {
      expect(firing.has(name), `${name} never fires in prometheus/tests`).toBe(true);
      expect(silent.has(name), `${name} has no case where it must not fire`).toBe(true);
    }
  });
});
