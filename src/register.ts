/**
 * Zero-code entry: `node --import langgraph-otel/register app.mjs` or
 * `node -r langgraph-otel/register app.cjs`. Starts OpenTelemetry from the OTEL_*
 * environment before the app loads and flushes when the process ends.
 *
 * A bad OTEL_* value never stops the app: one warning names the variable, the default is used.
 * Only the main thread starts anything: worker threads inherit the flag (execArgv), and
 * so does the thread of any ES module loader hook (tsx, OTel's hook.mjs, our own), where
 * a second SDK would load every package again and bind /metrics twice.
 */
// Static imports, so the copies the app is about to use (ESM under --import, CJS under
// -r) are loaded before this module runs and are patched before the app's first line:
// an asynchronous import() could land after the app's first graph run.
import * as callbackManager from "@langchain/core/callbacks/manager";
import * as chatModels from "@langchain/core/language_models/chat_models";
import * as asyncCaller from "@langchain/core/utils/async_caller";
import * as tools from "@langchain/core/tools";
import * as pregel from "@langchain/langgraph/pregel";
import { isMainThread } from "node:worker_threads";
import { GenAIInstrumentation } from "./genai/index.js";
import { LangGraphInstrumentation } from "./instrumentation/index.js";
import { registerEsmLoaderHook } from "./setup/esm-hook.js";
import { flushOnExit } from "./setup/process-hooks.js";
import { startObservability } from "./setup/start.js";

const handle = isMainThread ? startObservability() : undefined;
if (handle?.enabled) {
  // ESM build only (no __filename there): see registerEsmLoaderHook.
  if (typeof __filename !== "string") registerEsmLoaderHook(handle);
  for (const instrumentation of handle.instrumentations) {
    if (instrumentation instanceof LangGraphInstrumentation) {
      instrumentation.manuallyInstrument(pregel);
    } else if (instrumentation instanceof GenAIInstrumentation) {
      instrumentation.manuallyInstrument(callbackManager);
      instrumentation.manuallyInstrument(tools);
      instrumentation.manuallyInstrument(chatModels);
      instrumentation.manuallyInstrument(asyncCaller);
    }
  }
  flushOnExit(handle);
}
