import { IntrusiveList, type ListLinks } from "./linked-list.js";

/**
 * Graph runs and node attempts still open, each with a way to end it as failed. Used when
 * the process is about to die of an uncaught exception: the runs it interrupts would
 * otherwise never end, and an unended span is never exported, so the trace of the very
 * run that crashed would be lost.
 *
 * A run or attempt is its own list item (it carries the pointers): tracking is on every
 * node attempt, and costs four pointer writes.
 */
export interface InFlight extends ListLinks<InFlight> {
  /** Ends the work as failed, at most once (an app that survives may still end it normally). */
  abort(error: unknown): void;
}

const attempts = new IntrusiveList<InFlight>();
const runs = new IntrusiveList<InFlight>();

// One function per list: an item untracked from the list it is not on would corrupt both.
export function trackRun(run: InFlight): void {
  runs.add(run);
}

export function untrackRun(run: InFlight): void {
  runs.remove(run);
}

export function trackAttempt(attempt: InFlight): void {
  attempts.add(attempt);
}

export function untrackAttempt(attempt: InFlight): void {
  attempts.remove(attempt);
}

/** Ends every open node attempt, then every open run (children before parents), as failed. */
export function abortInFlight(error: unknown): void {
  for (const list of [attempts, runs]) {
    for (const item of list.toArray()) {
      try {
        item.abort(error);
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
