/**
 * Our names against the GenAI semantic conventions' YAML model (the parts kept in
 * test/fixtures/semconv-genai, see its README for source and commit).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROVIDERS } from "../../src/genai/host.js";
import * as semconv from "../../src/semconv.js";
import { METRICS } from "../../src/semconv.js";

const FIXTURES = new URL("../fixtures/semconv-genai/", import.meta.url);

type Requirement = string | Record<string, string>;
interface AttributeRef {
  ref?: string;
  ref_group?: string;
  requirement_level?: Requirement;
}
interface SpecMetric {
  name: string;
  instrument: string;
  unit: string;
  attributes: AttributeRef[];
}
interface Model {
  attribute_groups?: Array<{ id: string; attributes: AttributeRef[] }>;
  metrics?: SpecMetric[];
  events?: Array<{ name: string }>;
  attributes?: Array<{ key: string; members?: string[] }>;
}

function load(file: string): Model {
  return parse(readFileSync(new URL(file, FIXTURES), "utf8")) as Model;
}

const metricsModel = load("metrics.yaml");
const groups = new Map<string, AttributeRef[]>();
for (const model of [metricsModel, load("spans-attribute-groups.yaml")]) {
  for (const group of model.attribute_groups ?? []) groups.set(group.id, group.attributes);
}
const registry = new Map((load("registry-attributes.yaml").attributes ?? []).map((a) => [a.key, a.members]));
const specMetrics = new Map((metricsModel.metrics ?? []).map((m) => [m.name, m]));
const specEvents = new Set((load("events.yaml").events ?? []).map((e) => e.name));

/** A metric's attributes with their requirement levels; a later ref overrides a group's. */
function resolve(refs: AttributeRef[], out = new Map<string, string>()): Map<string, string> {
  for (const entry of refs) {
    if (entry.ref_group !== undefined) {
      const group = groups.get(entry.ref_group);
      if (group === undefined) throw new Error(`attribute group ${entry.ref_group} missing from the fixtures`);
      resolve(group, out);
    } else if (entry.ref !== undefined) {
      const level = entry.requirement_level;
      out.set(entry.ref, typeof level === "object" ? Object.keys(level)[0] ?? "recommended" : level ?? "recommended");
    }
  }
  return out;
}

/** Conditionally required attributes whose condition never holds for our metrics. */
const NOT_APPLICABLE: Record<string, string> = {
  // LangChain does not tell callbacks which endpoint a model client talks to.
  "server.port": "only with server.address, which we do not set",
  // Tools run by LangGraph nodes, not by an agent of the GenAI conventions' kind.
  "gen_ai.agent.name": "when the tool runs inside an agent",
};

/** `gen_ai.*` names of ours the conventions do not define, with the reason. */
const OUTSIDE_SPEC: Record<string, string> = {
  [semconv.ATTR_GEN_AI_USAGE_COST]:
    "the de facto cost attribute (Langfuse, PostHog, Opik, LiteLLM); semconv-genai PR 443 proposes gen_ai.usage.cost.*",
};

const KINDS: Record<string, string> = {
  histogram: "histogram",
  counter: "counter",
  updowncounter: "updowncounter",
  gauge: "gauge",
};

const ourGenAIMetrics = METRICS.filter((m) => m.name.startsWith("gen_ai."));

describe("metrics in the gen_ai namespace", () => {
  it("are all defined by the conventions", () => {
    expect(ourGenAIMetrics.length).toBeGreaterThan(0);
    expect(ourGenAIMetrics.map((m) => m.name).filter((name) => !specMetrics.has(name))).toEqual([]);
  });

  for (const ours of ourGenAIMetrics) {
    it(`${ours.name}: instrument, unit and required attributes as the spec says`, () => {
      const spec = specMetrics.get(ours.name);
      expect(spec).toBeDefined();
      if (spec === undefined) return;
      expect(KINDS[ours.kind]).toBe(spec.instrument);
      expect(ours.unit).toBe(spec.unit);
      const missing: string[] = [];
      for (const [key, level] of resolve(spec.attributes)) {
        if (level === "required" && !ours.attributes.includes(key)) missing.push(`${key} (required)`);
        if (level === "conditionally_required" && !ours.attributes.includes(key) && !(key in NOT_APPLICABLE)) {
          missing.push(`${key} (conditionally required)`);
        }
      }
      expect(missing).toEqual([]);
    });
  }

  it("carry only attributes the registry defines, when they are gen_ai.*", () => {
    const unknown = ourGenAIMetrics.flatMap((m) =>
      m.attributes.filter((a) => a.startsWith("gen_ai.") && !registry.has(a)).map((a) => `${m.name}: ${a}`),
    );
    expect(unknown).toEqual([]);
  });
});

describe("every gen_ai.* name in src/semconv.ts", () => {
  const names: Array<[string, string]> = [];
  for (const [constant, value] of Object.entries(semconv) as Array<[string, unknown]>) {
    if (/^(ATTR|METRIC|EVENT)_/.test(constant) && typeof value === "string" && value.startsWith("gen_ai.")) {
      names.push([constant, value]);
    }
  }

  it("is one the conventions define (attribute, metric or event), or a listed exception", () => {
    expect(names.length).toBeGreaterThan(10);
    const undefinedNames = names
      .filter(([, name]) => !registry.has(name) && !specMetrics.has(name) && !specEvents.has(name))
      .map(([constant, name]) => `${constant} = ${name}`)
      .filter((line) => !Object.keys(OUTSIDE_SPEC).some((name) => line.endsWith(`= ${name}`)));
    expect(undefinedNames).toEqual([]);
  });

  it("uses spec values for operation names, token types and provider names", () => {
    const operations = (Object.entries(semconv) as Array<[string, unknown]>)
      .filter(([constant]) => constant.startsWith("GEN_AI_OPERATION_"))
      .map(([, value]) => String(value));
    expect(operations.length).toBeGreaterThan(3);
    expect(operations.filter((op) => !registry.get(semconv.ATTR_GEN_AI_OPERATION_NAME)?.includes(op))).toEqual([]);
    const tokenTypes = [semconv.GEN_AI_TOKEN_TYPE_INPUT, semconv.GEN_AI_TOKEN_TYPE_OUTPUT];
    expect(tokenTypes.filter((t) => !registry.get(semconv.ATTR_GEN_AI_TOKEN_TYPE)?.includes(t))).toEqual([]);
    const providers = new Set(Object.values(PROVIDERS));
    expect([...providers].filter((p) => !registry.get(semconv.ATTR_GEN_AI_PROVIDER_NAME)?.includes(p))).toEqual([]);
  });
});
