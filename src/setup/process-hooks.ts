import { inspect } from "node:util";
import { abortInFlight } from "../instrumentation/in-flight.js";
import type { ObservabilityHandle } from "./start.js";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Flushes telemetry when the process ends, without changing how it ends:
 * - normal exit (`beforeExit`): flush, then let Node exit with the app's exit code;
 *   if the deadline passed (a collector that never answers), exit with that same code
 *   rather than wait on its retries;
 * - SIGTERM/SIGINT: if the app listens for the signal itself, flush what is queued and
 *   leave the decision to the app (a later normal exit still shuts down); otherwise flush, then re-raise the signal with Node's default
 *   behaviour, so the process still dies by that signal. A second signal during the flush
 *   gets the default behaviour at once.
 * - an uncaught exception (or an unhandled rejection, which Node raises as one): if the
 *   app has no listener of its own, the runs it interrupts end as failed with that error,
 *   everything is flushed within the deadline, and the process then dies as Node would
 *   have: the error on stderr, exit code 1. With a listener of the app's, the app decides
 *   whether the process lives; only a flush.
 * `process.exit()` called by the app skips the flush: Node allows no async work there.
 *
 * A handle that joined an SDK already registered installs nothing: flushing and shutting
 * down belong to whoever started that SDK (the auto-instrumentations' register entry
 * does both on beforeExit and SIGTERM), and a signal listener of ours would change what
 * a signal does to an app that never asked us to.
 */
export function flushOnExit(handle: ObservabilityHandle): () => void {
  if (handle.joined) return () => undefined;
  let finished = false;

  const onBeforeExit = () => {
    if (finished) return;
    finished = true;
    uninstall();
    void handle.shutdown().then(({ timedOut }) => {
      if (timedOut) process.exit(process.exitCode);
    });
  };

  const onSignal = (signal: NodeJS.Signals) => {
    const appListens = process.listenerCount(signal) > 1;
    if (appListens) {
      // The app decides what the signal means; it may keep running, so only flush.
      void handle.forceFlush();
      return;
    }
    finished = true;
    uninstall();
    void handle.shutdown().finally(() => {
      // Our listeners are gone: the signal now does what it would have done without us.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };

  const onUncaught = (error: unknown) => {
    if (process.listenerCount("uncaughtException") > 1) {
      void handle.forceFlush();
      return;
    }
    finished = true;
    uninstall();
    // Printed first: the report must not depend on the collector.
    reportLikeNode(error);
    abortInFlight(error);
    void handle.shutdown().finally(() => process.exit(CRASH_EXIT_CODE));
  };

  const uninstall = () => {
    process.off("beforeExit", onBeforeExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off("uncaughtException", onUncaught);
  };

  process.on("beforeExit", onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on("uncaughtException", onUncaught);
  return uninstall;
}

/** Node's exit code for an uncaught exception. */
const CRASH_EXIT_CODE = 1;

/** What Node prints for an uncaught exception, less the source excerpt it adds. */
function reportLikeNode(error: unknown): void {
  try {
    process.stderr.write(`${inspect(error)}\n\nNode.js ${process.version}\n`);
  } catch {
    // stderr is gone: the exit code still tells.
  }
}
