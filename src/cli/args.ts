import { DEFAULT_SEED } from "../examples/support-agent.js";
import { isScenarioName, SCENARIO_NAMES, SCENARIOS, type ScenarioName, scenarioHelp } from "./scenarios.js";
import { DEFAULT_OTLP_HTTP_PORT, DEFAULT_PROMETHEUS_PORT } from "../stack-defaults.js";

/** A command-line mistake: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface DemoOptions {
  runs: number;
  concurrency: number;
  /** 0..1 */
  failRate: number;
  /** Base latency of simulated dependencies, ms. */
  latencyMs: number;
  /** Load mode: keep running for this long (ms); undefined = run `runs` conversations. */
  durationMs: number | undefined;
  /** OTLP/HTTP base URL; undefined = OTEL_EXPORTER_OTLP_ENDPOINT or the local default. */
  endpoint: string | undefined;
  /** Port of /metrics; undefined = OTEL_EXPORTER_PROMETHEUS_PORT or 9464. */
  metricsPort: number | undefined;
  seed: number;
  /** Conversations started per second at most; undefined = as fast as they finish. */
  rate: number | undefined;
  /** A preset that drives alerts: a fault phase, then a recovery phase (load mode). */
  scenario: ScenarioName | undefined;
  /** Length of the scenario's fault phase (ms); the recovery phase runs for the rest. */
  faultMs: number | undefined;
  /** Length of the scenario's recovery phase (ms). */
  recoveryMs: number | undefined;
}

export const DEMO_DEFAULTS: DemoOptions = {
  runs: 20,
  concurrency: 4,
  failRate: 0.1,
  latencyMs: 20,
  durationMs: undefined,
  endpoint: undefined,
  metricsPort: undefined,
  seed: DEFAULT_SEED,
  rate: undefined,
  scenario: undefined,
  faultMs: undefined,
  recoveryMs: undefined,
};

export const DEMO_HELP = `Usage: langgraph-otel demo [options]

Runs a deterministic sample support agent (no network, no API key) instrumented with
langgraph-otel, then prints what the SDK saw: one run's trace tree, a per-node table,
tokens and cost by model, and where the telemetry went.

Options:
  --runs <n>           conversations to run (default ${DEMO_DEFAULTS.runs})
  --concurrency <n>    conversations in flight at once (default ${DEMO_DEFAULTS.concurrency})
  --fail-rate <p>      chance that a simulated model/search/tool call fails, 0..1 or a
                       percentage like 15% (default ${DEMO_DEFAULTS.failRate})
  --latency <ms>       base latency of each simulated call, e.g. 20, 20ms, 0.2s
                       (default ${DEMO_DEFAULTS.latencyMs})
  --duration <time>    load mode: run until the time is up (90, 90s, 5m, 24h) or Ctrl-C,
                       then print the summary; --runs is ignored. Drives dashboards and alerts.
  --endpoint <url>     OTLP/HTTP collector to send traces to if it answers
                       (default $OTEL_EXPORTER_OTLP_ENDPOINT or http://127.0.0.1:${DEFAULT_OTLP_HTTP_PORT})
  --metrics-port <n>   port of the /metrics endpoint on 127.0.0.1
                       (default $OTEL_EXPORTER_PROMETHEUS_PORT or ${DEFAULT_PROMETHEUS_PORT})
  --seed <n>           seed of the simulated faults and latencies (default ${DEMO_DEFAULTS.seed})
  --rate <n>           start at most n conversations a second, e.g. 1 or 0.5
                       (default: as fast as they finish)
  --scenario <name>    drive alerts: a fault phase, then a recovery phase (load mode), printing
                       which alerts to expect and when; a preset of --rate and --concurrency,
                       with fail-rate 0 (your flags win). Scenarios and the alerts they fire:
${scenarioHelp()}
  --fault-duration <time>     length of the scenario's fault phase (default: per scenario,
                              long enough for its alerts to fire with the bundled rules)
  --recovery-duration <time>  length of the recovery phase (default: long enough to resolve)
  -h, --help           show this help

Exit codes: 0 done, 1 failed to run, 2 bad command line.`;

export const MAIN_HELP = `Usage: langgraph-otel <command> [options]

Commands:
  demo        run the instrumented sample agent and print what the SDK sees
              (langgraph-otel demo --help for its options)

Options:
  -h, --help     show this help
  -v, --version  print the version`;

export type DemoArgs = { help: true } | { help: false; options: DemoOptions };

type Parser = (raw: string, flag: string) => Partial<DemoOptions>;

const FLAGS: Readonly<Record<string, Parser>> = {
  "--runs": (raw, flag) => ({ runs: integer(raw, flag, 1) }),
  "--concurrency": (raw, flag) => ({ concurrency: integer(raw, flag, 1, 1000) }),
  "--fail-rate": (raw, flag) => ({ failRate: rate(raw, flag) }),
  "--latency": (raw, flag) => ({ latencyMs: milliseconds(raw, flag) }),
  "--duration": (raw, flag) => ({ durationMs: duration(raw, flag) }),
  "--endpoint": (raw, flag) => ({ endpoint: url(raw, flag) }),
  "--metrics-port": (raw, flag) => ({ metricsPort: integer(raw, flag, 0, 65535) }),
  "--seed": (raw, flag) => ({ seed: integer(raw, flag, 0) }),
  "--rate": (raw, flag) => ({ rate: positive(raw, flag) }),
  "--scenario": (raw, flag) => ({ scenario: scenario(raw, flag) }),
  "--fault-duration": (raw, flag) => ({ faultMs: duration(raw, flag) }),
  "--recovery-duration": (raw, flag) => ({ recoveryMs: duration(raw, flag) }),
};

export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let options: DemoOptions = { ...DEMO_DEFAULTS };
  const given = new Set<keyof DemoOptions>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") return { help: true };
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const parse = FLAGS[flag];
    if (!parse) {
      throw new UsageError(
        arg.startsWith("-") ? `unknown option ${flag}` : `unexpected argument "${arg}"`,
      );
    }
    let raw: string | undefined;
    if (flag !== arg) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || raw.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      i++;
    }
    const parsed = parse(raw, flag);
    for (const key of Object.keys(parsed) as Array<keyof DemoOptions>) given.add(key);
    options = { ...options, ...parsed };
  }
  return { help: false, options: applyScenario(options, given) };
}

/**
 * A scenario's preset under the flags given: its pace and concurrency unless set, its
 * phase lengths, and load mode for both phases unless --duration says otherwise.
 */
export function applyScenario(options: DemoOptions, given: ReadonlySet<keyof DemoOptions>): DemoOptions {
  if (options.scenario === undefined) {
    const stray = (["faultMs", "recoveryMs"] as const).find((key) => given.has(key));
    if (stray) {
      throw new UsageError(`--${stray === "faultMs" ? "fault" : "recovery"}-duration needs --scenario`);
    }
    return options;
  }
  const preset = SCENARIOS[options.scenario];
  const faultMs = options.faultMs ?? preset.faultMs;
  const recoveryMs = options.recoveryMs ?? preset.recoveryMs;
  return {
    ...options,
    rate: given.has("rate") ? options.rate : preset.load.rate,
    // Only the scenario's own faults, unless --fail-rate adds background ones.
    failRate: given.has("failRate") ? options.failRate : 0,
    concurrency: given.has("concurrency") ? options.concurrency : preset.load.concurrency,
    faultMs,
    recoveryMs,
    durationMs: given.has("durationMs") ? options.durationMs : faultMs + recoveryMs,
  };
}

function integer(raw: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be a whole number ${range} (got "${raw}")`);
  }
  return value;
}

function rate(raw: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(raw);
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new UsageError(`${flag} must be a probability from 0 to 1 or 0% to 100% (got "${raw}")`);
  }
  return value;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function quantity(raw: string, defaultUnit: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$/.exec(raw);
  if (!match) return Number.NaN;
  return Number(match[1]) * UNIT_MS[match[2] ?? defaultUnit]!;
}

function positive(raw: string, flag: string): number {
  const value = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value > 0 && value <= 10_000)) {
    throw new UsageError(`${flag} must be a number above 0 and at most 10000, like 1 or 0.5 (got "${raw}")`);
  }
  return value;
}

function scenario(raw: string, flag: string): ScenarioName {
  if (isScenarioName(raw)) return raw;
  throw new UsageError(`${flag} must be one of ${SCENARIO_NAMES.join(", ")} (got "${raw}")`);
}

function milliseconds(raw: string, flag: string): number {
  const value = quantity(raw, "ms");
  if (!(value >= 0 && value <= 60_000)) {
    throw new UsageError(`${flag} must be a time from 0 to 60s, like 20, 20ms or 0.2s (got "${raw}")`);
  }
  return value;
}

function duration(raw: string, flag: string): number {
  const value = quantity(raw, "s");
  if (!(value >= 1000 && value <= 7 * 24 * 3_600_000)) {
    throw new UsageError(`${flag} must be from 1s to 7 days, like 90, 90s, 5m or 24h (got "${raw}")`);
  }
  return value;
}

function url(raw: string, flag: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`${flag} must be an http(s) URL like http://127.0.0.1:4318 (got "${raw}")`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`${flag} must be an http(s) URL like http://127.0.0.1:4318 (got "${raw}")`);
  }
  return raw.replace(/\/+$/, "");
}
