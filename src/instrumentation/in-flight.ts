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
 * Tracks `abort` until the returned function is called. `abort` runs at most once, and
 * never after the work ended on its own: an app that survives the exception may still
 * end its runs normally.
 */
export function trackInFlight(kind: "run" | "attempt", abort: Abort): () => void {
  const set = kind === "run" ? runs : attempts;
  let open = true;
  const once: Abort = (error) => {
    if (!open) return;
    open = false;
    set.delete(once);
    abort(error);
  };
  set.add(once);
  return () => {
    open = false;
    set.delete(once);
  };
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
