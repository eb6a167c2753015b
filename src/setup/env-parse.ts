import { ObservabilityConfigError } from "./errors.js";

/** The environment startObservability reads (process.env unless a test passes its own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A named value: the option or variable it came from, so errors can name it. */
export interface Sourced<T> {
  value: T;
  setting: string;
}

/** The trimmed value of a variable, or undefined when unset or blank (OTel spec: empty = unset). */
export function envString(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === "" ? undefined : trimmed;
}

export function parseBoolean(setting: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  throw new ObservabilityConfigError(setting, `expected true or false, got "${raw}"`);
}

export function parseInteger(setting: string, raw: string, min: number, max: number): number {
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ObservabilityConfigError(
      setting,
      `expected an integer from ${min} to ${max}, got "${raw}"`,
    );
  }
  return value;
}

export function parsePort(setting: string, raw: string): number {
  return parseInteger(setting, raw, 0, 65535);
}

/** A comma-separated list, lower-cased, without blanks and duplicates. */
export function parseList(raw: string): string[] {
  const items = raw
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== "");
  return [...new Set(items)];
}

/** An absolute http(s) URL; anything else is a configuration error naming `setting`. */
export function parseHttpUrl(setting: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ObservabilityConfigError(setting, `"${raw}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ObservabilityConfigError(
      setting,
      `"${raw}" must be an http:// or https:// URL (langgraph-otel exports OTLP over HTTP)`,
    );
  }
  return url;
}

/**
 * The W3C-baggage-like `key1=value1,key2=value2` list used by OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS; values are percent-decoded.
 */
export function parseKeyValueList(setting: string, raw: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of raw.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? "" : part.slice(0, eq).trim();
    if (key === "") {
      throw new ObservabilityConfigError(setting, `"${part.trim()}" is not a key=value pair`);
    }
    const value = part.slice(eq + 1).trim();
    try {
      result[decodeURIComponent(key)] = decodeURIComponent(value);
    } catch {
      throw new ObservabilityConfigError(setting, `"${part.trim()}" has invalid percent-encoding`);
    }
  }
  return result;
}

/** Option first, then the variable, then the default; the source is kept for errors. */
export function pick<T>(
  option: T | undefined,
  optionName: string,
  env: Env,
  variable: string,
  parse: (setting: string, raw: string) => T,
  fallback: T,
): Sourced<T> {
  if (option !== undefined) return { value: option, setting: optionName };
  const raw = envString(env, variable);
  if (raw !== undefined) return { value: parse(variable, raw), setting: variable };
  return { value: fallback, setting: variable };
}
