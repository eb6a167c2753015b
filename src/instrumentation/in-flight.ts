/**
 * Graph runs and node attempts still open, each with a way to end it as failed. Used when
 * the process is about to die of an uncaught exception: the runs it interrupts would
 * otherwise never end, and an unended span is never exported, so the trace of the very
 * run that crashed would be lost.
 *
 * Each kind is an intrusive doubly linked list: tracking is on every node attempt, and a
 * Set of fresh closures would make V8 give each closure an identity hash and churn a hash
 * table per attempt, while a link costs one small object and four pointer writes.
 */
type Abort = (error: unknown) => void;

export interface InFlight {
  readonly abort: Abort;
  /** The list it is on, so untracking needs nothing but the link. */
  readonly list: InFlightList;
  prev: InFlight | undefined;
  next: InFlight | undefined;
}

class InFlightList {
  head: InFlight | undefined;
  size = 0;

  add(abort: Abort): InFlight {
    const link: InFlight = { abort, list: this, prev: undefined, next: this.head };
    if (this.head !== undefined) this.head.prev = link;
    this.head = link;
    this.size += 1;
    return link;
  }

  remove(link: InFlight): void {
    // Unlinked already (prev and next cleared, not the head): nothing to do.
    if (link.prev === undefined && this.head !== link) return;
    if (link.prev !== undefined) link.prev.next = link.next;
    else this.head = link.next;
    if (link.next !== undefined) link.next.prev = link.prev;
    link.prev = undefined;
    link.next = undefined;
    this.size -= 1;
  }

  snapshot(): Abort[] {
    const aborts: Abort[] = [];
    for (let link = this.head; link !== undefined; link = link.next) aborts.push(link.abort);
    return aborts;
  }
}

const attempts = new InFlightList();
const runs = new InFlightList();

/**
 * Tracks `abort` until `untrackInFlight` drops the returned link. The caller's abort must
 * end the work at most once (the run and attempt wrappers guard their own end): an app
 * that survives the exception may still end its runs normally.
 */
export function trackInFlight(kind: "run" | "attempt", abort: Abort): InFlight {
  return (kind === "run" ? runs : attempts).add(abort);
}

export function untrackInFlight(link: InFlight): void {
  link.list.remove(link);
}

/** Ends every open node attempt, then every open run (children before parents), as failed. */
export function abortInFlight(error: unknown): void {
  for (const list of [attempts, runs]) {
    for (const abort of list.snapshot()) {
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
