/** Waiting in tests: for a while, for a condition, for a free loopback port. */
import { createServer } from "node:net";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it returns a value (not undefined) and returns it; throws, naming
 * `what` and the last error `check` threw, once `timeoutMs` has passed.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}${lastError === undefined ? "" : `: ${String(lastError)}`}`);
}

/** A signal one side of a test opens and the other awaits (`await signal.opened`). */
export interface Signal {
  opened: Promise<void>;
  open(): void;
}

export function signal(): Signal {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A port nobody listens on right now (bind 0, read, release). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Scrapes a Prometheus text endpoint until it shows `series`; returns the whole text. */
export function scrapeUntil(metricsUrl: string, series: string, timeoutMs: number): Promise<string> {
  return eventually(
    `${series} at ${metricsUrl}`,
    async () => {
      const response = await fetch(metricsUrl).catch(() => undefined);
      const text = response?.ok ? await response.text() : "";
      return text.includes(series) ? text : undefined;
    },
    timeoutMs,
  );
}
