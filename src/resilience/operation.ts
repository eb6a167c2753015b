/**
 * The call shape every wrapper accepts and returns. Wrappers follow the LangGraph node /
 * LangChain Runnable convention `(input, config?)`: when the second argument is an object
 * (or missing) it is the config, its `signal` is honoured, and a wrapper that must abort
 * the work hands down a copy of the config whose `signal` also fires for it. Any other
 * argument list passes through untouched, so plain functions can be wrapped as well.
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

/** The arguments with `config.signal` replaced (the config is copied, never mutated). */
export function withSignal<A extends unknown[]>(args: A, signal: AbortSignal): A {
  if (args.length > 1 && args[1] !== undefined && configOf(args) === undefined) return args;
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

/** Gives a wrapper its inner function's name, so names survive composition. */
export function named<F extends object>(wrapper: F, inner: { name: string }): F {
  try {
    Object.defineProperty(wrapper, "name", { value: inner.name, configurable: true });
  } catch {
    // A frozen function name is cosmetic; keep the wrapper working.
  }
  return wrapper;
}
