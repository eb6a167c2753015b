/**
 * Puts the GenAI callback handler into every LangChain run without user code, the way
 * LangSmith's tracer gets in: `CallbackManager._configureSync` builds the callback
 * manager of every runnable call (graph runs, nodes, models, tools), so appending the
 * handler to its inheritable handlers there reaches all of them.
 *
 * Why not `registerConfigureHook` from @langchain/core/context: it stores the hook in an
 * AsyncLocalStorage context variable (`enterWith`), so it only applies to code running in
 * the async context where it was registered (not to a test's or server's later requests),
 * and its key is a per-copy Symbol, so the ESM and CJS copies need separate registration.
 */

export type ConfigureSync = (this: unknown, ...args: unknown[]) => unknown;

/** The static side of `CallbackManager` that the patch touches. */
export interface CallbackManagerClass {
  _configureSync: ConfigureSync;
}

/** A callback handler as @langchain/core recognises one (duck-typed across copies). */
export interface HandlerLike {
  readonly name: string;
}

interface ManagerLike {
  handlers: unknown[];
  inheritableHandlers: unknown[];
  copy(additional?: unknown[], inherit?: boolean): unknown;
}

function isManager(value: unknown): value is ManagerLike {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Partial<ManagerLike>;
  return Array.isArray(m.handlers) && Array.isArray(m.inheritableHandlers) && typeof m.copy === "function";
}

function hasHandler(list: readonly unknown[], handler: HandlerLike): boolean {
  return list.some(
    (h) => h === handler || (typeof h === "object" && h !== null && (h as HandlerLike).name === handler.name),
  );
}

/**
 * `inheritableHandlers` with the handler added, without mutating what the caller passed:
 * an array is copied, a manager is `copy()`-ed (its own API, keeps parent run id).
 */
export function withHandler(inheritable: unknown, handler: HandlerLike): unknown {
  if (inheritable === undefined || inheritable === null) return [handler];
  if (Array.isArray(inheritable)) {
    return hasHandler(inheritable, handler) ? inheritable : [...inheritable, handler];
  }
  if (isManager(inheritable)) {
    if (hasHandler(inheritable.handlers, handler)) return inheritable;
    return inheritable.copy([handler], true);
  }
  return inheritable;
}

/** `CallbackManager` of a loaded `@langchain/core/callbacks/manager` module, if any. */
export function callbackManagerOf(moduleExports: unknown): CallbackManagerClass | undefined {
  if (typeof moduleExports !== "object" && typeof moduleExports !== "function") return undefined;
  if (moduleExports === null) return undefined;
  const cls = (moduleExports as { CallbackManager?: unknown }).CallbackManager;
  if (typeof cls !== "function") return undefined;
  const configure = (cls as unknown as Partial<CallbackManagerClass>)._configureSync;
  return typeof configure === "function" ? (cls as unknown as CallbackManagerClass) : undefined;
}

/**
 * The patched `_configureSync`: asks for the handler on each call (undefined once the
 * instrumentation is disabled) and never lets its own failure reach the caller.
 */
export function wrapConfigureSync(
  original: ConfigureSync,
  currentHandler: () => HandlerLike | undefined,
  onError: (err: unknown) => void,
): ConfigureSync {
  return function configureSyncWithGenAI(this: unknown, ...args: unknown[]) {
    try {
      const handler = currentHandler();
      if (handler !== undefined) args[0] = withHandler(args[0], handler);
    } catch (err) {
      onError(err);
    }
    return original.apply(this, args);
  };
}
