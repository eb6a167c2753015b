import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { METRICS } from "../../src/semconv.js";
import {
  ATTRIBUTE_DESCRIPTIONS,
  END_MARKER,
  EVENTS,
  SPANS,
  START_MARKER,
  semconvValues,
  telemetryReference,
} from "./telemetry-reference.js";

const README = join(__dirname, "../../README.md");

function block(text: string): string | undefined {
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  return start < 0 || end < start ? undefined : text.slice(start, end + END_MARKER.length);
}

describe("README telemetry reference", () => {
  it("describes every attribute, event and span name of src/semconv.ts", () => {
    const undocumented = semconvValues("ATTR_").filter((a) => !(a in ATTRIBUTE_DESCRIPTIONS));
    expect(undocumented, "add them to ATTRIBUTE_DESCRIPTIONS in test/readme/telemetry-reference.ts").toEqual([]);
    const stale = Object.keys(ATTRIBUTE_DESCRIPTIONS).filter((a) => !semconvValues("ATTR_").includes(a));
    expect(stale, "no longer in src/semconv.ts").toEqual([]);
    expect(semconvValues("EVENT_").filter((e) => !EVENTS.some((row) => row.name === e))).toEqual([]);
    expect(semconvValues("SPAN_").filter((s) => !SPANS.some((row) => row.name.startsWith(`${s} `)))).toEqual([]);
  });

  it("lists every metric of METRICS, and only those", () => {
    const text = telemetryReference();
    for (const m of METRICS) expect(text).toContain(`| \`${m.name}\` |`);
    const rows = text.split("\n").filter((l) => /^\| `[a-z_.]+` \| `[a-z_]+` \|/.test(l));
    expect(rows.length).toBe(METRICS.length);
  });

  it("is what README.md shows (UPDATE_README=1 npx vitest run test/readme to refresh)", () => {
    const readme = readFileSync(README, "utf8");
    const expected = telemetryReference();
    const current = block(readme);
    expect(current, `README.md needs a ${START_MARKER} ... ${END_MARKER} block`).toBeDefined();
    if (current !== expected && process.env.UPDATE_README === "1") {
      writeFileSync(README, readme.replace(current ?? "", () => expected));
      return;
    }
    expect(current).toBe(expected);
  });
});
