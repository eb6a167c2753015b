/**
 * docs/testing.md quotes the example suites: every code block marked
 * `<!-- quote: path -->` must appear, as is, in that file, so the docs cannot drift from
 * tests that run. And every example suite is linked from the docs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const REPO = join(__dirname, "../..");
// The version matrix copies the suites without the docs.
const inVersionsApp = process.env.LANGGRAPH_OTEL_VERSIONS_APP !== undefined;
const docs = inVersionsApp ? "" : readFileSync(join(REPO, "docs/testing.md"), "utf8");
const QUOTE = /<!-- quote: (\S+) -->\n```ts\n([\s\S]*?)```/g;

it.skipIf(inVersionsApp)("quotes the example tests verbatim", () => {
  const quotes = [...docs.matchAll(QUOTE)];
  expect(quotes.length).toBeGreaterThanOrEqual(8);
  for (const [, path, code] of quotes) {
    const source = readFileSync(join(REPO, path!), "utf8");
    expect(source, `docs/testing.md quotes ${path}`).toContain(code!.trimEnd());
  }
});

it.skipIf(inVersionsApp)("links every example suite", () => {
  const examples = readdirSync(join(REPO, "test/testing/examples")).filter((f) => f.endsWith(".test.ts"));
  expect(examples).toHaveLength(6);
  for (const file of examples) expect(docs).toContain(`(../test/testing/examples/${file})`);
});
