/** The `langgraph-otel` command line: parse, dispatch, map errors to exit codes. */
import { PACKAGE_VERSION } from "../version.js";
import { DEMO_HELP, MAIN_HELP, parseDemoArgs, UsageError } from "./args.js";
import { type DemoIO, runDemo } from "./demo.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export async function runCli(argv: readonly string[], io: DemoIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "-h" || command === "--help" || command === "help") {
      io.out.write(`${MAIN_HELP}\n`);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (command === "-v" || command === "--version") {
      io.out.write(`${PACKAGE_VERSION}\n`);
      return EXIT_OK;
    }
    if (command !== "demo") throw new UsageError(`unknown command "${command}"`);
    const args = parseDemoArgs(rest);
    if (args.help) {
      io.out.write(`${DEMO_HELP}\n`);
      return EXIT_OK;
    }
    return await runDemo(args.options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = command === "demo" ? "langgraph-otel demo --help" : "langgraph-otel --help";
      io.err.write(`langgraph-otel: ${error.message}\nRun '${help}' for usage.\n`);
      return EXIT_USAGE;
    }
    io.err.write(
      `langgraph-otel: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_FAILED;
  }
}
