/**
 * grafana/provisioning: the datasources have the stable UIDs that dashboards and links name,
 * Prometheus exemplars and Jaeger trace-to-metrics links point at provisioned datasources
 * and at metric names the collector really produces, and the dashboard provider loads the
 * folder compose mounts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  allStrings,
  dict,
  isDict,
  list,
  readYaml,
  repoPath,
  resolvedCompose,
  str,
} from "./support.js";

const provisioning = readYaml("grafana/provisioning/datasources/datasources.yaml");
const datasources = list(provisioning, "datasources");
const provisionedUids = datasources.map((d) => str(d, "uid"));

/** Grafana's own pseudo-datasources, and template variables, are not provisioned ones. */
function isProvisionable(uid: string): boolean {
  return !uid.startsWith("-- ") && !uid.includes("$") && uid !== "grafana";
}

/** Every datasource UID a document names: `datasource` refs, `datasourceUid`, Explore links. */
function referencedUids(doc: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!isDict(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === "datasourceUid" && typeof inner === "string") found.push(inner);
      if (key === "datasource") {
        if (typeof inner === "string") found.push(inner);
        const uid = str(inner, "uid");
        if (uid !== undefined) found.push(uid);
      }
      visit(inner);
    }
  };
  visit(doc);
  // Links carry their datasource URL-encoded inside a JSON `panes` parameter.
  for (const text of allStrings(doc).filter((s) => s.includes("datasource"))) {
    let decoded = text;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      // not URL-encoded: search it as is
    }
    for (const m of decoded.matchAll(/"(?:datasource|uid|datasourceUid)"\s*:\s*"([^"]+)"/g)) {
      if (m[1]) found.push(m[1]);
    }
  }
  return [...new Set(found)].filter(isProvisionable);
}

function dashboardFiles(): string[] {
  try {
    return readdirSync(repoPath("grafana/dashboards")).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
}

describe("grafana/provisioning", () => {
  it("provisions Prometheus, Jaeger and Alertmanager under stable UIDs", () => {
    expect(
      datasources.map((d) => [str(d, "uid"), str(d, "type")]).sort(),
    ).toEqual([
      ["alertmanager", "alertmanager"],
      ["jaeger", "jaeger"],
      ["prometheus", "prometheus"],
    ]);
    expect(datasources.filter((d) => isDict(d) && d.isDefault === true).map((d) => str(d, "uid")))
      .toEqual(["prometheus"]);
    const alertmanager = datasources.find((d) => str(d, "uid") === "alertmanager");
    expect(dict(alertmanager, "jsonData").implementation).toBe("prometheus");
  });

  it("links Prometheus exemplars to Jaeger traces by the exporter's trace_id label", () => {
    const prometheus = datasources.find((d) => str(d, "uid") === "prometheus");
    const destinations = list(dict(prometheus, "jsonData"), "exemplarTraceIdDestinations");
    expect(destinations).toEqual([{ name: "trace_id", datasourceUid: "jaeger" }]);
  });

  it("links Jaeger spans to span metrics that the collector really produces", () => {
    const jaeger = datasources.find((d) => str(d, "uid") === "jaeger");
    const toMetrics = dict(dict(jaeger, "jsonData"), "tracesToMetrics");
    expect(toMetrics.datasourceUid).toBe("prometheus");
    const queries = list(toMetrics, "queries").map((q) => String(str(q, "query")));
    expect(queries.length).toBeGreaterThan(0);
    // span_metrics namespace traces.span.metrics, unit ms, Prometheus exporter suffixes.
    const produced = [
      "traces_span_metrics_calls_total",
      "traces_span_metrics_duration_milliseconds_bucket",
    ];
    for (const query of queries) {
      // `$$` is Grafana's escape for a literal `$` in provisioning files.
      expect(query).toContain("{$$__tags");
      const metrics = [...query.matchAll(/([a-z_:][a-z0-9_:]*)\{/g)].map((m) => m[1]);
      expect(metrics.length).toBeGreaterThan(0);
      for (const metric of metrics) expect(produced, query).toContain(metric);
    }
    // Every tag maps a span attribute to the label span_metrics gives it (dots -> _).
    for (const tag of list(toMetrics, "tags")) {
      expect(str(tag, "value")).toBe(String(str(tag, "key")).replaceAll(".", "_"));
    }
  });

  it("every datasource UID named by a provisioning file or a dashboard is provisioned", () => {
    const sources: Array<[string, unknown]> = [["datasources.yaml", provisioning]];
    for (const file of dashboardFiles()) {
      const parsed: unknown = JSON.parse(
        readFileSync(repoPath("grafana/dashboards", file), "utf8"),
      );
      sources.push([file, parsed]);
    }
    for (const [file, doc] of sources) {
      for (const uid of referencedUids(doc)) {
        expect(provisionedUids, `${file} names datasource ${uid}`).toContain(uid);
      }
    }
    // The provisioning file itself links Prometheus <-> Jaeger.
    expect(referencedUids(provisioning).sort()).toEqual(["jaeger", "prometheus"]);
  });

  it("loads dashboards from the folder that compose mounts from grafana/dashboards", () => {
    const providers = list(readYaml("grafana/provisioning/dashboards/dashboards.yaml"), "providers");
    expect(providers).toHaveLength(1);
    const path = str(dict(providers[0], "options"), "path");
    const grafana = dict(dict(resolvedCompose(), "services"), "grafana");
    const mounts = list(grafana, "volumes").map(String);
    expect(mounts).toContain(`${repoPath("grafana/dashboards")}:${path}:ro`);
    expect(mounts).toContain(`${repoPath("grafana/provisioning")}:/etc/grafana/provisioning:ro`);
  });
});
