/**
 * What the docs say about the stack matches its files: the scrape jobs they name exist in
 * prometheus/prometheus.yml (the dashboards' `service` variable is the job).
 */
import { describe, expect, it } from "vitest";
import { list, readText, readYaml, str } from "./support.js";

const DOCS = ["README.md", "docs/stack.md", "docs/dashboards.md", "docs/alerting.md"];

describe("docs and the stack agree", () => {
  it("every scrape job the docs name is a job of prometheus.yml", () => {
    const jobs = new Set(list(readYaml("prometheus/prometheus.yml"), "scrape_configs").map((c) => str(c, "job_name")));
    const named: string[] = [];
    for (const doc of DOCS) {
      const text = readText(doc).replace(/\s+/g, " ");
      for (const match of text.matchAll(/\bjobs? `([^`]+)`/g)) named.push(`${doc}: ${match[1]}`);
      for (const match of text.matchAll(/uses `([^`]+)` \(host\) and `([^`]+)` \(demo/g)) {
        named.push(`${doc}: ${match[1]}`, `${doc}: ${match[2]}`);
      }
    }
    expect(named.length).toBeGreaterThanOrEqual(4);
    const unknown = named.filter((entry) => !jobs.has(entry.split(": ")[1]));
    expect(unknown).toEqual([]);
  });
});
