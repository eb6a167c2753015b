/**
 * The dashboards, by the file name each is committed under in grafana/dashboards/.
 * `npm run dashboards` writes them; test/dashboards fails when a committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DataSourceRef } from "@grafana/grafana-foundation-sdk/common";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { llmToolsDashboard } from "./llm-tools.js";
import { nodesDashboard } from "./nodes.js";
import { overviewDashboard } from "./overview.js";
import { resilienceDashboard } from "./resilience.js";

export function buildDashboards(): Record<string, Dashboard> {
  return {
    "agent-overview.json": numbered(overviewDashboard()),
    "nodes.json": numbered(nodesDashboard()),
    "llm-and-tools.json": numbered(llmToolsDashboard()),
    "resilience.json": numbered(resilienceDashboard()),
  };
}

/**
 * Stable panel ids and query refIds (A, B, …): the builders leave them unset and Grafana
 * would otherwise number them on load, breaking panel links between saves. Each panel with
 * queries also names their datasource itself: without a panel-level datasource Grafana
 * falls back to the default one (and "Mixed" handling) when the panel is edited or copied.
 */
function numbered(dashboard: Dashboard): Dashboard {
  let id = 0;
  for (const panel of dashboard.panels ?? []) {
    id += 1;
    panel.id = id;
    if (!("targets" in panel) || panel.targets === undefined) continue;
    for (const [index, target] of panel.targets.entries()) {
      // Every query variant has a refId; the shared Dataquery type does not declare it.
      const query = target as { refId?: string };
      query.refId ??= String.fromCharCode(65 + index);
    }
    // Every query variant has a datasource too, which the shared type does not declare.
    const first = (panel.targets[0] as { datasource?: DataSourceRef } | undefined)?.datasource;
    if (first !== undefined) panel.datasource ??= first;
  }
  return dashboard;
}

/** The exact text committed for a dashboard (stable key order, trailing newline). */
export function renderDashboard(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

/** Writes every dashboard into `dir` (grafana/dashboards); returns the file names. */
export function writeDashboards(dir: string): string[] {
  const files = Object.entries(buildDashboards());
  for (const [file, dashboard] of files) writeFileSync(join(dir, file), renderDashboard(dashboard));
  return files.map(([file]) => file);
}
