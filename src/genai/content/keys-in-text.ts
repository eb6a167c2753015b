/**
 * The key rules applied to keys written inside text: JSON in a string (`{"my_key": "v"}`,
 * also escaped once more: `{\"my_key\": \"v\"}`), `key=value` and `key: value`. A value
 * under a secret key is replaced whole: a quoted string, a balanced `{…}` / `[…]`, or one
 * bare token (with its `Bearer ` / `Basic ` scheme).
 */

/** A key, optionally quoted (and escaped), followed by `:` or `=`. */
const KEY_IN_TEXT = /(?<![\w$.-])((?:\\*["'])?)([A-Za-z_$][\w$.-]{0,127})\1\s*[:=]\s*/g;
const SCHEME = /^(?:Bearer|Basic|Token)\s+/i;
const BARE_VALUE = /^[^\s,;&}\]"'\\]+/;

/** `text` with every value under a key that `isSecretKey` accepts replaced. */
export function redactKeysInText(
  text: string,
  isSecretKey: (key: string) => boolean,
  replacement: string,
): string {
  let out = "";
  let copied = 0;
  KEY_IN_TEXT.lastIndex = 0;
  for (let match = KEY_IN_TEXT.exec(text); match !== null; match = KEY_IN_TEXT.exec(text)) {
    if (!isSecretKey(match[2] ?? "")) continue;
    const start = KEY_IN_TEXT.lastIndex;
    if (text.startsWith(replacement, start)) continue;
    const value = valueAt(text, start, match[1] || '"');
    if (value === undefined) continue;
    out += text.slice(copied, start) + value.quote + replacement + value.quote;
    copied = value.end;
    KEY_IN_TEXT.lastIndex = value.end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

interface ValueSpan {
  /** Exclusive end of the value. */
  end: number;
  /** What the replacement is wrapped in: the value's own quote, or none for a bare token. */
  quote: string;
}

/** The value starting at `start`, if any. `keyQuote` wraps a replaced object or array. */
function valueAt(text: string, start: number, keyQuote: string): ValueSpan | undefined {
  const first = text[start];
  if (first === "{" || first === "[") return { end: balancedEnd(text, start), quote: keyQuote };
  const quoted = /^(\\*)(["'])/.exec(text.slice(start, start + 16));
  if (quoted !== null) {
    const open = quoted[0];
    const end = open.length === 1 ? stringEnd(text, start) : closingAt(text, start + open.length, open);
    return { end, quote: open };
  }
  const rest = text.slice(start, start + 4096);
  const scheme = SCHEME.exec(rest)?.[0] ?? "";
  const bare = BARE_VALUE.exec(rest.slice(scheme.length))?.[0] ?? "";
  return bare === "" ? undefined : { end: start + scheme.length + bare.length, quote: "" };
}

/** End of the unescaped quoted string at `start` (its closing quote included). */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

function closingAt(text: string, from: number, close: string): number {
  const at = text.indexOf(close, from);
  return at < 0 ? text.length : at + close.length;
}

/** End of the `{…}` or `[…]` at `start`, skipping brackets inside strings. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') i = stringEnd(text, i) - 1;
    else if (ch === "{" || ch === "[") depth++;
    else if ((ch === "}" || ch === "]") && --depth === 0) return i + 1;
  }
  return text.length;
}
