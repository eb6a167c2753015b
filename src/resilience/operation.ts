/**
 * The call shape every wrapper accepts and returns. Wrappers follow the LangGraph node /
 * LangChain Runnable convention `(input, config?)`: when the second argument is an object
 * it is the config, its `signal` is honoured, and a wrapper that must abort the work hands
 * down a copy of the config whose `signal` also fires for it (a missing config is added
 * only for functions that declare one, see withSignal). Any other argument list passes
 * through untouched, so plain functions can be wrapped as well.
 */

/** A function a wrapper can take: sync or async, any parameters. */
export type Operation<A extends unknown[], R> = (...args: A) => R | PromiseLike<R>;

/** What a wrapper returns: the same parameters, always async. */
export type WrappedOperation<A extends unknown[], R> = (...args: A) => Promise<R>;

interface ConfigLike {
  signal?: unknown;
  metadata?: unknown;
}

function configOf(args: readonly unknown[]): ConfigLike | undefined {
  const config = args[1];
  return typeof config === "object" && config !== null ? (config as ConfigLike) : undefined;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function"
  );
}

/** The caller's signal: `config.signal` of a node / Runnable call. */
export function signalOf(args: readonly unknown[]): AbortSignal | undefined {
  const signal = configOf(args)?.signal;
  return isAbortSignal(signal) ? signal : undefined;
}

/**
 * The arguments `fn` is called with, its `config.signal` replaced (the config is copied,
 * never mutated). A missing config is added only where `fn` declares a second parameter
 * without a default (`(input, config?) =>`): `(s, n = 5) =>` called with one argument
 * must not get an object for `n`. Such a function cannot see the signal; the wrapper's
 * promise still settles on abort.
 */
export function withSignal<A extends unknown[]>(args: A, signal: AbortSignal, fn: { length: number }): A {
  if (args.length > 1 && args[1] !== undefined && configOf(args) === undefined) return args;
  if (configOf(args) === undefined && fn.length < 2) return args;
  const copy = [...args] as unknown[];
  copy[1] = { ...configOf(args), signal };
  return copy as A;
}

/**
 * `langgraph.operation`: the explicit name, else the LangGraph node the call runs in
 * (`config.metadata.langgraph_node`), else the function's name. All bounded sets, so the
 * attribute is safe on metrics.
 */
export function operationName(
  explicit: string | undefined,
  fn: { name: string },
  args: readonly unknown[],
): string {
  if (explicit !== undefined && explicit !== "") return explicit;
  const metadata = configOf(args)?.metadata;
  if (typeof metadata === "object" && metadata !== null) {
    const node = (metadata as { langgraph_node?: unknown }).langgraph_node;
    if (typeof node === "string" && node !== "") return node;
  }
  return fn.name !== "" ? fn.name : "anonymous";
}

/** Gives a wrapper its inner function's name and arity, so both survive composition. */
export function named<F extends object>(wrapper: F, inner: { name: string; length?: number }): F {
  try {
    Object.defineProperty(wrapper, "name", { value: inner.name, configurable: true });
    // And its arity: an outer wrapper decides from it whether to add a config (withSignal).
    if (typeof inner.length === "number") Object.defineProperty(wrapper, "length", { value: inner.length, configurable: true });
  } catch {
    // A frozen function name is cosmetic; keep the wrapper working.
  }
  return wrapper;
}
