/**
 * Metric values as plain numbers: a snapshot of what a pull reader collected, and the
 * difference between two snapshots (what one recording added).
 */
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import { DataPointType, type ResourceMetrics } from "@opentelemetry/sdk-metrics";

/** One series: its attributes, and its value (sum for histograms) and observation count. */
export interface MetricPoint {
  attributes: Attributes;
  /** Counter / up-down counter / gauge value; for a histogram, the sum of observations. */
  value: number;
  /** Observations (histograms); 0 for other instruments. */
  count: number;
}

export interface MetricSeries {
  kind: "sum" | "gauge" | "histogram";
  points: MetricPoint[];
}

/** Metric name → series. */
export type MetricSnapshot = ReadonlyMap<string, MetricSeries>;

/** What a question about a metric gets back: matching series added up. */
export interface MetricValue {
  value: number;
  count: number;
}

export function snapshotOf(resourceMetrics: ResourceMetrics): MetricSnapshot {
  const snapshot = new Map<string, MetricSeries>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const series: MetricSeries = snapshot.get(metric.descriptor.name) ?? {
        kind: metric.dataPointType === DataPointType.HISTOGRAM ? "histogram" : metric.dataPointType === DataPointType.GAUGE ? "gauge" : "sum",
        points: [],
      };
      for (const point of metric.dataPoints as ReadonlyArray<{ attributes: Attributes; value: unknown }>) {
        const value = point.value;
        if (typeof value === "number") series.points.push({ attributes: point.attributes, value, count: 0 });
        else if (typeof value === "object" && value !== null && "count" in value) {
          const histogram = value as { count: number; sum?: number };
          series.points.push({ attributes: point.attributes, value: histogram.sum ?? 0, count: histogram.count });
        }
      }
      snapshot.set(metric.descriptor.name, series);
    }
  }
  return snapshot;
}

/** `after - before` per series (gauges keep their latest value). */
export function diffSnapshots(before: MetricSnapshot, after: MetricSnapshot): MetricSnapshot {
  const delta = new Map<string, MetricSeries>();
  for (const [name, series] of after) {
    const earlier = new Map((before.get(name)?.points ?? []).map((p) => [keyOf(p.attributes), p]));
    const points = series.points.flatMap((point) => {
      const old = series.kind === "gauge" ? undefined : earlier.get(keyOf(point.attributes));
      const value = point.value - (old?.value ?? 0);
      const count = point.count - (old?.count ?? 0);
      return value === 0 && count === 0 && series.kind !== "gauge" ? [] : [{ attributes: point.attributes, value, count }];
    });
    if (points.length > 0) delta.set(name, { kind: series.kind, points });
  }
  return delta;
}

/** Adds up the series of `name` whose attributes include every given one. */
export function metricValueOf(snapshot: MetricSnapshot, name: string, attributes: Attributes = {}): MetricValue {
  const total: MetricValue = { value: 0, count: 0 };
  for (const point of snapshot.get(name)?.points ?? []) {
    if (!Object.entries(attributes).every(([k, v]) => sameValue(point.attributes[k], v))) continue;
    total.value += point.value;
    total.count += point.count;
  }
  return total;
}

function keyOf(attributes: Attributes): string {
  return JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => item === b[i]);
  return a === b;
}
