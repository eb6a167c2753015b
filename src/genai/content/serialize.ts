/**
 * Turns arbitrary application values into JSON text for span attributes without ever
 * throwing: circular references, BigInt, functions, symbols, getters that throw,
 * revoked proxies and huge strings or collections are all handled.
 */

export interface SerializeLimits {
  /** Longest string kept inside the value; longer ones are cut with a marker. */
  maxStringLength: number;
  /** Longest result; a longer result is cut with a marker. */
  maxLength: number;
  /** Deepest nesting rendered; deeper values become `"[Object]"` / `"[Array]"`. */
  maxDepth?: number;
  /** Most array items / object keys rendered per level. */
  maxItems?: number;
}

/** A string transform applied to every string (keys excluded) before limits. */
export type StringTransform = (value: string, key: string | undefined) => string;

/** A decision about a whole value under a key: `undefined` keeps it. */
export type KeyFilter = (key: string) => string | undefined;

const DEFAULT_DEPTH = 8;
const DEFAULT_ITEMS = 100;
const MAX_NODES = 5000;

export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const marker = `…[truncated ${value.length - max} chars]`;
  return value.slice(0, Math.max(0, max - marker.length)) + marker;
}

export function safeSerialize(
  value: unknown,
  limits: SerializeLimits,
  transform?: StringTransform,
  keyFilter?: KeyFilter,
): string {
  const seen = new WeakSet<object>();
  const maxDepth = limits.maxDepth ?? DEFAULT_DEPTH;
  const maxItems = limits.maxItems ?? DEFAULT_ITEMS;
  let visited = 0;

  const str = (s: string, key: string | undefined): string => {
    // Cut first so that patterns never scan megabytes, then transform.
    const cut = s.length > limits.maxStringLength * 2 ? s.slice(0, limits.maxStringLength * 2) : s;
    const out = transform === undefined ? cut : transform(cut, key);
    return truncate(out, limits.maxStringLength);
  };

  const walk = (input: unknown, key: string | undefined, depth: number): unknown => {
    switch (typeof input) {
      case "string":
        return str(input, key);
      case "number":
        return Number.isFinite(input) ? input : String(input);
      case "boolean":
        return input;
      case "bigint":
        return `${input.toString()}n`;
      case "undefined":
        return null;
      case "symbol":
        return safeDescribe(input);
      case "function":
        return `[Function ${functionName(input)}]`;
    }
    if (input === null) return null;
    const obj = input as object;
    if (seen.has(obj)) return "[Circular]";
    // Shared (non-circular) references are rendered each time: a budget bounds the work.
    if (++visited > MAX_NODES) return "[…]";
    seen.add(obj);
    try {
      if (depth >= maxDepth) return Array.isArray(obj) ? "[Array]" : "[Object]";
      if (Array.isArray(obj)) {
        const out = obj.slice(0, maxItems).map((item) => walk(item, key, depth + 1));
        if (obj.length > maxItems) out.push(`[${obj.length - maxItems} more items]`);
        return out;
      }
      if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString();
      if (obj instanceof Error) return { name: obj.name, message: str(obj.message, "message") };
      if (obj instanceof Map) return walk(Object.fromEntries(obj), key, depth);
      if (obj instanceof Set) return walk([...obj], key, depth);
      if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
      const out: Record<string, unknown> = {};
      let n = 0;
      const keys = Object.keys(obj);
      for (const k of keys) {
        if (n++ >= maxItems) {
          out["…"] = `${keys.length - maxItems} more keys`;
          break;
        }
        const replaced = keyFilter?.(k);
        if (replaced !== undefined) {
          out[k] = replaced;
          continue;
        }
        let child: unknown;
        try {
          child = (obj as Record<string, unknown>)[k];
        } catch {
          child = "[Unreadable]";
        }
        out[k] = walk(child, k, depth + 1);
      }
      return out;
    } catch {
      return "[Unserializable]";
    } finally {
      seen.delete(obj);
    }
  };

  let json: string;
  try {
    const root = walk(value, undefined, 0);
    json = typeof root === "string" ? root : JSON.stringify(root);
  } catch {
    json = "[Unserializable]";
  }
  return truncate(json, limits.maxLength);
}

function functionName(fn: unknown): string {
  try {
    const name = (fn as { name?: unknown }).name;
    return typeof name === "string" && name !== "" ? name : "anonymous";
  } catch {
    return "anonymous";
  }
}

function safeDescribe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "[Unprintable]";
  }
}
