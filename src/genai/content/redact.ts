import type { ContentRedactionConfig } from "../types.js";

export const DEFAULT_REPLACEMENT = "[REDACTED]";

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

/** Secret-looking values inside free text. */
const DEFAULT_VALUE_PATTERNS: readonly RegExp[] = [
  // OpenAI / Anthropic style keys: sk-..., sk-proj-..., sk-ant-...
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\bBasic\s+[A-Za-z0-9+/=]{8,}/g,
  // GitHub, Slack, Google, AWS access key ids
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  // JSON Web Tokens
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
  // PEM private keys
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

/** `api_key=...`, `"password": "..."`, `token: ...` written inside text. */
const INLINE_ASSIGNMENT =
  /\b((?:[A-Za-z0-9]+[_-]?)?(?:api[_-]?key|apikey|token|password|passwd|secret|authorization)["']?\s*[:=]\s*["']?)((?:Bearer|Basic|Token)\s+)?([^\s"',;}]+)/gi;

export interface Redactor {
  /** Replacement for the whole value under this key, or undefined to keep it. */
  redactKey(key: string): string | undefined;
  /** A string with secret-looking parts replaced, then passed through the user's hook. */
  redactString(value: string, key: string | undefined): string;
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
    ...(useDefaults ? DEFAULT_VALUE_PATTERNS : []),
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

  const redactString = (value: string, key: string | undefined): string => {
    if (key !== undefined && redactKey(key) !== undefined) return replacement;
    let out = value;
    for (const re of valuePatterns) {
      re.lastIndex = 0;
      out = out.replace(re, replacement);
    }
    if (useDefaults) {
      out = out.replace(INLINE_ASSIGNMENT, (match: string, head: string, _scheme, secret: string) =>
        secret === replacement ? match : head + replacement,
      );
    }
    if (hook === undefined) return out;
    try {
      const hooked = hook(out, { key });
      return typeof hooked === "string" ? hooked : replacement;
    } catch (err) {
      onHookError(err);
      return replacement;
    }
  };

  return { redactKey, redactString };
}
