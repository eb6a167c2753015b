import type { ViewOptions } from "@opentelemetry/sdk-metrics";
import { METRICS } from "../semconv.js";
import { SERIES_BUDGET } from "../series-budget.js";

/**
 * One view per instrument of ours, carrying its series budget as the SDK's cardinality
 * limit (the SDK's default is 2000 for every instrument, histograms included). The views
 * change nothing else: default aggregation, the instrument's own bucket advice.
 */
export function seriesBudgetViews(): ViewOptions[] {
  return METRICS.map((metric) => ({
    instrumentName: metric.name,
    aggregationCardinalityLimit: SERIES_BUDGET[metric.kind],
  }));
}
