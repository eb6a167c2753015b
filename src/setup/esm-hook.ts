import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";
import { diag } from "@opentelemetry/api";
import type { ObservabilityHandle } from "./start.js";

const HOOK = "@opentelemetry/instrumentation/hook.mjs";

/**
 * The modules our instrumentations patch (pino, winston, ...), by their bare specifiers.
 * LangChain's are left out: the register entry loads and patches their ES module copies
 * before the hook exists, so wrapping them would cost every import and patch nothing.
 */
function hookedModules(handle: ObservabilityHandle): string[] {
  const names = new Set<string>();
  for (const instrumentation of handle.instrumentations) {
    const definitions = (instrumentation as { getModuleDefinitions?: () => { name: string }[] })
      .getModuleDefinitions?.();
    for (const definition of definitions ?? []) {
      if (!definition.name.startsWith("@langchain/") && installed(definition.name)) names.add(definition.name);
    }
  }
  return [...names];
}

/**
 * Whether the app can import a package at all (the hook thread costs ~17 MB of RSS),
 * seen from its main script and from the working directory.
 */
function installed(name: string): boolean {
  const anchors = [process.argv[1], `${process.cwd()}/`].filter((a): a is string => typeof a === "string" && a !== "");
  return anchors.some((anchor) => {
    try {
      createRequire(anchor).resolve(name);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * This module's own file URL, read from a stack frame (the shared source cannot name
 * `import.meta` and still build as CommonJS): the hook then resolves from our package,
 * so it is the copy of import-in-the-middle our instrumentations talk to, wherever the
 * app was started from.
 */
function ownUrl(): string | undefined {
  return /(file:\/\/[^\s)]+?\/esm-hook\.[jt]s):\d+:\d+/.exec(new Error().stack ?? "")?.[1];
}

/**
 * Registers import-in-the-middle's loader hook, so that the ES modules the app imports
 * after the register entry (pino, winston; node:http and the rest for an SDK we joined)
 * can be patched: without it, `import pino from "pino"` is never seen by any
 * instrumentation. Call from the ESM register entry only: under `-r` the app's modules
 * load through require, and a hook would start the hooks thread, which runs every `-r`
 * preload (this entry included) a second time.
 *
 * Our own SDK: only the modules our instrumentations patch are wrapped. A joined SDK:
 * every module, as `--experimental-loader=@opentelemetry/instrumentation/hook.mjs` does,
 * because we cannot know which modules its instrumentations patch.
 *
 * The hook is resolved from this package (see ownUrl), else from the working directory;
 * when it cannot be found, one warning says so and the app runs on.
 */
export function registerEsmLoaderHook(handle: ObservabilityHandle): void {
  // Already there (`--experimental-loader=@opentelemetry/instrumentation/hook.mjs`, as
  // OTel's docs have ESM apps do): a second one would only warn that it is initialized.
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  if (/(instrumentation|import-in-the-middle)\/hook\.mjs/.test(flags)) return;
  const include = handle.joined ? undefined : hookedModules(handle);
  // Nothing of ours to patch among the app's ES modules: no hook thread at all.
  if (include !== undefined && include.length === 0) return;
  const data = include === undefined ? {} : { include };
  try {
    register(HOOK, ownUrl() ?? pathToFileURL(`${process.cwd()}/`), { data });
  } catch (error) {
    diag.warn(
      `langgraph-otel: the ES module loader hook could not be registered (add --experimental-loader=${HOOK}); modules the app imports as ES modules (pino, ...) are not patched`,
      error,
    );
  }
}
