export interface ProgressState {
  done: number;
  failed: number;
  elapsedMs: number;
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 28;
/** Without a terminal, a line at most this often (ms), so CI logs stay short. */
const LOG_INTERVAL_MS = 10_000;

/**
 * A progress bar on a terminal (redrawn in place), plain lines elsewhere: every quarter
 * of the runs, or every ten seconds in load mode.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastQuarter = 0;
  private lastLog = 0;

  constructor(
    private readonly out: Output,
    /** Conversations to run; undefined in load mode. */
    private readonly total: number | undefined,
    /** Load mode length, ms. */
    private readonly durationMs: number | undefined,
  ) {}

  update(state: ProgressState, force = false): void {
    if (this.out.isTTY) {
      if (!force && state.elapsedMs - this.lastDraw < 100) return;
      this.lastDraw = state.elapsedMs;
      this.out.write(`\r\x1b[2K${this.line(state)}`);
      return;
    }
    if (this.total !== undefined) {
      const quarter = Math.floor((state.done / this.total) * 4);
      if (quarter <= this.lastQuarter && !force) return;
      this.lastQuarter = quarter;
    } else if (!force && state.elapsedMs - this.lastLog < LOG_INTERVAL_MS) return;
    this.lastLog = state.elapsedMs;
    this.out.write(`${this.line(state)}\n`);
  }

  finish(state: ProgressState, note?: string): void {
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${this.line(state)}${note ? `  ${note}` : ""}\n`);
    else this.out.write(`${this.line(state)}${note ? `  ${note}` : ""}\n`);
  }

  line({ done, failed, elapsedMs }: ProgressState): string {
    const fraction =
      this.total !== undefined
        ? done / this.total
        : this.durationMs !== undefined
          ? elapsedMs / this.durationMs
          : 0;
    const filled = Math.max(0, Math.min(WIDTH, Math.round(fraction * WIDTH)));
    const bar = `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}]`;
    const count = this.total !== undefined ? `${done}/${this.total}` : `${done}`;
    const time =
      this.durationMs !== undefined
        ? `${seconds(elapsedMs)} of ${seconds(this.durationMs)}`
        : seconds(elapsedMs);
    return `${bar} ${count} conversations, ${failed} failed, ${time}`;
  }
}

function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(s % 60).padStart(2, "0")}s`;
}
