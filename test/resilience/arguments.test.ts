/**
 * Wrappers hand a function the arguments it was called with: a config (with the wrapper's
 * signal) is added only for functions that declare one, so default parameters keep their
 * defaults; composed wrappers still pass the signal down.
 */
import { describe, expect, it } from "vitest";
import { withRetry, withTimeout } from "../../src/index.js";

describe("arguments through the wrappers", () => {
  it("keeps a default second parameter's default when called with one argument", async () => {
    const scaled = (s: number, n = 5) => s * n;
    expect(await withTimeout(scaled, 1000)(2)).toBe(10);
    expect(await withRetry(scaled, { signal: new AbortController().signal })(2)).toBe(10);
    expect(await withRetry(withTimeout(scaled, 1000), { signal: new AbortController().signal })(2)).toBe(10);
    expect(await withTimeout(scaled, 1000)(2, 3)).toBe(6);
  });

  it("gives a function that declares a config the wrapper's signal, also through composition", async () => {
    const seen: Array<AbortSignal | undefined> = [];
    const work = async (_input: string, config?: { signal?: AbortSignal }) => {
      seen.push(config?.signal);
      return "done";
    };
    expect(await withTimeout(work, 1000)("q")).toBe("done");
    expect(await withRetry(withTimeout(work, 1000), { signal: new AbortController().signal })("q")).toBe("done");
    expect(seen).toHaveLength(2);
    for (const signal of seen) expect(signal?.aborted).toBe(false);
  });

  it("keeps the wrapped function's name and arity", () => {
    const work = (_input: string, _config?: object) => "x";
    const wrapped = withRetry(withTimeout(work, 1000));
    expect(wrapped.name).toBe("work");
    expect(wrapped.length).toBe(2);
  });
});
