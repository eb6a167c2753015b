/**
 * AbortSignal plumbing shared by the wrappers: linking signals, abortable sleep, and racing
 * work against a signal so an abort stops the caller's wait at once even when the work
 * ignores its signal. Every listener and timer is removed when it is no longer needed.
 */

/** The error an aborted signal stands for: its reason, or a standard AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

export interface LinkedSignal {
  readonly signal: AbortSignal;
  abort(reason: unknown): void;
  /** Detaches from the parents; call when the work is done. */
  dispose(): void;
}

/** A signal that aborts when any parent aborts (with its reason) or when `abort` is called. */
export function linkSignals(parents: ReadonlyArray<AbortSignal | undefined>): LinkedSignal {
  const controller = new AbortController();
  const detach: Array<() => void> = [];
  for (const parent of parents) {
    if (parent === undefined) continue;
    if (parent.aborted) {
      controller.abort(abortReason(parent));
      break;
    }
    const onAbort = () => controller.abort(abortReason(parent));
    parent.addEventListener("abort", onAbort, { once: true });
    detach.push(() => parent.removeEventListener("abort", onAbort));
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      for (const undo of detach.splice(0)) undo();
    },
  };
}

/** Resolves after `ms`; rejects with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Settles like `work`, unless `signal` aborts first: then rejects with the abort reason
 * at once, and hands the still-running work to `onAbandon` (see abandoned.ts). A later
 * rejection of `work` is handled here, so it is never "unhandled".
 */
export function raceAbort<T>(
  work: T | PromiseLike<T>,
  signal?: AbortSignal,
  onAbandon?: (work: Promise<T>) => void,
): Promise<T> {
  const promise = Promise.resolve(work);
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    onAbandon?.(promise);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      // Unsettled here, though work that honours the signal may settle a microtask later.
      onAbandon?.(promise);
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
