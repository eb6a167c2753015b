/** LLM and tools: tokens, cost, model and tool latency, cache, human in the loop. */
import { StackingConfigBuilder, StackingMode } from "@grafana/grafana-foundation-sdk/common";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import {
  CACHE_RESULT_HIT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_LANGGRAPH_CACHE_REQUESTS,
  METRIC_LANGGRAPH_HUMAN_DECISIONS,
  METRIC_LANGGRAPH_INTERRUPT_WAIT,
  METRIC_LANGGRAPH_INTERRUPTS,
  METRIC_LANGGRAPH_LLM_COST,
  METRIC_LANGGRAPH_LLM_COST_UNPRICED,
  OUTCOME_ERROR,
  type HumanDecision,
} from "../../src/semconv.js";
import {
  dashboard,
  eq,
  MATCH,
  prom,
  promOrZero,
  quantile,
  RANGE,
  ratio,
  sel,
  sumRate,
  UID,
} from "./common.js";
import { bucket, count, LABEL, promMetric, sum } from "./names.js";

/** The human decision that counts as an approval (type-checked against semconv). */
const APPROVED: HumanDecision = "approved";

const tokens = sel(
  sum(METRIC_GEN_AI_CLIENT_TOKEN_USAGE),
  MATCH.service,
  MATCH.workflow,
  MATCH.node,
);
const cost = sel(promMetric(METRIC_LANGGRAPH_LLM_COST), MATCH.service, MATCH.workflow);
const unpriced = sel(promMetric(METRIC_LANGGRAPH_LLM_COST_UNPRICED), MATCH.service, MATCH.workflow);
// Model and tool durations carry no workflow label (the GenAI conventions define theirs).
const modelBuckets = sel(bucket(METRIC_GEN_AI_CLIENT_OPERATION_DURATION), MATCH.service);
const failedToolCalls = sel(
  count(METRIC_GEN_AI_EXECUTE_TOOL_DURATION),
  MATCH.service,
  eq(LABEL.outcome, OUTCOME_ERROR),
);
const toolBuckets = sel(bucket(METRIC_GEN_AI_EXECUTE_TOOL_DURATION), MATCH.service);
const cacheMetric = promMetric(METRIC_LANGGRAPH_CACHE_REQUESTS);
const cacheRequests = sel(cacheMetric, MATCH.service);
const cacheHits = sel(cacheMetric, MATCH.service, eq(LABEL.cacheResult, CACHE_RESULT_HIT));
const decisionMetric = promMetric(METRIC_LANGGRAPH_HUMAN_DECISIONS);
const decisions = sel(decisionMetric, MATCH.service, MATCH.workflow);
const approvals = sel(decisionMetric, MATCH.service, MATCH.workflow, eq(LABEL.decision, APPROVED));
const waitBuckets = sel(bucket(METRIC_LANGGRAPH_INTERRUPT_WAIT), MATCH.service, MATCH.workflow);
const interrupts = sel(
  promMetric(METRIC_LANGGRAPH_INTERRUPTS),
  MATCH.service,
  MATCH.workflow,
  MATCH.node,
);

export function llmToolsDashboard(): Dashboard {
  return dashboard(
    UID.llm,
    "LangGraph / LLM and tools",
    "Tokens and cost by model, model and tool latency, tool failures, response cache and human approvals.",
  )
    .withRow(new RowBuilder("Tokens and cost"))
    .withPanel(
      new TimeseriesPanel()
        .title("Tokens by model and type")
        .unit("short")
        .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
        .fillOpacity(30)
        .withTarget(
          prom(
            sumRate(tokens, [LABEL.model, LABEL.tokenType]),
            `{{${LABEL.model}}} {{${LABEL.tokenType}}}`,
          ),
        )
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Cost rate by model (USD per hour)")
        .unit("currencyUSD")
        .withTarget(prom(`${sumRate(cost, [LABEL.model])} * 3600`, `{{${LABEL.model}}}`))
        .span(6),
    )
    .withPanel(
      new StatPanel()
        .title("Cost in the time range")
        .unit("currencyUSD")
        .decimals(4)
        .withTarget(prom(`sum(increase(${cost}[${RANGE}]))`))
        .span(3),
    )
    .withPanel(
      new StatPanel()
        .title("Unpriced model calls")
        .description(
          "Calls with tokens that no price source knew (no cost recorded): the cost panels undercount by these. Add the model to the `prices` option.",
        )
        .unit("short")
        .decimals(0)
        .withTarget(promOrZero(`sum(increase(${unpriced}[${RANGE}]))`))
        .span(3),
    )
    .withRow(new RowBuilder("Latency and failures"))
    .withPanel(
      new TimeseriesPanel()
        .title("Model latency p50 / p95 by model")
        .unit("s")
        .withTarget(prom(quantile(0.5, modelBuckets, [LABEL.model]), `{{${LABEL.model}}} p50`))
        .withTarget(prom(quantile(0.95, modelBuckets, [LABEL.model]), `{{${LABEL.model}}} p95`))
        .span(8),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Tool latency p95 by tool")
        .unit("s")
        .withTarget(prom(quantile(0.95, toolBuckets, [LABEL.tool]), `{{${LABEL.tool}}}`))
        .span(8),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Tool failures")
        .description("Tool calls that failed, also those ToolNode turned into error messages.")
        .unit("ops")
        .withTarget(
          promOrZero(
            sumRate(failedToolCalls, [LABEL.tool]),
            `{{${LABEL.tool}}}`,
          ),
        )
        .span(8),
    )
    .withRow(new RowBuilder("Cache and human in the loop"))
    .withPanel(
      new TimeseriesPanel()
        .title("Cache hit ratio")
        .description(
          "Per cache and tier: a tier's ratio is over the lookups that reached it (the shared tier sees only local misses).",
        )
        .unit("percentunit")
        .min(0)
        .max(1)
        .withTarget(
          prom(
            ratio(
              sumRate(cacheHits, [LABEL.cache, LABEL.cacheTier]),
              sumRate(cacheRequests, [LABEL.cache, LABEL.cacheTier]),
              [LABEL.cache, LABEL.cacheTier],
            ),
            `{{${LABEL.cache}}} {{${LABEL.cacheTier}}}`,
          ),
        )
        .span(6),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Cache hits per tier")
        .description("Hits answered by each tier: local (in process) and shared (Redis, every replica).")
        .unit("ops")
        .withTarget(promOrZero(sumRate(cacheHits, [LABEL.cacheTier]), `{{${LABEL.cacheTier}}}`))
        .span(6),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Human approval rate")
        .description("Share of recorded human decisions that approved.")
        .unit("percentunit")
        .min(0)
        .max(1)
        .withTarget(
          prom(
            ratio(
              sumRate(approvals, [LABEL.workflow]),
              sumRate(decisions, [LABEL.workflow]),
              [LABEL.workflow],
            ),
            `{{${LABEL.workflow}}}`,
          ),
        )
        .span(6),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Human wait time p50 / p95")
        .description("From an interrupt to the run that resumed it.")
        .unit("s")
        .withTarget(prom(quantile(0.5, waitBuckets), "p50"))
        .withTarget(prom(quantile(0.95, waitBuckets), "p95"))
        .span(6),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Interrupts by node")
        .unit("ops")
        .withTarget(promOrZero(sumRate(interrupts, [LABEL.node]), `{{${LABEL.node}}}`))
        .span(6),
    )
    .build();
}
