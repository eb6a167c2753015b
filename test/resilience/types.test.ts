/** Wrappers compose in any order and keep the node's parameter and result types. */
import { Annotation, type LangGraphRunnableConfig, StateGraph } from "@langchain/langgraph";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  Bulkhead,
  CircuitBreaker,
  type WrappedOperation,
  withBulkhead,
  withCircuitBreaker,
  withFallback,
  withRetry,
  withTimeout,
} from "../../src/index.js";

const State = Annotation.Root({ q: Annotation<string>, answer: Annotation<string> });
type S = typeof State.State;
type Node = WrappedOperation<[S, LangGraphRunnableConfig], Partial<S>>;

const node = async (s: S, _config: LangGraphRunnableConfig): Promise<Partial<S>> => ({ answer: s.q });
const syncCanned = (_s: S): Partial<S> => ({ answer: "canned" });

describe("composition types", () => {
  it("every nesting order infers the node's types", async () => {
    const breaker = new CircuitBreaker();
    const a = withFallback(withRetry(breaker.wrap(node)), syncCanned);
    const b = withTimeout(withFallback(withRetry(node), syncCanned), 1000);
    const c = breaker.wrap(withRetry(withTimeout(node, 1000)));
    const d = withCircuitBreaker(withFallback(node, syncCanned, { name: "x" }));
    const e = withRetry(withTimeout(breaker.wrap(new Bulkhead().wrap(node)), 1000));
    const f = withBulkhead(withFallback(node, syncCanned), { maxConcurrent: 1 });
    expectTypeOf(e).toEqualTypeOf<Node>();
    expectTypeOf(f).toEqualTypeOf<Node>();
    expectTypeOf(a).toEqualTypeOf<Node>();
    expectTypeOf(b).toEqualTypeOf<Node>();
    expectTypeOf(c).toEqualTypeOf<Node>();
    expectTypeOf(d).toEqualTypeOf<Node>();

    const graph = new StateGraph(State).addNode("a", a).addNode("b", b).addNode("c", c).addNode("d", d);
    expect(graph).toBeDefined();
    expect(await a({ q: "hi", answer: "" }, {})).toEqual({ answer: "hi" });
  });

  it("sync functions become async ones", async () => {
    const double = withRetry((x: number) => x * 2);
    expectTypeOf(double).toEqualTypeOf<WrappedOperation<[number], number>>();
    expect(await double(2)).toBe(4);
  });
});
