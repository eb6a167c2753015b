/**
 * Secret-looking text, recognised without any configuration: the content redactor applies
 * these patterns to captured content, and every error message and stack trace we export
 * passes through `redactSecrets` whatever the content settings (an exception message is
 * where a key in a URL or a header most often leaks).
 */

export const DEFAULT_REPLACEMENT = "[REDACTED]";

/**
 * A pattern whose leading `\b` also holds right after an escaped newline or tab: in JSON
 * text (a string that holds JSON, or a stack trace quoted in one) `\nsk-…` has the word
 * character `n` before the key, and a plain `\b` would miss it.
 */
function afterEscapes(pattern: RegExp): RegExp {
  if (!pattern.source.startsWith("\\b")) return pattern;
  return new RegExp(`(?:\\b|(?<=\\\\[nrt]))${pattern.source.slice(2)}`, pattern.flags);
}

/** Secret-looking values inside free text. */
export const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  // OpenAI / Anthropic style keys: sk-..., sk-proj-..., sk-ant-...
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  // Stripe secret, restricted and publishable keys
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\bBasic\s+[A-Za-z0-9+/=]{8,}/g,
  // GitHub, Slack, Google, Hugging Face, AWS access key ids
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\bhf_[A-Za-z0-9]{20,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  // JSON Web Tokens
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
  // PEM private keys
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
].map(afterEscapes);

/**
 * `api_key=...`, `"password": "..."`, `aws_secret_access_key = ...` written inside text,
 * also as JSON text quotes them (`\"password\": \"...\"`): the quotes may be escaped, and
 * the value ends at an escaped quote, so the replacement keeps the JSON text valid.
 */
const INLINE_ASSIGNMENT = afterEscapes(
  /\b((?:[A-Za-z0-9]+[_-]?)?(?:api[_-]?key|apikey|secret[_-]?access[_-]?key|access[_-]?key|token|password|passwd|secret|authorization)\\?["']?\s*[:=]\s*\\?["']?)((?:Bearer|Basic|Token)\s+)?((?:[^\s"',;}\\]|\\(?!["']))+)/gi,
);

/** The password of a URL's userinfo: `https://admin:pw@host`, `postgres://u:pw@db`. */
const URL_USERINFO = afterEscapes(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s/@]+)@/gi);

/** Inline assignments and URL passwords with their secret part replaced. */
export function redactInlineSecrets(text: string, replacement = DEFAULT_REPLACEMENT): string {
  return text
    .replace(INLINE_ASSIGNMENT, (match: string, head: string, _scheme: unknown, secret: string) =>
      secret === replacement ? match : head + replacement,
    )
    .replace(URL_USERINFO, (match: string, head: string, secret: string) =>
      secret === replacement ? match : `${head}${replacement}@`,
    );
}

/** Every default secret pattern replaced: for error text, which no one configures. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_VALUE_PATTERNS) {
    pattern.lastIndex = 0;
    out = out.replace(pattern, DEFAULT_REPLACEMENT);
  }
  return redactInlineSecrets(out);
}
