/**
 * No secret is committed with the stack: password-, token- and key-like settings hold
 * nothing or an env/file reference, no well-known secret shapes appear, and the places
 * where real secrets go (.env, alertmanager/secrets/) are git-ignored. (That Grafana has no
 * default admin password is proven by compose.test.ts: the stack refuses to start.)
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { readText, repoFiles, ROOT } from "./support.js";

const STACK_PATHS = [
  /^docker-compose\.yml$/,
  /^\.env\.example$/,
  /^\.dockerignore$/,
  /^collector\//,
  /^jaeger\//,
  /^prometheus\//,
  /^alertmanager\//,
  /^grafana\/provisioning\//,
  /^demo\//,
  /^docs\/stack\.md$/,
];

const SECRET_KEY =
  /\b([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|apikey|credentials|private[_-]?key|routing[_-]?key|service[_-]?key|auth[_-]?header|api[_-]?url|webhook[_-]?url)[A-Za-z0-9_.-]*)\s*[:=]\s*(.*)$/i;

const SECRET_SHAPES: Array<[string, RegExp]> = [
  ["Slack webhook", /hooks\.slack\.com\/services\/T[A-Z0-9]+/],
  ["AWS access key", /\bAKIA[0-9A-Z]{16}\b/],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ["GitHub token", /\bgh[pousr]_[A-Za-z0-9]{30,}/],
];

/** A value that holds no secret: empty, an env reference, or a reference to a file. */
function isSafeValue(key: string, value: string): boolean {
  const v = value.replace(/\s+#.*$/, "").trim().replace(/^["']|["']$/g, "");
  if (v === "") return true;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*([:?-][^}]*)?\}?$/.test(v)) return true;
  if (/_file$/i.test(key) || /^\/etc\//.test(v)) return true;
  return false;
}

const stackFiles = repoFiles().filter((f) => STACK_PATHS.some((p) => p.test(f)));

describe("no secret is committed with the stack", () => {
  it("scans the stack's files", () => {
    for (const required of [
      "docker-compose.yml",
      ".env.example",
      "collector/otel-collector.yaml",
      "prometheus/prometheus.yml",
      "alertmanager/alertmanager.yml",
    ]) {
      expect(stackFiles).toContain(required);
    }
  });

  it("password-, token- and key-like settings hold nothing or a reference", () => {
    const findings: string[] = [];
    for (const file of stackFiles) {
      readText(file)
        .split("\n")
        .forEach((line, index) => {
          const match = SECRET_KEY.exec(line);
          if (!match) return;
          const [, key = "", value = ""] = match;
          if (!isSafeValue(key, value)) findings.push(`${file}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(findings).toEqual([]);
  });

  it("contains no well-known secret shapes", () => {
    const findings: string[] = [];
    for (const file of stackFiles) {
      const text = readText(file);
      for (const [name, pattern] of SECRET_SHAPES) {
        if (pattern.test(text)) findings.push(`${file}: ${name}`);
      }
    }
    expect(findings).toEqual([]);
  });

  it("git-ignores the files where real secrets live", () => {
    const ignored = (path: string) => {
      try {
        execFileSync("git", ["check-ignore", "-q", path], { cwd: ROOT });
        return true;
      } catch {
        return false;
      }
    };
    expect(ignored(".env")).toBe(true);
    expect(ignored("alertmanager/secrets/pager_url")).toBe(true);
    expect(ignored("alertmanager/secrets/slack_url")).toBe(true);
    expect(ignored("alertmanager/secrets/README.md")).toBe(false);
    const committedSecrets = repoFiles().filter(
      (f) => f.startsWith("alertmanager/secrets/") && !/\/(README\.md|\.gitkeep)$/.test(f),
    );
    expect(committedSecrets).toEqual([]);
  });
});
