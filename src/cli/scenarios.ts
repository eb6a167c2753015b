/**
 * `langgraph-otel demo --scenario <name>`: presets that drive the bundled alert rules
 * (prometheus/rules/langgraph-alerts.yml). Each runs a fault phase long enough for its
 * alerts' rate windows and `for:` durations (at the committed values), then a recovery
 * phase long enough for them to resolve. docs/alerting.md maps every alert to its scenario.
 */
import type { SupportAgentFaults } from "../examples/support-agent.js";

export const SCENARIO_NAMES = [
  "outage",
  "slow-model",
  "cost-spike",
  "retry-storm",
  "flapping-breaker",
  "collector-stall",
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Knobs of the demo itself that a scenario presets (an explicit flag wins). */
export interface ScenarioLoad {
  /** Conversations started per second. */
  rate: number;
  concurrency: number;
}

export interface Scenario {
  name: ScenarioName;
  /** What goes wrong, for --help and the console. */
  summary: string;
  /** The alerts its fault phase fires with the committed rules, and their `for:`. */
  alerts: ReadonlyArray<{ alert: string; for: string }>;
  /** Alerts whose condition it also makes true, firing only if the fault is held longer. */
  also: readonly string[];
  load: ScenarioLoad;
  /** Agent knobs of the whole run (both phases). */
  base: Partial<SupportAgentFaults>;
  /** Agent knobs added during the fault phase. */
  fault: Partial<SupportAgentFaults>;
  /** The demo's OTLP receiver stops answering during the fault phase. */
  stallCollector: boolean;
  /** Default phase lengths (ms): rate window + `for:` + margin, then the window again. */
  faultMs: number;
  recoveryMs: number;
}

const MINUTE = 60_000;

/**
 * Model scenarios send fresh prompts (each names its conversation, as real prompts carry
 * their customer's context): the response cache would otherwise answer nearly every model
 * call of the repeating sample requests, and no model fault, latency or cost would show.
 * They run one conversation a second: at that pace healthy traffic spends about 5 USD an
 * hour on the scripted models, under the rules' 10 USD/h budget.
 */
const FRESH_MODEL_TRAFFIC = {
  load: { rate: 1, concurrency: 16 },
  base: { freshPrompts: true },
} as const;

/**
 * The breaker scenario keeps the repeating prompts (the cache answers the models) at ten
 * conversations a second: enough searches for the breaker's window and its probes.
 */
const CACHED_TRAFFIC = { load: { rate: 10, concurrency: 4 }, base: {} } as const;

/** A scenario from its parts; `minutes` are the fault and recovery phase lengths. */
function scenario(
  name: ScenarioName,
  summary: string,
  alerts: ReadonlyArray<readonly [alert: string, forDuration: string]>,
  traffic: Pick<Scenario, "load" | "base">,
  fault: Partial<SupportAgentFaults>,
  minutes: readonly [fault: number, recovery: number],
  extra: { also?: readonly string[]; stallCollector?: boolean } = {},
): Scenario {
  return {
    name,
    summary,
    alerts: alerts.map(([alert, forDuration]) => ({ alert, for: forDuration })),
    also: extra.also ?? [],
    stallCollector: extra.stallCollector ?? false,
    ...traffic,
    fault,
    faultMs: minutes[0] * MINUTE,
    recoveryMs: minutes[1] * MINUTE,
  };
}

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  outage: scenario(
    "outage",
    "the model provider stops answering 80% of calls: each hangs until its 3 s timeout, is retried, and runs fail slowly",
    [
      ["LangGraphHighErrorRate", "5m"],
      ["LangGraphSystemDegraded", "5m"],
    ],
    FRESH_MODEL_TRAFFIC,
    { modelFailRate: 0.8, modelHangs: true, modelTimeoutMs: 3_000 },
    [8, 6],
    // Retries of hung calls, and slow runs: true, but their `for:` is 10m.
    { also: ["LangGraphRetryStorm", "LangGraphSlowWorkflows"] },
  ),
  "slow-model": scenario(
    "slow-model",
    "the agent's model takes 1.25-3.75 s per call; calls over their 3.5 s budget time out (withTimeout) and are retried",
    [["LangGraphSlowWorkflows", "10m"]],
    FRESH_MODEL_TRAFFIC,
    { modelLatencyMs: 2_500, modelTimeoutMs: 3_500 },
    [12, 6],
  ),
  "cost-spike": scenario(
    "cost-spike",
    "a runaway context: every agent prompt carries the policies 60 times over",
    [["LangGraphLLMCostBudget", "15m"]],
    FRESH_MODEL_TRAFFIC,
    { contextRepeat: 60 },
    // The 15m rate window must fill with the spike, and empty again.
    [18, 16],
  ),
  "retry-storm": scenario(
    "retry-storm",
    "the model provider rate-limits half of all calls (429): the model nodes' retry policies multiply them",
    [
      ["LangGraphRetryStorm", "10m"],
      ["LangGraphHighErrorRate", "5m"],
    ],
    FRESH_MODEL_TRAFFIC,
    { modelFailRate: 0.5 },
    [12, 6],
  ),
  "flapping-breaker": scenario(
    "flapping-breaker",
    "the knowledge-base search is down: its circuit breaker opens, lets one probe through (half-open) every 10 s, and reopens",
    [["LangGraphCircuitBreakerOpen", "1m"]],
    // The alert wants state 2 at every evaluation for a minute; a scrape that lands between
    // the recovery timeout and the next probe reads half-open (1) and restarts its `for:`.
    // Probing every 10 s (not the agent's 3 s) makes that a rare moment.
    { load: CACHED_TRAFFIC.load, base: { breakerRecoveryMs: 10_000 } },
    // Down, not flaky: a breaker that closes now and then would break the alert's `for:`.
    { searchFailRate: 1 },
    [4, 2],
  ),
  "collector-stall": scenario(
    "collector-stall",
    "the demo sends traces to its own OTLP receiver, which stops answering: the span queue (64 spans) fills and drops",
    [["LangGraphTelemetryDropped", "10m"]],
    // Two conversations a second (some 30 spans): a stall fills the queue in two seconds,
    // and once the receiver answers the queue drains with room to spare on a busy machine.
    { load: { rate: 2, concurrency: 4 }, base: {} },
    {},
    [12, 6],
    { stallCollector: true },
  ),
};

/** The span queue of the collector-stall scenario: small, so a stalled export fills it. */
export const STALL_SPAN_QUEUE = { maxQueueSize: 64, maxExportBatchSize: 32, scheduledDelayMillis: 200 };

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/** One line per scenario, for --help. */
export function scenarioHelp(): string {
  return SCENARIO_NAMES.map((name) => {
    const s = SCENARIOS[name];
    return `    ${name.padEnd(17)}${s.alerts.map((a) => a.alert).join(", ")}`;
  }).join("\n");
}
