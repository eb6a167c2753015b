import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_HELP } from "../../src/cli/args.js";
import * as api from "../../src/index.js";

const REPO = join(__dirname, "../..");
const readme = readFileSync(join(REPO, "README.md"), "utf8");
const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

describe("README.md", () => {
  it("opens with the title and the two commands", () => {
    const lines = readme.split("\n");
    expect(lines[0]).toBe("# langgraph-otel");
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split("\n");
    expect(firstBlock).toEqual(["npm install && npm run demo", "npm test"]);
    expect(readme.indexOf("```sh")).toBeLessThan(readme.indexOf("\n## "));
    // The commands exist and do what the README says.
    expect(pkg.scripts.demo).toContain("cli/main.js demo");
    expect(pkg.scripts.test).toContain("vitest run");
  });

  it("documents every demo flag that --help lists", () => {
    const flags = [...DEMO_HELP.matchAll(/^ {2}(?:-h, )?(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(flags.length).toBeGreaterThan(5);
    for (const flag of flags) expect(readme).toContain(`\`${flag}`);
  });

  it("links only to files that exist", () => {
    const targets = [...readme.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1]!)
      .filter((t) => !/^[a-z]+:/.test(t));
    expect(targets.length).toBeGreaterThan(5);
    const missing = targets.filter((t) => !existsSync(join(REPO, t)));
    expect(missing).toEqual([]);
  });

  it("names every alert of the bundled rules, and no other", () => {
    const rules = readFileSync(join(REPO, "prometheus/rules/langgraph-alerts.yml"), "utf8");
    const alerts = [...rules.matchAll(/^\s*- alert: (\w+)/gm)].map((m) => m[1]!).sort();
    expect(alerts.length).toBeGreaterThan(0);
    // `LangGraph…` names that the package exports (LangGraphInstrumentation) are not alerts.
    const named = [...new Set([...readme.matchAll(/`(LangGraph[A-Z]\w+)`/g)].map((m) => m[1]!))]
      .filter((name) => !(name in api))
      .sort();
    expect(named).toEqual(alerts);
  });

  it("names every anchor of its table of contents", () => {
    const anchors = [...readme.matchAll(/\]\(#([a-z-]+)\)/g)].map((m) => m[1]!);
    const headings = [...readme.matchAll(/^##+ (.+)$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, "")
        .replace(/ /g, "-"),
    );
    expect(anchors.filter((a) => !headings.includes(a))).toEqual([]);
  });
});
