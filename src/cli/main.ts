#!/usr/bin/env node
/**
 * Entry of the `langgraph-otel` bin. Runs from dist/esm and dist/cjs alike: no
 * import.meta, no top-level await.
 */
import { EXIT_FAILED, runCli } from "./run.js";

runCli(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  signals: process,
  exit: (code) => process.exit(code),
}).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT_FAILED;
  },
);
