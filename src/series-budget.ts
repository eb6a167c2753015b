/**
 * Bounded metric series. Every label value is a series in every backend, and some labels
 * take values the app makes up at run time: an error class per upstream message, a graph
 * built with a generated name. Two limits keep `/metrics` small whatever the app does:
 * - `error.type` on metrics keeps the first MAX_METRIC_ERROR_TYPES names the process saw;
 *   later ones are recorded as `_OTHER` (the semantic conventions' fallback value), so
 *   they are still counted, in one series. Spans keep the real name.
 * - each instrument has a series budget (SERIES_BUDGET, applied as the SDK's cardinality
 *   limit, see src/setup/metric-views.ts); past it, new attribute sets fold into the SDK's
 *   one overflow series, `otel.metric.overflow="true"`, which counts them.
 */
import type { MetricDefinition } from "./semconv.js";

export const ERROR_TYPE_OTHER = "_OTHER";
export const MAX_METRIC_ERROR_TYPES = 50;

/**
 * Series per instrument. A histogram series is 18 lines of `/metrics` (16 buckets, sum,
 * count; ~3.6 KB), others one line: at most ~0.7 MB per histogram, ~0.2 MB per other
 * instrument. 200 is 10 graphs x 20 nodes of one outcome each; a deployment with more
 * distinct (workflow, node, outcome) sets sees the rest in the overflow series.
 */
export const SERIES_BUDGET: Readonly<Record<MetricDefinition["kind"], number>> = {
  histogram: 200,
  counter: 1000,
  updowncounter: 1000,
  gauge: 1000,
};

/** Admits the first `limit` distinct values of a label; the rest become `_OTHER`. */
export class LabelBudget {
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {}

  admit(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.limit) return ERROR_TYPE_OTHER;
    this.seen.add(value);
    return value;
  }
}

// One per process, across the ESM and CJS copies of this package.
const SLOT = Symbol.for("langgraph-otel.metric-error-types");
type Slot = { [SLOT]?: LabelBudget };

/** `error.type` as recorded on metrics: the name, or `_OTHER` past the budget. */
export function metricErrorType(type: string): string {
  const slot = globalThis as Slot;
  slot[SLOT] ??= new LabelBudget(MAX_METRIC_ERROR_TYPES);
  return slot[SLOT].admit(type);
}
