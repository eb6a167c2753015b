import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PregelNodePrototype, PregelPrototype } from "./internal-types.js";

/** The entry that exports `Pregel` and `Channel` in both copies of the package. */
export const PREGEL_ENTRY = "@langchain/langgraph/pregel";
const PACKAGE_JSON = "@langchain/langgraph/package.json";

function ownsFunction(target: object, name: string): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  return typeof descriptor?.value === "function";
}

/**
 * `Pregel.prototype` of the copy a value belongs to: the value may be the class, any
 * subclass (CompiledStateGraph), an instance, or a module namespace that exports one.
 * Identified by shape, since `Runnable.prototype` of @langchain/core also owns a
 * `_streamIterator` and must stay untouched.
 */
export function findPregelPrototype(value: unknown): PregelPrototype | undefined {
  if (typeof value === "function") return ownerInChain(value.prototype);
  if (typeof value !== "object" || value === null) return undefined;
  const direct = ownerInChain(value);
  if (direct !== undefined) return direct;
  const exported = value as Record<string, unknown>;
  if (typeof exported.Pregel === "function") return ownerInChain(exported.Pregel.prototype);
  for (const key of Object.keys(exported)) {
    const candidate = exported[key];
    if (typeof candidate !== "function") continue;
    const owner = ownerInChain(candidate.prototype);
    if (owner !== undefined) return owner;
  }
  return undefined;
}

function ownerInChain(start: unknown): PregelPrototype | undefined {
  let proto: unknown = start;
  while (typeof proto === "object" && proto !== null) {
    if (ownsFunction(proto, "_streamIterator") && ownsFunction(proto, "_defaults")) {
      return proto as PregelPrototype;
    }
    proto = Object.getPrototypeOf(proto);
  }
  return undefined;
}

/** The prototype in an object's chain that owns `getNode` (PregelNode.prototype). */
export function findPregelNodePrototype(node: unknown): PregelNodePrototype | undefined {
  let proto: unknown = typeof node === "object" && node !== null ? Object.getPrototypeOf(node) : undefined;
  while (typeof proto === "object" && proto !== null) {
    if (ownsFunction(proto, "getNode") && ownsFunction(proto, "getWriters")) {
      return proto as PregelNodePrototype;
    }
    proto = Object.getPrototypeOf(proto);
  }
  return undefined;
}

/** PregelNode.prototype of a module namespace, through a node made by `Channel.subscribeTo`. */
export function findPregelNodePrototypeInExports(value: unknown): PregelNodePrototype | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const channel = (value as { Channel?: { subscribeTo?: unknown } }).Channel;
  if (typeof channel?.subscribeTo !== "function") return undefined;
  try {
    const subscribeTo = channel.subscribeTo as (this: unknown, channels: string) => unknown;
    return findPregelNodePrototype(subscribeTo.call(channel, "__probe__"));
  } catch {
    return undefined;
  }
}

/** Where module resolution starts: the application's directory and this package's own. */
function resolutionAnchors(): string[] {
  const anchors = [join(process.cwd(), "__langgraph_otel__.js")];
  // Only the CJS build has __filename; the ESM build finds its own copy with import().
  if (typeof __filename === "string") anchors.push(__filename);
  return anchors;
}

/** The CommonJS copies that the application and this package resolve, loaded now. */
export function requireInstalledCopies(onError: (err: unknown) => void): unknown[] {
  const seen = new Set<string>();
  const copies: unknown[] = [];
  for (const anchor of resolutionAnchors()) {
    try {
      const req = createRequire(anchor);
      const path = req.resolve(PREGEL_ENTRY);
      if (seen.has(path)) continue;
      seen.add(path);
      copies.push(req(path));
    } catch (err) {
      onError(err);
    }
  }
  return copies;
}

/** The ESM copies that the application and this package resolve. */
export async function importInstalledCopies(onError: (err: unknown) => void): Promise<unknown[]> {
  const urls = new Set<string>();
  for (const anchor of resolutionAnchors()) {
    try {
      const url = esmEntryUrl(createRequire(anchor).resolve(PACKAGE_JSON));
      if (url !== undefined) urls.add(url);
    } catch (err) {
      onError(err);
    }
  }
  const loads: Promise<unknown>[] = [import(PREGEL_ENTRY).catch(onError)];
  for (const url of urls) loads.push(import(url).catch(onError));
  return (await Promise.all(loads)).filter((copy) => copy !== undefined);
}

/** The file URL of the `import` condition of `./pregel` in a package.json's exports. */
function esmEntryUrl(packageJsonPath: string): string | undefined {
  const manifest = JSON.parse(readFileSync(packageJsonPath, "utf8")) as {
    exports?: Record<string, unknown>;
  };
  let target: unknown = manifest.exports?.["./pregel"];
  while (typeof target === "object" && target !== null) {
    const conditions = target as Record<string, unknown>;
    target = conditions.import ?? conditions.default;
  }
  if (typeof target !== "string") return undefined;
  return pathToFileURL(join(dirname(packageJsonPath), target)).href;
}
