/** A named async check with a deadline, as readiness and telemetry reports use them. */
export interface HealthCheck {
  /** Shown in the JSON body, e.g. "checkpointer". */
  name: string;
  /**
   * Resolves (with nothing, `true` or a detail string) when healthy; rejects, or resolves
   * `false`, when not. The signal aborts at the deadline.
   */
  check(signal: AbortSignal): Promise<unknown>;
  /** Deadline for this check. Default: the handler's `checkTimeoutMs`. */
  timeoutMs?: number;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** Why it failed, or a detail the check returned. */
  reason?: string;
  durationMs: number;
}

class CheckTimeout extends Error {
  override name = "CheckTimeout";
}

/** Runs one check; never throws: a throw, `false` or a missed deadline is a failed result. */
export async function runCheck(check: HealthCheck, defaultTimeoutMs: number): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? defaultTimeoutMs;
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CheckTimeout(`no answer within ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const value = await Promise.race([Promise.resolve().then(() => check.check(controller.signal)), deadline]);
    if (value === false) return { name: check.name, ok: false, reason: "check returned false", durationMs: elapsed() };
    return typeof value === "string"
      ? { name: check.name, ok: true, reason: value, durationMs: elapsed() }
      : { name: check.name, ok: true, durationMs: elapsed() };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { name: check.name, ok: false, reason, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs checks concurrently, so one slow check costs its own deadline, not the sum. */
export function runChecks(checks: readonly HealthCheck[], defaultTimeoutMs: number): Promise<CheckResult[]> {
  return Promise.all(checks.map((check) => runCheck(check, defaultTimeoutMs)));
}
