import { createRequire } from "node:module";
import { metrics, trace } from "@opentelemetry/api";

/**
 * The OTel API keeps its registered globals on `globalThis` under these keys, so every
 * copy of `@opentelemetry/api` (1.x) and `@opentelemetry/api-logs` in the process sees the
 * same providers. Reading the keys tells whether someone registered a provider before us
 * without registering anything (and without the API's "duplicate registration" error).
 */
const API_GLOBAL = Symbol.for("opentelemetry.js.api.1");
const LOGS_API_GLOBAL = Symbol.for("io.opentelemetry.js.api.logs");

type ApiGlobals = {
  [API_GLOBAL]?: { trace?: unknown; metrics?: unknown; diag?: unknown; context?: unknown; propagation?: unknown };
  [LOGS_API_GLOBAL]?: unknown;
};

/** Which global providers another SDK (or the app) registered before us. */
export interface RegisteredProviders {
  traces: boolean;
  metrics: boolean;
  logs: boolean;
}

/** A registered ProxyTracerProvider whose delegate is not the API's no-op provider. */
function tracerProviderRegistered(globals: ApiGlobals): boolean {
  if (globals[API_GLOBAL]?.trace === undefined) return false;
  const provider = trace.getTracerProvider() as { getDelegate?: () => object };
  const delegate = typeof provider.getDelegate === "function" ? provider.getDelegate() : provider;
  return delegate.constructor.name !== "NoopTracerProvider";
}

function meterProviderRegistered(globals: ApiGlobals): boolean {
  if (globals[API_GLOBAL]?.metrics === undefined) return false;
  return metrics.getMeterProvider().constructor.name !== "NoopMeterProvider";
}

/**
 * The providers already registered in this process (the auto-instrumentations' register
 * entry, or the app's own NodeSDK started first), or undefined when none is: then we
 * start our own SDK.
 */
export function registeredProviders(): RegisteredProviders | undefined {
  const globals = globalThis as ApiGlobals;
  const found: RegisteredProviders = {
    traces: tracerProviderRegistered(globals),
    metrics: meterProviderRegistered(globals),
    logs: globals[LOGS_API_GLOBAL] !== undefined,
  };
  return found.traces || found.metrics || found.logs ? found : undefined;
}

/**
 * The context manager and propagator registered already. They are not an SDK by
 * themselves (an SDK whose exporters are all `none` registers only these, and so do
 * some libraries), but registering ours again would be refused with the duplicate-
 * registration error, and unregistering theirs on shutdown would break the app.
 */
export function registeredPlumbing(): { context: boolean; propagation: boolean } {
  const api = (globalThis as ApiGlobals)[API_GLOBAL];
  return { context: api?.context !== undefined, propagation: api?.propagation !== undefined };
}

/** True when a diag logger is installed already (ours must not replace the app's). */
export function diagLoggerRegistered(): boolean {
  return (globalThis as ApiGlobals)[API_GLOBAL]?.diag !== undefined;
}

const AUTO_REGISTER = "auto-instrumentations-node/build/src/register.js";

/**
 * True when `@opentelemetry/auto-instrumentations-node/register` started the SDK. Its
 * instrumentation list includes pino and winston (enabled by default), so ours would
 * patch them a second time and send every log record twice.
 */
export function autoInstrumentationsRegistered(): boolean {
  // Node's CommonJS cache is one per process, whichever require reads it (also under ESM,
  // where `--import` of a CommonJS file goes through it).
  const cache = Object.keys(createRequire(`${process.cwd()}/`).cache);
  if (cache.some((path) => path.replaceAll("\\", "/").endsWith(AUTO_REGISTER))) return true;
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  return flags.includes("@opentelemetry/auto-instrumentations-node/register");
}
