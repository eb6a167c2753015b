import type { PackageEntry } from "../module-copies.js";
import type { PregelNodePrototype, PregelPrototype } from "./internal-types.js";

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

/** The entry that exports `Pregel` and `Channel` in both copies of the package. */
export const PREGEL_ENTRY: PackageEntry = { packageName: "@langchain/langgraph", subpath: "./pregel" };
