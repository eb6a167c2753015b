import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDashboards, renderDashboard, writeDashboards } from "../../grafana/src/generate.js";
import { DASHBOARD_DIR } from "./queries.js";

// `npm run dashboards` sets UPDATE_DASHBOARDS=1: this suite then rewrites the committed
// JSON instead of comparing it (the repo has no TS runner besides vitest).
const update = process.env.UPDATE_DASHBOARDS === "1";

describe("committed dashboard JSON", () => {
  if (update) {
    it("is regenerated (UPDATE_DASHBOARDS=1)", () => {
      mkdirSync(DASHBOARD_DIR, { recursive: true });
      expect(writeDashboards(DASHBOARD_DIR).length).toBeGreaterThan(0);
    });
  }

  it("is exactly what grafana/src generates (run `npm run dashboards` when this fails)", () => {
    const built = buildDashboards();
    const committed = readdirSync(DASHBOARD_DIR).filter((file) => file.endsWith(".json")).sort();
    expect(committed).toEqual(Object.keys(built).sort());
    for (const [file, dashboard] of Object.entries(built)) {
      const onDisk = readFileSync(join(DASHBOARD_DIR, file), "utf8");
      expect(onDisk, `${file} is stale`).toBe(renderDashboard(dashboard));
    }
  });

  it("has unique dashboard uids and the four dashboards of the issue", () => {
    const titles = Object.values(buildDashboards()).map((d) => d.title);
    expect(titles).toEqual([
      "LangGraph / Agent overview",
      "LangGraph / Nodes",
      "LangGraph / LLM and tools",
      "LangGraph / Resilience",
    ]);
    const uids = Object.values(buildDashboards()).map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });
});
