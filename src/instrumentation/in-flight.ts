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
/** What is tracked: ends its work as failed (a run, or a node attempt itself). */
export interface Abortable {
  abort(error: unknown): void;
}

export interface InFlight {
  readonly target: Abortable;
  /** The list it is on, so untracking needs nothing but the link. */
  readonly list: InFlightList;
  prev: InFlight | undefined;
  next: InFlight | undefined;
}

class InFlightList {
  head: InFlight | undefined;
  size = 0;

  add(target: Abortable): InFlight {
    const link: InFlight = { target, list: this, prev: undefined, next: this.head };
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

  snapshot(): Abortable[] {
    const targets: Abortable[] = [];
    for (let link = this.head; link !== undefined; link = link.next) targets.push(link.target);
    return targets;
  }
}

const attempts = new InFlightList();
const runs = new InFlightList();

/**
 * Tracks `target` until `untrackInFlight` drops the returned link. Its abort must end the
 * work at most once (the run and attempt wrappers guard their own end): an app that
 * survives the exception may still end its runs normally.
 */
export function trackInFlight(kind: "run" | "attempt", target: Abortable): InFlight {
  return (kind === "run" ? runs : attempts).add(target);
}

export function untrackInFlight(link: InFlight): void {
  link.list.remove(link);
}

/** Ends every open node attempt, then every open run (children before parents), as failed. */
export function abortInFlight(error: unknown): void {
  for (const list of [attempts, runs]) {
    for (const target of list.snapshot()) {
      try {
        target.abort(error);
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
