/**
 * Percentiles in bounded memory: values (ms) fall into log-spaced buckets 2% wide, so a
 * load run of any length keeps at most a few hundred counters per series.
 */
const GROWTH = Math.log(1.02);

export class LogHistogram {
  private readonly buckets = new Map<number, number>();
  count = 0;
  sum = 0;

  record(valueMs: number): void {
    if (!Number.isFinite(valueMs) || valueMs < 0) return;
    const index = Math.floor(Math.log1p(valueMs) / GROWTH);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
    this.count++;
    this.sum += valueMs;
  }

  /** The q-quantile (0..1), as the middle of its bucket; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index) ?? 0;
      if (seen >= rank) return Math.expm1((index + 0.5) * GROWTH);
    }
    return undefined;
  }
}
