import { DEFAULT_REPLACEMENT, redactInlineSecrets, SECRET_VALUE_PATTERNS } from "../../secrets.js";
import type { ContentRedactionConfig } from "../types.js";
import { redactKeysInText } from "./keys-in-text.js";

export { DEFAULT_REPLACEMENT };

/**
 * Key names whose values are secrets, compared lower-case without `-`/`_`, as suffixes:
 * `api_key`, `X-Api-Key`, `openaiApiKey`, `id_token`, `db_password`, `client_secret`.
 * `max_tokens` does not match (`tokens` is not `token`).
 */
const DEFAULT_KEY_SUFFIXES = [
  "apikey",
  "token",
  "password",
  "passwd",
  "passphrase",
  "secret",
  "authorization",
  "cookie",
  "privatekey",
  "accesskey",
  "sessionid",
  "credentials",
  "credential",
];
const DEFAULT_KEY_EXACT = ["auth", "pwd", "pin", "ssn"];

export interface Redactor {
  /** Replacement for the whole value under this key, or undefined to keep it. */
  redactKey(key: string): string | undefined;
  /** A string with secret-looking parts replaced, then passed through the user's hook. */
  redactString(value: string, key: string | undefined): string;
  /** An object or Map key with secret-looking parts replaced (keys are data too). */
  redactKeyText(key: string): string;
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, "");
}

function toGlobal(pattern: RegExp): RegExp {
  return pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
}

export function createRedactor(
  config: ContentRedactionConfig | undefined,
  onHookError: (err: unknown) => void,
): Redactor {
  const replacement = config?.replacement ?? DEFAULT_REPLACEMENT;
  const useDefaults = config?.replaceDefaults !== true;
  const suffixes = useDefaults ? [...DEFAULT_KEY_SUFFIXES] : [];
  const exact = useDefaults ? [...DEFAULT_KEY_EXACT] : [];
  const keyRegexps: RegExp[] = [];
  for (const rule of config?.keys ?? []) {
    if (typeof rule === "string") suffixes.push(normalizeKey(rule));
    else keyRegexps.push(rule);
  }
  const valuePatterns = [
    ...(useDefaults ? SECRET_VALUE_PATTERNS : []),
    ...(config?.values ?? []).map(toGlobal),
  ];
  const hook = config?.hook;

  const redactKey = (key: string): string | undefined => {
    const norm = normalizeKey(key);
    if (exact.includes(norm)) return replacement;
    if (suffixes.some((suffix) => suffix !== "" && norm.endsWith(suffix))) return replacement;
    for (const re of keyRegexps) {
      re.lastIndex = 0;
      if (re.test(key)) return replacement;
    }
    return undefined;
  };

  /** The value patterns, then the key rules on keys written inside the text. */
  const redactPatterns = (value: string): string => {
    let out = value;
    for (const re of valuePatterns) {
      re.lastIndex = 0;
      out = out.replace(re, replacement);
    }
    if (useDefaults) out = redactInlineSecrets(out, replacement);
    return redactKeysInText(out, (key) => redactKey(key) !== undefined, replacement);
  };

  const redactString = (value: string, key: string | undefined): string => {
    if (key !== undefined && redactKey(key) !== undefined) return replacement;
    const out = redactPatterns(value);
    if (hook === undefined) return out;
    try {
      const hooked = hook(out, { key });
      return typeof hooked === "string" ? hooked : replacement;
    } catch (err) {
      onHookError(err);
      return replacement;
    }
  };

  return { redactKey, redactString, redactKeyText: redactPatterns };
}
