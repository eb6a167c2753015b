import type { Instrumentation } from "@opentelemetry/instrumentation";
import { PinoInstrumentation } from "@opentelemetry/instrumentation-pino";
import { WinstonInstrumentation } from "@opentelemetry/instrumentation-winston";
import { GenAIInstrumentation } from "../genai/index.js";
import { LangGraphInstrumentation } from "../instrumentation/index.js";
import type { ObservabilityOptions } from "./options.js";

export interface SdkInstrumentations {
  langgraph: LangGraphInstrumentation;
  /** Absent when the options say `genai: false`. */
  genai: GenAIInstrumentation | undefined;
  /** Everything to register, the two above first. */
  all: Instrumentation[];
}

export interface InstrumentationChoices {
  /**
   * Leave out our pino and winston instrumentations (another SDK in the process brings
   * its own: patching twice would send every record twice).
   */
  withoutLogInstrumentations?: boolean;
}

/** The log libraries we instrument, by the names OTEL_NODE_*_INSTRUMENTATIONS use. */
const LOG_INSTRUMENTATIONS = {
  pino: { packageName: "@opentelemetry/instrumentation-pino", create: () => new PinoInstrumentation({ enabled: false }) },
  winston: {
    packageName: "@opentelemetry/instrumentation-winston",
    create: () => new WinstonInstrumentation({ enabled: false }),
  },
} as const;
type LogLibrary = keyof typeof LOG_INSTRUMENTATIONS;

function listFromEnv(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/**
 * The log instrumentations to add: pino and winston, so that their records carry
 * `trace_id`/`span_id` and reach the LoggerProvider (OTLP logs). Left out: the ones the
 * app brings itself (`instrumentations` option), the ones OTEL_NODE_DISABLED_INSTRUMENTATIONS
 * names (or OTEL_NODE_ENABLED_INSTRUMENTATIONS leaves out), the variables of
 * `@opentelemetry/auto-instrumentations-node`, read the same way.
 */
function logInstrumentations(options: ObservabilityOptions, choices: InstrumentationChoices): Instrumentation[] {
  if (choices.withoutLogInstrumentations === true) return [];
  const env = options.env ?? process.env;
  const disabled = listFromEnv(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS);
  const enabled = listFromEnv(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS);
  const brought = new Set((options.instrumentations ?? []).map((i) => i.instrumentationName));
  const libraries = Object.keys(LOG_INSTRUMENTATIONS) as LogLibrary[];
  return libraries
    .filter((library) => !disabled.includes(library))
    .filter((library) => enabled.length === 0 || enabled.includes(library))
    .filter((library) => !brought.has(LOG_INSTRUMENTATIONS[library].packageName))
    .map((library) => LOG_INSTRUMENTATIONS[library].create());
}

/**
 * The instrumentations startObservability registers. Every part of the SDK that patches a
 * library adds itself here (one line each), so the zero-code entry picks it up.
 */
export function createInstrumentations(
  options: ObservabilityOptions,
  choices: InstrumentationChoices = {},
): SdkInstrumentations {
  // enabled: false: the SDK enables them once the providers are set, not at construction.
  const langgraph = new LangGraphInstrumentation({ ...options.instrumentation, enabled: false });
  // Model and tool spans, token usage, cost, human decisions.
  const genai =
    options.genai === false ? undefined : new GenAIInstrumentation({ ...options.genai, enabled: false });
  const own = genai === undefined ? [langgraph] : [langgraph, genai];
  return {
    langgraph,
    genai,
    all: [...own, ...logInstrumentations(options, choices), ...(options.instrumentations ?? [])],
  };
}

/** Resolves once every instrumentation that patches asynchronously (ESM copies) is done. */
export function instrumentationsReady(instrumentations: readonly Instrumentation[]): Promise<void> {
  const pending = instrumentations.map((instrumentation) => {
    const ready = (instrumentation as { ready?: unknown }).ready;
    return ready instanceof Promise ? ready.catch(() => undefined) : undefined;
  });
  return Promise.all(pending).then(() => undefined);
}
