/** The environment startObservability reads (process.env unless a test passes its own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A named value: the option or variable it came from, so errors can name it. */
export interface Sourced<T> {
  value: T;
  setting: string;
}

/** The variables that are configuration: the SDK's and ours. */
export function isConfigVariable(name: string): boolean {
  return name.startsWith("OTEL_") || name.startsWith("LANGGRAPH_OTEL_");
}

/** The configuration variables of `env`, nothing else. */
export function configVariables(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (isConfigVariable(name) && value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Runs `fn` (synchronously) with the configuration variables of process.env replaced by
 * `env`'s, so that the OTel SDK's own parsing, which reads process.env while exporters,
 * processors and providers are constructed, sees exactly the checked configuration.
 * Everything is put back afterwards, also when `fn` throws.
 */
export function withEnv<T>(env: Env, fn: () => T): T {
  const saved: Array<[string, string]> = [];
  for (const name of Object.keys(process.env)) {
    if (!isConfigVariable(name)) continue;
    const value = process.env[name];
    if (value !== undefined) saved.push([name, value]);
    delete process.env[name];
  }
  Object.assign(process.env, configVariables(env));
  try {
    return fn();
  } finally {
    for (const name of Object.keys(process.env)) {
      if (isConfigVariable(name)) delete process.env[name];
    }
    for (const [name, value] of saved) process.env[name] = value;
  }
}
