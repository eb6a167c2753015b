/**
 * What the stateful guards (`CircuitBreaker`, `Bulkhead`) share: `wrap` (the function run
 * through the guard, in the guard's own span when `spanName` is set, keeping its name and
 * arity), option checks, and the `withX(fn, guardOrOptions)` shorthand.
 */
import type { Attributes } from "@opentelemetry/api";
import { named, type Operation, type WrappedOperation } from "./operation.js";
import { inOwnSpan, type TelemetryOptions } from "./telemetry.js";

export interface Guard {
  execute<A extends unknown[], R>(fn: Operation<A, R>, ...args: A): Promise<R>;
  wrap<A extends unknown[], R>(fn: Operation<A, R>): WrappedOperation<A, R>;
}

/** `fn` run through `guard`, with the same parameters (usable as a LangGraph node). */
export function wrapIn<A extends unknown[], R>(
  guard: Pick<Guard, "execute">,
  options: TelemetryOptions,
  attributes: Attributes,
  fn: Operation<A, R>,
): WrappedOperation<A, R> {
  async function guarded(...args: A): Promise<R> {
    return inOwnSpan(options, attributes, () => guard.execute(fn, ...args));
  }
  return named(guarded, fn);
}

/** A RangeError naming the guard and the option when `ok` is false; else `value`. */
export function checkOption(owner: string, name: string, value: number, ok: boolean): number {
  if (!ok) throw new RangeError(`${owner}: invalid ${name}: ${value}`);
  return value;
}

/**
 * The guard itself when `value` is one (shared between call sites), else a new one made
 * from `value` as options. Duck-typed: a guard from the package's other (ESM/CJS) copy is a
 * guard too.
 */
export function guardOf<G extends Guard, O>(value: G | O, create: (options: O) => G): G {
  return typeof (value as Partial<Guard>).wrap === "function" ? (value as G) : create(value as O);
}
