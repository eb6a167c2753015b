/** Walks generated dashboard JSON: every panel query and every template variable query. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const DASHBOARD_DIR = join(__dirname, "..", "..", "grafana", "dashboards");

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  instant: boolean;
  datasourceUid: string | undefined;
}

export interface VariableQuery {
  dashboard: string;
  name: string;
  /** `label_values(selector, label)` split into its parts. */
  selector: string;
  label: string;
}

interface PanelJson {
  title?: string;
  type?: string;
  panels?: PanelJson[];
  targets?: Array<{
    expr?: string;
    refId?: string;
    instant?: boolean;
    datasource?: { uid?: string };
  }>;
}

interface DashboardJson {
  title: string;
  uid: string;
  panels?: PanelJson[];
  templating?: { list?: Array<{ name: string; query?: unknown }> };
}

export function loadDashboards(dir = DASHBOARD_DIR): Map<string, DashboardJson> {
  const out = new Map<string, DashboardJson>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    out.set(file, JSON.parse(readFileSync(join(dir, file), "utf8")) as DashboardJson);
  }
  return out;
}

function flatPanels(panels: PanelJson[] = []): PanelJson[] {
  return panels.flatMap((panel) => [panel, ...flatPanels(panel.panels)]);
}

export function panelQueries(dashboards: Map<string, DashboardJson>): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const [file, dashboard] of dashboards) {
    for (const panel of flatPanels(dashboard.panels)) {
      for (const [index, target] of (panel.targets ?? []).entries()) {
        if (target.expr === undefined) continue;
        out.push({
          dashboard: file,
          panel: panel.title ?? "(untitled)",
          refId: target.refId ?? String(index),
          expr: target.expr,
          instant: target.instant === true,
          datasourceUid: target.datasource?.uid,
        });
      }
    }
  }
  return out;
}

/** Panels that show data (rows and text panels excepted). */
export function dataPanels(dashboards: Map<string, DashboardJson>): Array<{ file: string; panel: PanelJson }> {
  const out: Array<{ file: string; panel: PanelJson }> = [];
  for (const [file, dashboard] of dashboards) {
    for (const panel of flatPanels(dashboard.panels)) if (panel.type !== "row") out.push({ file, panel });
  }
  return out;
}

export function variableQueries(dashboards: Map<string, DashboardJson>): VariableQuery[] {
  const out: VariableQuery[] = [];
  for (const [file, dashboard] of dashboards) {
    for (const variable of dashboard.templating?.list ?? []) {
      if (typeof variable.query !== "string") continue;
      const match = /^label_values\((.*),\s*(\w+)\)$/.exec(variable.query);
      if (match === null) throw new Error(`${file}: variable ${variable.name} is not label_values()`);
      out.push({ dashboard: file, name: variable.name, selector: match[1] as string, label: match[2] as string });
    }
  }
  return out;
}

/**
 * A query as Grafana would send it: template variables and Grafana's interval macros
 * replaced by concrete values.
 */
export function substitute(expr: string, values: { service: string; workflow: string; node: string; window: string }): string {
  return expr
    .replaceAll("$__rate_interval", values.window)
    .replaceAll("$__range", values.window)
    .replaceAll("$__interval", values.window)
    .replaceAll("$service", values.service)
    .replaceAll("$workflow", values.workflow)
    .replaceAll("$node", values.node);
}
