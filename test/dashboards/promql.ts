/**
 * A small PromQL reader for tests: which metric and label names an expression uses.
 * Not a parser; enough for the queries and rules this repo writes (checked against a
 * real Prometheus by the e2e test).
 */
import { METRICS, prometheusLabel, prometheusName } from "../../src/semconv.js";

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "inf",
  "nan",
  "Inf",
  "NaN",
]);

const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const SELECTOR = /([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g;
const MATCHER = /([a-zA-Z_]\w*)\s*(=~|!~|!=|=)/g;

export interface Selector {
  metric: string | undefined;
  labels: string[];
}

export interface PromqlNames {
  /** Every metric name the expression reads. */
  metrics: string[];
  /** Selectors with their matcher labels. */
  selectors: Selector[];
  /** Labels named in by/without/on/ignoring/group_* clauses. */
  groupingLabels: string[];
}

export function promqlNames(expr: string): PromqlNames {
  let text = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const selectors: Selector[] = [];
  text = text.replace(SELECTOR, (_all, metric: string | undefined, body: string) => {
    const labels = [...body.matchAll(MATCHER)].map((m) => m[1] as string);
    selectors.push({ metric, labels });
    return metric ?? "";
  });
  const groupingLabels: string[] = [];
  text = text.replace(GROUPING, (_all, _kw: string, labels: string) => {
    for (const label of labels.split(",")) if (label.trim() !== "") groupingLabels.push(label.trim());
    return " ";
  });
  text = text.replace(/\[[^\]]*\]/g, " ").replace(/\boffset\s+-?\w+/g, " ");
  const metrics = new Set<string>();
  for (const match of text.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const name = match[1] as string;
    if (match[2] !== undefined || KEYWORDS.has(name)) continue;
    metrics.add(name);
  }
  return { metrics: [...metrics], selectors, groupingLabels };
}

/** Series names a real scrape of the contract's metrics shows, with each one's labels. */
export function contractSeries(): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const def of METRICS) {
    const labels = new Set(def.attributes.map(prometheusLabel));
    if (def.kind === "histogram") {
      const base = prometheusName(def.name, "histogram");
      series.set(`${base}_bucket`, new Set([...labels, "le"]));
      series.set(`${base}_sum`, labels);
      series.set(`${base}_count`, labels);
    } else {
      const kind = def.kind === "counter" ? "counter" : "gauge";
      series.set(prometheusName(def.name, kind), labels);
    }
  }
  return series;
}

/** Labels Prometheus itself adds: the scrape's job/instance and the exporter's scope. */
export const SCRAPE_LABELS = ["job", "instance", "otel_scope_name", "otel_scope_version"];
