/**
 * Waits for `work` at most `timeoutMillis`. Resolves `true` if the deadline won. Never
 * rejects: a failing `work` counts as finished. The timer is unref'd, so waiting never
 * keeps a process alive on its own.
 */
export function settleWithin(work: Promise<unknown>, timeoutMillis: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), timeoutMillis);
    timer.unref?.();
    work.then(
      () => {
        clearTimeout(timer);
        resolve(false);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}
