/** Resilience: circuit breakers, retries, fallbacks and timeouts. */
import { StackingConfigBuilder, StackingMode } from "@grafana/grafana-foundation-sdk/common";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { MappingType, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as StateTimelinePanel } from "@grafana/grafana-foundation-sdk/statetimeline";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import {
  CIRCUIT_STATE_CLOSED,
  CIRCUIT_STATE_HALF_OPEN,
  CIRCUIT_STATE_OPEN,
  METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE,
  METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS,
  METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS,
  METRIC_LANGGRAPH_NODE_RETRIES,
  METRIC_LANGGRAPH_RETRY_ATTEMPTS,
  METRIC_LANGGRAPH_TIMEOUTS,
} from "../../src/semconv.js";
import {
  dashboard,
  MATCH,
  prom,
  promOrZero,
  RATE,
  sel,
  sumRate,
  UID,
} from "./common.js";
import { LABEL, promMetric } from "./names.js";

// withRetry, CircuitBreaker, withFallback and withTimeout metrics carry no workflow label
// (they wrap any function); only LangGraph's own node retries do.
const breakerState = sel(promMetric(METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE), MATCH.service);
const transitions = sel(promMetric(METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS), MATCH.service);
const retryAttempts = sel(promMetric(METRIC_LANGGRAPH_RETRY_ATTEMPTS), MATCH.service);
const nodeRetries = sel(
  promMetric(METRIC_LANGGRAPH_NODE_RETRIES),
  MATCH.service,
  MATCH.workflow,
  MATCH.node,
);
const fallbacks = sel(promMetric(METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS), MATCH.service);
const timeouts = sel(promMetric(METRIC_LANGGRAPH_TIMEOUTS), MATCH.service);

const breakerStates = {
  type: MappingType.ValueToText,
  options: {
    [String(CIRCUIT_STATE_CLOSED)]: { text: "closed", color: "green", index: 0 },
    [String(CIRCUIT_STATE_HALF_OPEN)]: { text: "half-open", color: "yellow", index: 1 },
    [String(CIRCUIT_STATE_OPEN)]: { text: "open", color: "red", index: 2 },
  },
} as const;

export function resilienceDashboard(): Dashboard {
  return dashboard(
    UID.resilience,
    "LangGraph / Resilience",
    "Circuit breaker state, retries, fallbacks and timeouts reported by langgraph-otel's wrappers.",
  )
    .withRow(new RowBuilder("Circuit breakers"))
    .withPanel(
      new StateTimelinePanel()
        .title("Circuit breaker state")
        .description("closed, half-open or open, per breaker.")
        .mappings([breakerStates])
        .withTarget(prom(`max by (${LABEL.breaker}) (${breakerState})`, `{{${LABEL.breaker}}}`))
        .span(16),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Breaker transitions")
        .unit("short")
        .withTarget(
          promOrZero(
            `sum by (${LABEL.breaker}, ${LABEL.breakerTo}) (increase(${transitions}[${RATE}]))`,
            `{{${LABEL.breaker}}} → {{${LABEL.breakerTo}}}`,
          ),
        )
        .span(8),
    )
    .withRow(new RowBuilder("Retries, fallbacks, timeouts"))
    .withPanel(
      new TimeseriesPanel()
        .title("withRetry attempts by operation and outcome")
        .unit("ops")
        .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
        .fillOpacity(30)
        .withTarget(
          prom(
            sumRate(retryAttempts, [LABEL.operation, LABEL.outcome]),
            `{{${LABEL.operation}}} {{${LABEL.outcome}}}`,
          ),
        )
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Node retries (retryPolicy)")
        .unit("ops")
        .withTarget(
          promOrZero(sumRate(nodeRetries, [LABEL.workflow, LABEL.node]), `{{${LABEL.workflow}}} / {{${LABEL.node}}}`),
        )
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Fallback activations by level")
        .description("Calls answered by fallback level 1, 2, … instead of the primary.")
        .unit("ops")
        .withTarget(
          promOrZero(
            sumRate(fallbacks, [LABEL.operation, LABEL.fallbackLevel]),
            `{{${LABEL.operation}}} level {{${LABEL.fallbackLevel}}}`,
          ),
        )
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Timeouts by operation")
        .unit("ops")
        .withTarget(promOrZero(sumRate(timeouts, [LABEL.operation]), `{{${LABEL.operation}}}`))
        .span(12),
    )
    .build();
}
