/**
 * Puts the GenAI callback handler into the LangChain runs it reports on, without user
 * code: the static `CallbackManager.configure` builds the callback manager of model
 * (chat_models, llms), tool and retriever runs only, so appending the handler to its
 * inheritable handlers there reaches exactly those runs and whatever runs inside them (a
 * model or chain called by a tool inherits the handler through `runManager.getChild()`).
 *
 * Why not `CallbackManager._configureSync`, which `configure` delegates to: every chain
 * and runnable (graph runs, nodes, `RunnableSequence`, …) calls it directly
 * (`getCallbackManagerForConfig`, the async-local-storage singleton), so a handler added
 * there makes LangChain build a callback manager, run ids and dispatch for every runnable
 * of a graph. Without it, chains that nothing else listens to get no manager at all; the
 * handler places model/tool spans by `metadata.langgraph_checkpoint_ns` (the node
 * registry) and by the parent run ids of the tool/model runs it does see.
 *
 * Why not `registerConfigureHook` from @langchain/core/context: it stores the hook in an
 * AsyncLocalStorage context variable (`enterWith`), so it only applies to code running in
 * the async context where it was registered (not to a test's or server's later requests),
 * and its key is a per-copy Symbol, so the ESM and CJS copies need separate registration.
 */

export type Configure = (this: unknown, ...args: unknown[]) => unknown;

/** The static side of `CallbackManager` that the patch touches. */
export interface CallbackManagerClass {
  configure: Configure;
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
  const configure = (cls as unknown as Partial<CallbackManagerClass>).configure;
  return typeof configure === "function" ? (cls as unknown as CallbackManagerClass) : undefined;
}

/**
 * The patched `configure`: asks for the handler on each call (undefined once the
 * instrumentation is disabled) and never lets its own failure reach the caller.
 */
export function wrapConfigure(
  original: Configure,
  currentHandler: () => HandlerLike | undefined,
  onError: (err: unknown) => void,
): Configure {
  return function configureWithGenAI(this: unknown, ...args: unknown[]) {
    try {
      const handler = currentHandler();
      if (handler !== undefined) args[0] = withHandler(args[0], handler);
    } catch (err) {
      onError(err);
    }
    return original.apply(this, args);
  };
}

/** `StructuredTool.prototype.call`, the entry of every tool run (`invoke` and `Tool`/`DynamicTool` `call` lead here). */
export type ToolCall = (this: unknown, ...args: unknown[]) => unknown;

/** The prototype of `StructuredTool` of a loaded `@langchain/core/tools` module, if any. */
export function structuredToolPrototypeOf(moduleExports: unknown): { call: ToolCall } | undefined {
  if (typeof moduleExports !== "object" && typeof moduleExports !== "function") return undefined;
  if (moduleExports === null) return undefined;
  const cls = (moduleExports as { StructuredTool?: unknown }).StructuredTool;
  if (typeof cls !== "function") return undefined;
  const proto = (cls as { prototype?: { call?: unknown } }).prototype;
  return typeof proto?.call === "function" ? (proto as { call: ToolCall }) : undefined;
}

/**
 * The patched `StructuredTool.prototype.call`: gives the tool run its own name when the
 * config's `runName` is the one inherited from the LangGraph task (the node name, equal
 * to `metadata.langgraph_node`).
 *
 * LangChain drops `runName` from a child's config only where a chain has a callback
 * manager; since the handler is injected through `configure` (model, tool and retriever
 * runs, not chains), a node without other callbacks passes its task config, `runName`
 * included, down to the tools it calls (ToolNode, or `tool.invoke(args, config)`), and
 * `handleToolStart` would name the tool after the node. `tool(...)` tools set `runName` to
 * their name only when the config has none, so that is restored here: the tool's run then
 * carries the name it would have had with any tracer on. Only `enabled()` calls rename.
 */
export function wrapToolCall(
  original: ToolCall,
  enabled: () => boolean,
  onError: (err: unknown) => void,
): ToolCall {
  return function callWithToolName(this: unknown, ...args: unknown[]) {
    try {
      if (enabled()) {
        const config = args[1];
        if (typeof config === "object" && config !== null && !Array.isArray(config)) {
          const c = config as { runName?: unknown; metadata?: { langgraph_node?: unknown }; callbacks?: unknown };
          const name = (this as { name?: unknown }).name;
          if (
            typeof c.runName === "string" &&
            typeof name === "string" &&
            name !== "" &&
            c.runName !== name &&
            c.runName === c.metadata?.langgraph_node
          ) {
            args[1] = { ...c, runName: name };
          }
        }
      }
    } catch (err) {
      onError(err);
    }
    return original.apply(this, args);
  };
}
