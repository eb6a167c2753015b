import type { Instrumentation } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { PinoInstrumentation } from "@opentelemetry/instrumentation-pino";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { WinstonInstrumentation } from "@opentelemetry/instrumentation-winston";
import { GenAIInstrumentation } from "../genai/index.js";
import { LangGraphInstrumentation } from "../instrumentation/index.js";
import type { ObservabilityOptions } from "./options.js";
import { isOwnServerSocket } from "../health/own-servers.js";

export interface SdkInstrumentations {
  langgraph: LangGraphInstrumentation;
  /** Absent when the options say `genai: false`. */
  genai: GenAIInstrumentation | undefined;
  /** Everything to register, the two above first. */
  all: Instrumentation[];
}

export interface InstrumentationChoices {
  /**
   * Leave out our library instrumentations (http, undici, pino, winston): another SDK in
   * the process brings its own, and patching twice would trace every request and send
   * every log record twice.
   */
  withoutLibraryInstrumentations?: boolean;
  /**
   * Leave out http and undici: an SDK the app started itself owns its HTTP telemetry
   * (it registers its http instrumentation or chose not to); ours would re-wrap `http`
   * and so replace the app's patch, and the configuration the app gave it.
   */
  withoutNetworkInstrumentations?: boolean;
}

const NETWORK_LIBRARIES: readonly string[] = ["http", "undici"];

/**
 * The libraries we instrument besides LangGraph, by the names OTEL_NODE_*_INSTRUMENTATIONS
 * use. http and undici (fetch) carry trace context across processes: a graph run served
 * over HTTP nests under the request's server span, and a RemoteGraph or fetch call sends
 * `traceparent`. pino and winston put `trace_id`/`span_id` on records and send them to
 * the LoggerProvider (OTLP logs).
 */
const LIBRARY_INSTRUMENTATIONS = {
  http: {
    packageName: "@opentelemetry/instrumentation-http",
    // Scrapes of /metrics and health probes on our own ports are not the app's traffic.
    create: () =>
      new HttpInstrumentation({
        enabled: false,
        ignoreIncomingRequestHook: (request) => isOwnServerSocket(request.socket),
      }),
  },
  undici: {
    packageName: "@opentelemetry/instrumentation-undici",
    // Enabled from construction: it records only while its config says enabled, and the
    // SDK calls enable() only on instrumentations whose config says disabled.
    create: () => new UndiciInstrumentation(),
  },
  pino: { packageName: "@opentelemetry/instrumentation-pino", create: () => new PinoInstrumentation({ enabled: false }) },
  winston: {
    packageName: "@opentelemetry/instrumentation-winston",
    create: () => new WinstonInstrumentation({ enabled: false }),
  },
} as const;
type Library = keyof typeof LIBRARY_INSTRUMENTATIONS;

function listFromEnv(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/**
 * The library instrumentations to add. Left out: the ones the app brings itself
 * (`instrumentations` option), the ones OTEL_NODE_DISABLED_INSTRUMENTATIONS names (or
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS leaves out), the variables of
 * `@opentelemetry/auto-instrumentations-node`, read the same way.
 */
function libraryInstrumentations(options: ObservabilityOptions, choices: InstrumentationChoices): Instrumentation[] {
  if (choices.withoutLibraryInstrumentations === true) return [];
  const env = options.env ?? process.env;
  const disabled = listFromEnv(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS);
  const enabled = listFromEnv(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS);
  const brought = new Set((options.instrumentations ?? []).map((i) => i.instrumentationName));
  const libraries = Object.keys(LIBRARY_INSTRUMENTATIONS) as Library[];
  return libraries
    .filter((library) => choices.withoutNetworkInstrumentations !== true || !NETWORK_LIBRARIES.includes(library))
    .filter((library) => !disabled.includes(library))
    .filter((library) => enabled.length === 0 || enabled.includes(library))
    .filter((library) => !brought.has(LIBRARY_INSTRUMENTATIONS[library].packageName))
    .map((library) => LIBRARY_INSTRUMENTATIONS[library].create());
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
    all: [...own, ...libraryInstrumentations(options, choices), ...(options.instrumentations ?? [])],
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
