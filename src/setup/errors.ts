/**
 * A configuration problem found at start: an unparsable endpoint, an unknown exporter
 * name, a port in use. `setting` names the environment variable (or option) at fault so
 * the message points at the one thing to fix.
 */
export class ObservabilityConfigError extends Error {
  override readonly name = "ObservabilityConfigError";
  readonly setting: string;

  constructor(setting: string, problem: string, options?: { cause?: unknown }) {
    super(`langgraph-otel: invalid ${setting}: ${problem}`, options);
    this.setting = setting;
  }
}
