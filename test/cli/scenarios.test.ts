/**
 * `--scenario` and its presets: parsing (explicit flags win), presets measured against the
 * committed alert rules (the same `for:`, phases long enough to fire and to resolve),
 * docs/alerting.md's table, the agent knobs a scenario turns, and the phase switch.
 */
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDemoArgs, UsageError } from "../../src/cli/args.js";
import { runDemo } from "../../src/cli/demo.js";
import { SCENARIO_NAMES, SCENARIOS } from "../../src/cli/scenarios.js";
import { createSupportAgent, runConversation, SUPPORT_REQUESTS } from "../../src/examples/support-agent.js";
import { freePort } from "../helpers/waiting.js";
import { isDict, list, repoPath } from "../stack/support.js";

const MINUTE = 60_000;

function minutes(text: string): number {
  const match = /^(\d+)([smh])$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  return (Number(match[1]) * { s: 1_000, m: MINUTE, h: 60 * MINUTE }[match[2] as "s" | "m" | "h"]) / MINUTE;
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
}

function rules(file: string): Rule[] {
  const doc: unknown = parse(readFileSync(repoPath("prometheus/rules", file), "utf8"));
  return list(doc, "groups")
    .flatMap((group) => list(group, "rules"))
    .filter((rule): rule is Rule => isDict(rule) && typeof rule.expr === "string");
}

/** The longest rate window (minutes) an alert reads, through the recording rules it uses. */
function window(expr: string, recorded: Map<string, string>, seen = new Set<string>()): number {
  let longest = Math.max(0, ...[...expr.matchAll(/\[(\d+)m\]/g)].map((m) => Number(m[1])));
  for (const [name, inner] of recorded) {
    if (seen.has(name) || !expr.includes(name)) continue;
    seen.add(name);
    longest = Math.max(longest, window(inner, recorded, seen));
  }
  return longest;
}

describe("--scenario", () => {
  it("presets rate, concurrency, fail-rate 0 and both phases; explicit flags win", () => {
    const outage = SCENARIOS.outage;
    expect(parseDemoArgs(["--scenario", "outage"])).toMatchObject({
      options: {
        scenario: "outage",
        rate: outage.load.rate,
        concurrency: outage.load.concurrency,
        failRate: 0,
        faultMs: outage.faultMs,
        recoveryMs: outage.recoveryMs,
        durationMs: outage.faultMs + outage.recoveryMs,
      },
    });
    expect(
      parseDemoArgs([
        "--rate=3",
        "--scenario=retry-storm",
        "--concurrency",
        "2",
        "--fail-rate",
        "20%",
        "--fault-duration",
        "30s",
        "--recovery-duration",
        "1m",
      ]),
    ).toMatchObject({
      options: { rate: 3, concurrency: 2, failRate: 0.2, faultMs: 30_000, recoveryMs: 60_000, durationMs: 90_000 },
    });
    // --duration ends the demo wherever it falls, even within the fault phase.
    expect(parseDemoArgs(["--scenario", "cost-spike", "--duration", "5m"])).toMatchObject({
      options: { durationMs: 5 * MINUTE, faultMs: SCENARIOS["cost-spike"].faultMs },
    });
    // Without a scenario nothing changes: no pacing, the default fail-rate.
    expect(parseDemoArgs(["--duration", "1m"])).toMatchObject({ options: { rate: undefined, failRate: 0.1 } });
    expect(parseDemoArgs(["--rate", "0.5"])).toMatchObject({ options: { rate: 0.5 } });
  });

  it.each([
    [["--scenario", "meltdown"], /--scenario must be one of outage, slow-model, .*collector-stall \(got "meltdown"\)/],
    [["--fault-duration", "30s"], /--fault-duration needs --scenario/],
    [["--recovery-duration", "30s"], /--recovery-duration needs --scenario/],
    [["--scenario", "outage", "--fault-duration", "0"], /--fault-duration must be from 1s to 7 days/],
    [["--rate", "0"], /--rate must be a number above 0/],
    [["--rate", "fast"], /--rate must be a number above 0/],
  ])("%j is refused: %s", (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(UsageError);
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });

  it("each preset's alerts exist with that for:, and its phases outlast their windows", () => {
    const recorded = new Map(
      rules("langgraph-recording.yml").flatMap((r) => (r.record ? [[r.record, r.expr] as const] : [])),
    );
    const alerts = new Map(rules("langgraph-alerts.yml").flatMap((r) => (r.alert ? [[r.alert, r] as const] : [])));
    for (const name of SCENARIO_NAMES) {
      const scenario = SCENARIOS[name];
      expect(scenario.alerts.length, name).toBeGreaterThan(0);
      for (const { alert, for: forDuration } of scenario.alerts) {
        const rule = alerts.get(alert);
        expect(rule, `${name}: ${alert}`).toBeDefined();
        expect(forDuration, `${name}: ${alert}`).toBe(rule?.for);
        const windowMin = window(rule?.expr ?? "", recorded);
        // Fires: `for:` plus a couple of minutes for the ratio to cross and be scraped.
        expect(scenario.faultMs / MINUTE, `${name}: ${alert} fault phase`).toBeGreaterThanOrEqual(
          minutes(forDuration) + 2,
        );
        // Resolves: the faulty samples leave the rate window (a gauge has none: a minute).
        expect(scenario.recoveryMs / MINUTE, `${name}: ${alert} recovery phase`).toBeGreaterThanOrEqual(
          Math.min(windowMin, 15) + 1,
        );
      }
      for (const alert of scenario.also) expect(alerts.has(alert), `${name}: ${alert}`).toBe(true);
    }
  });

  it("docs/alerting.md maps every alert to the scenarios that fire it", () => {
    const doc = readFileSync(repoPath("docs/alerting.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Which scenario fires which alert"));
    const rows = new Map<string, string>();
    for (const line of section.split("\n").slice(1)) {
      if (line.startsWith("## ")) break;
      const cells = line.split("|").map((c) => c.trim());
      const alert = /^`(LangGraph\w+)`$/.exec(cells[1] ?? "")?.[1];
      if (alert) rows.set(alert, cells[2] ?? "");
    }
    const alerts = rules("langgraph-alerts.yml").flatMap((r) => (r.alert ? [r.alert] : []));
    expect([...rows.keys()].sort()).toEqual([...alerts].sort());
    for (const name of SCENARIO_NAMES) {
      for (const { alert } of SCENARIOS[name].alerts) expect(rows.get(alert), alert).toContain(`\`${name}\``);
    }
  });
});

describe("the agent knobs a scenario turns", () => {
  it("faults change while the agent runs: a model outage fails runs, recovery answers them", async () => {
    const agent = createSupportAgent({ latencyMs: 0, faults: { freshPrompts: true } });
    agent.faults.modelFailRate = 1;
    const failed = await runConversation(agent, 0);
    expect(failed.outcome).toBe("failed");
    expect(String(failed.error)).toContain("429");
    delete agent.faults.modelFailRate;
    expect((await runConversation(agent, 1)).outcome).toBe("answered");
  });

  it("fresh prompts miss the response cache; repeated ones hit it", async () => {
    const count = async (fresh: boolean) => {
      const agent = createSupportAgent({ latencyMs: 0, faults: { freshPrompts: fresh } });
      let hits = 0;
      const lookup = agent.cache.lookup.bind(agent.cache);
      agent.cache.lookup = async (prompt, llm) => {
        const hit = await lookup(prompt, llm);
        if (hit) hits++;
        return hit;
      };
      await runConversation(agent, 2);
      await runConversation(agent, 2 + SUPPORT_REQUESTS.length);
      return hits;
    };
    expect(await count(false)).toBeGreaterThan(0);
    expect(await count(true)).toBe(0);
  });

  it("a hung model call ends at its withTimeout budget, and the node retries it", async () => {
    const agent = createSupportAgent({
      latencyMs: 0,
      faults: { freshPrompts: true, modelFailRate: 1, modelHangs: true, modelTimeoutMs: 30 },
    });
    const started = Date.now();
    const result = await runConversation(agent, 0);
    expect(result.outcome).toBe("failed");
    expect((result.error as Error).name).toBe("TimeoutError");
    // Four attempts of 30 ms each (and their backoff): not an hour.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 30);
  });
});

describe("a scenario run (in process)", () => {
  it("prints its fault phase, switches to recovery, and shows timeouts in the summary", async () => {
    let out = "";
    let err = "";
    const code = await runDemo(
      {
        ...parseDemoArgsOptions(["--scenario", "outage", "--fault-duration", "4s", "--recovery-duration", "1s"]),
        rate: 20,
        metricsPort: await freePort(),
        endpoint: `http://127.0.0.1:${await freePort()}`,
      },
      {
        out: { write: (t: string) => (out += t) },
        err: { write: (t: string) => (err += t) },
        signals: new EventEmitter(),
        env: {},
      },
    );
    expect(code, err).toBe(0);
    expect(out).toContain("scenario outage");
    expect(err).toContain("scenario outage: the model provider stops answering");
    expect(err).toMatch(/0s-4s {2}fault phase: expect LangGraphHighErrorRate \(for: 5m\), LangGraphSystemDegraded/);
    expect(err).toContain("also true, firing only if the fault is held past their for: LangGraphRetryStorm");
    expect(err).toMatch(/\[4s\] scenario outage: recovery phase, faults off: expect LangGraphHighErrorRate/);
    // Hung model calls ended by withTimeout (3 s budget), counted by operation.
    expect(out).toMatch(/timeouts: [\d,]+ scripted-(mini|large)/);
  }, 30_000);
});

function parseDemoArgsOptions(argv: string[]) {
  const args = parseDemoArgs(argv);
  if (args.help) throw new Error("help");
  return args.options;
}
