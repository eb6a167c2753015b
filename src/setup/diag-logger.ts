import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import type { DiagLevelName } from "./options.js";

const LEVELS: Record<DiagLevelName, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

function formatArg(arg: unknown): string {
  if (arg instanceof Error) return arg.stack ?? arg.message;
  if (typeof arg === "string") return arg;
  try {
    return JSON.stringify(arg);
  } catch {
    return String(arg);
  }
}

/** How long a line of the same shape stays quiet after it was written. */
const REPEAT_WINDOW_MS = 60_000;
/** Shapes remembered at once; past that, the oldest is forgotten (it may print again). */
const MAX_SHAPES = 200;

/**
 * A line's shape: its start with numbers, hex ids and quoted values blanked, so the same
 * failure with another port, span id or batch size counts as a repeat.
 */
export function lineShape(text: string): string {
  return text
    .slice(0, 160)
    .replace(/0x[0-9a-f]+|[0-9a-f]{8,}|\d+/gi, "#")
    .replace(/"[^"]*"|'[^']*'/g, "''");
}

/**
 * Repeats of a warn/error line are held back for a minute and then summed up in one line:
 * a collector that stays down must not write a line (or a JSON stack, from a second copy
 * of @opentelemetry/core whose error handler is not ours) per failed batch.
 */
export class RepeatFilter {
  private readonly shapes = new Map<string, { until: number; held: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The lines to write for `text`: itself, a summary of held repeats first, or nothing. */
  admit(text: string): string[] {
    const shape = lineShape(text);
    const time = this.now();
    const seen = this.shapes.get(shape);
    if (seen !== undefined && time < seen.until) {
      seen.held++;
      return [];
    }
    const lines = seen !== undefined && seen.held > 0 ? [`(${seen.held} more like the next line in the last minute)`] : [];
    this.shapes.delete(shape);
    this.shapes.set(shape, { until: time + REPEAT_WINDOW_MS, held: 0 });
    if (this.shapes.size > MAX_SHAPES) {
      const oldest = this.shapes.keys().next().value;
      if (oldest !== undefined) this.shapes.delete(oldest);
    }
    lines.push(text);
    return lines;
  }
}

/**
 * OTel's internal log, written to stderr: stdout belongs to the app (often JSON lines).
 * Writing never throws. Warnings and errors pass a RepeatFilter; debug output is whole.
 */
function stderrLogger(): DiagLogger {
  const repeats = new RepeatFilter();
  const write =
    (level: string) =>
    (message: string, ...args: unknown[]) => {
      try {
        const text = [message, ...args.map(formatArg)].join(" ");
        const lines = level === "error" || level === "warn" ? repeats.admit(text) : [text];
        for (const line of lines) process.stderr.write(`[otel ${level}] ${line}\n`);
      } catch {
        // stderr closed: nothing left to tell.
      }
    };
  return {
    error: write("error"),
    warn: write("warn"),
    info: write("info"),
    debug: write("debug"),
    verbose: write("verbose"),
  };
}

/** Installs the stderr diag logger at `level`; "none" leaves diag untouched. */
export function installDiagLogger(level: DiagLevelName): void {
  if (level === "none") return;
  diag.setLogger(stderrLogger(), { logLevel: LEVELS[level], suppressOverrideMessage: true });
}
