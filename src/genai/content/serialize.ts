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

/** What a value is redacted with before any limit applies (the content redactor). */
export interface SerializeRedaction {
  /** Every string value, with the key it sits under. */
  redactString(value: string, key: string | undefined): string;
  /** A replacement for the whole value under this key, or undefined to keep it. */
  redactKey(key: string): string | undefined;
  /** Every object and Map key's own text. */
  redactKeyText(key: string): string;
}

const DEFAULT_DEPTH = 8;
const DEFAULT_ITEMS = 100;
const MAX_NODES = 5000;

export function truncate(value: string, max: number, originalLength = value.length): string {
  if (value.length <= max && originalLength <= value.length) return value;
  const marker = `…[truncated ${originalLength - Math.min(value.length, max)} chars]`;
  return value.slice(0, Math.max(0, max - marker.length)) + marker;
}

/**
 * The first `limit` characters of a long string, without the token the cut falls in: a
 * secret cut in half no longer matches its pattern, and its prefix would come back into
 * view once redactions earlier in the text have shortened it.
 */
export function cutAtToken(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit;
  while (end > 0 && !/[\s"'<>()[\]{},;|`]/.test(text[end - 1] ?? " ")) end--;
  return text.slice(0, end);
}

export function safeSerialize(value: unknown, limits: SerializeLimits, redaction?: SerializeRedaction): string {
  const seen = new WeakSet<object>();
  const maxDepth = limits.maxDepth ?? DEFAULT_DEPTH;
  const maxItems = limits.maxItems ?? DEFAULT_ITEMS;
  let visited = 0;

  /** Cut first so that patterns never scan megabytes, redact, then apply the limit. */
  const bounded = (s: string, redact: ((cut: string) => string) | undefined): string => {
    const cut = cutAtToken(s, limits.maxStringLength * 2);
    const out = redact === undefined ? cut : redact(cut);
    return truncate(out, limits.maxStringLength, cut.length < s.length ? s.length : out.length);
  };
  const str = (s: string, key: string | undefined): string =>
    bounded(s, redaction && ((cut) => redaction.redactString(cut, key)));
  const keyText = (k: string): string => bounded(k, redaction && ((cut) => redaction.redactKeyText(cut)));

  /** Up to maxItems entries into a plain object, keys redacted; never copies the rest. */
  const entries = (
    items: Iterable<[string, () => unknown]>,
    total: number,
    unit: string,
    depth: number,
  ): Record<string, unknown> => {
    const out = Object.create(null) as Record<string, unknown>;
    let n = 0;
    for (const [k, read] of items) {
      if (n++ >= maxItems) {
        out["…"] = `${total - maxItems} more ${unit}`;
        break;
      }
      const name = uniqueKey(out, keyText(k));
      const replaced = redaction?.redactKey(k);
      if (replaced !== undefined) {
        out[name] = replaced;
        continue;
      }
      let child: unknown;
      try {
        child = read();
      } catch {
        child = "[Unreadable]";
      }
      out[name] = walk(child, k, depth + 1);
    }
    return out;
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
      if (obj instanceof Map) return entries(mapEntries(obj), obj.size, "entries", depth);
      if (obj instanceof Set) {
        const out: unknown[] = [];
        for (const item of obj) {
          if (out.length >= maxItems) {
            out.push(`[${obj.size - maxItems} more items]`);
            break;
          }
          out.push(walk(item, key, depth + 1));
        }
        return out;
      }
      if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
      const keys = Object.keys(obj);
      return entries(propertyEntries(obj as Record<string, unknown>, keys), keys.length, "keys", depth);
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

function* propertyEntries(obj: Record<string, unknown>, keys: string[]): Generator<[string, () => unknown]> {
  for (const k of keys) yield [k, () => obj[k]];
}

/** A Map's entries, lazily, with their keys as text (objects are not stringified). */
function* mapEntries(map: Map<unknown, unknown>): Generator<[string, () => unknown]> {
  for (const [k, v] of map) yield [mapKeyText(k), () => v];
}

function mapKeyText(key: unknown): string {
  if (typeof key === "string") return key;
  if (typeof key === "function") return `[Function ${functionName(key)}]`;
  if (typeof key === "object" && key !== null) return Array.isArray(key) ? "[Array]" : "[Object]";
  return safeDescribe(key);
}

/** `key`, or `key #2`, `key #3`… when redaction or Map keys made it collide. */
function uniqueKey(out: Record<string, unknown>, key: string): string {
  if (!(key in out)) return key;
  for (let n = 2; ; n++) if (!(`${key} #${n}` in out)) return `${key} #${n}`;
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
