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

  it("names the datasource on every panel that queries, the same as its queries'", () => {
    let checked = 0;
    for (const file of readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith(".json"))) {
      const dashboard = JSON.parse(readFileSync(join(DASHBOARD_DIR, file), "utf8")) as {
        panels?: Array<{ id?: number; title?: string; datasource?: unknown; targets?: Array<{ datasource?: unknown }> }>;
      };
      for (const panel of dashboard.panels ?? []) {
        if (!panel.targets?.length) continue;
        checked += 1;
        const where = `${file}: ${panel.title ?? panel.id}`;
        expect(panel.datasource, where).toEqual({ type: "prometheus", uid: "prometheus" });
        for (const target of panel.targets) expect(target.datasource, where).toEqual(panel.datasource);
      }
    }
    expect(checked).toBeGreaterThan(20);
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
