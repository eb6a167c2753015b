/**
 * Liveness signal: how late a repeating timer fires. A timer probe (rather than
 * monitorEventLoopDelay's histogram) keeps the worst lag of a recent window, so a loop
 * blocked for seconds is still reported on the first request it answers afterwards.
 */
export interface EventLoopProbeOptions {
  /** How often the probe timer is due. Default 100 ms. */
  intervalMs?: number;
  /** How long a lag is remembered. Default 10 s. */
  windowMs?: number;
  /** Injected for tests. */
  now?: () => number;
}

export interface EventLoopLag {
  /** The worst delay past the due time seen in the window, in ms. */
  maxLagMs: number;
  /** The window the maximum covers, in ms. */
  windowMs: number;
}

interface Sample {
  at: number;
  lagMs: number;
}

export class EventLoopProbe {
  private readonly intervalMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;

  constructor(options: EventLoopProbeOptions = {}) {
    this.intervalMs = options.intervalMs ?? 100;
    this.windowMs = options.windowMs ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Records one firing; public so a test can feed lags without real timers. */
  record(lagMs: number, at: number = this.now()): void {
    // Only lags above zero matter, and a run of zeros would fill the window.
    if (lagMs > 0) this.samples.push({ at, lagMs });
    while (this.samples.length > 0 && (this.samples[0] as Sample).at < at - this.windowMs) {
      this.samples.shift();
    }
  }

  lag(): EventLoopLag {
    const now = this.now();
    // A loop blocked right now has not fired the timer yet: count the overdue time too.
    let maxLagMs = this.timer !== undefined ? Math.max(0, now - this.dueAt) : 0;
    for (const sample of this.samples) {
      if (sample.at >= now - this.windowMs && sample.lagMs > maxLagMs) maxLagMs = sample.lagMs;
    }
    return { maxLagMs: Math.round(maxLagMs), windowMs: this.windowMs };
  }

  private schedule(): void {
    this.dueAt = this.now() + this.intervalMs;
    this.timer = setTimeout(() => {
      this.record(this.now() - this.dueAt);
      this.schedule();
    }, this.intervalMs);
    // The probe must never keep a finished app alive.
    this.timer.unref();
  }
}
