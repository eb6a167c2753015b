/**
 * Graph runs and node attempts still open, each with a way to end it as failed. Used when
 * the process is about to die of an uncaught exception: the runs it interrupts would
 * otherwise never end, and an unended span is never exported, so the trace of the very
 * run that crashed would be lost.
 */
type Abort = (error: unknown) => void;

const attempts = new Set<Abort>();
const runs = new Set<Abort>();

/**
 * Tracks `abort` until `untrackInFlight` drops it. The caller's abort must end the work
 * at most once (the run and attempt wrappers guard their own end): an app that survives
 * the exception may still end its runs normally.
 */
export function trackInFlight(kind: "run" | "attempt", abort: Abort): void {
  (kind === "run" ? runs : attempts).add(abort);
}

export function untrackInFlight(kind: "run" | "attempt", abort: Abort): void {
  (kind === "run" ? runs : attempts).delete(abort);
}

/** Ends every open node attempt, then every open run (children before parents), as failed. */
export function abortInFlight(error: unknown): void {
  for (const set of [attempts, runs]) {
    for (const abort of [...set]) {
      try {
        abort(error);
      } catch {
        // Ending a span is telemetry of ours; the crash report must go on.
      }
    }
  }
}

/** Open runs and attempts (tests check that nothing leaks). */
export function inFlightCount(): number {
  return attempts.size + runs.size;
}
