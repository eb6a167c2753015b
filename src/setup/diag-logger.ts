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

/**
 * OTel's internal log, written to stderr: stdout belongs to the app (often JSON lines).
 * Writing never throws.
 */
function stderrLogger(): DiagLogger {
  const write =
    (level: string) =>
    (message: string, ...args: unknown[]) => {
      try {
        const text = [message, ...args.map(formatArg)].join(" ");
        process.stderr.write(`[otel ${level}] ${text}\n`);
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
