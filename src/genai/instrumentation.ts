import type { DiagLogger, Span, Tracer } from "@opentelemetry/api";
import { InstrumentationBase, isWrapped } from "@opentelemetry/instrumentation";
import type { HumanDecision } from "../semconv.js";
import { ATTR_GEN_AI_WORKFLOW_NAME, ATTR_LANGGRAPH_HUMAN_DECISION } from "../semconv.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";
import { ContentPolicy } from "./content/policy.js";
import { entryDefinition, importCopies, loadedRequireCopies, type PackageEntry } from "../module-copies.js";
import { EmbeddingsCalls } from "./embeddings.js";
import { GenAICallbackHandler } from "./handler.js";
import type { GenAIHost } from "./host.js";
import {
  type DecisionRecorder,
  type HumanDecisionOptions,
  InterruptLinkSpanProcessor,
  setDecisionRecorder,
} from "./human-in-the-loop.js";
import {
  type CallbackManagerClass,
  callbackManagerOf,
  structuredToolPrototypeOf,
  type ToolCall,
  wrapConfigure,
  wrapToolCall,
} from "./inject.js";
import { createGenAIInstruments, type GenAIInstruments } from "./metrics.js";
import { type Pricing, pricingOf } from "./cost.js";
import { loadMaintainedPrices } from "./price-source.js";
import type { Wrapper } from "./method-wraps.js";
import { baseChatModelPrototypeOf, MODEL_ENTRY_METHODS, ProviderContext } from "./provider-context.js";
import { CACHED_GENERATE_METHOD, countCacheLookups } from "./cache-lookups.js";
import { asyncCallerPrototypeOf, countAttempts, retryingMethodsOf } from "./llm-retries.js";
import { RunTracker } from "./runs.js";
import { useNodeRegistry } from "../instrumentation/node-registry.js";
import type { Logger } from "@opentelemetry/api-logs";
import type { GenAIInstrumentationConfig } from "./types.js";

/** The entry of @langchain/core that exports `CallbackManager`. */
const CALLBACK_MANAGER_ENTRY: PackageEntry = {
  packageName: "@langchain/core",
  subpath: "./callbacks/manager",
};

/** The entry of @langchain/core that exports `StructuredTool` (tool run names). */
/** The `@langchain/core` releases the require hook patches. */
const SUPPORTED_CORE_VERSIONS = [">=1.0.0 <2"];

const TOOLS_ENTRY: PackageEntry = {
  packageName: "@langchain/core",
  subpath: "./tools",
};

/** The entry of @langchain/core that exports `AsyncCaller` (LangChain's own retries). */
const ASYNC_CALLER_ENTRY: PackageEntry = {
  packageName: "@langchain/core",
  subpath: "./utils/async_caller",
};

/** The entry of @langchain/core that exports `BaseChatModel` (chat span as the provider's context). */
const CHAT_MODELS_ENTRY: PackageEntry = {
  packageName: "@langchain/core",
  subpath: "./language_models/chat_models",
};

/** The entry of @langchain/core that exports `VectorStore` (where embeddings are first seen). */
const VECTORSTORES_ENTRY: PackageEntry = {
  packageName: "@langchain/core",
  subpath: "./vectorstores",
};

/** VectorStore methods that embed the query with `this.embeddings` (base-class code). */
const VECTORSTORE_QUERY_METHODS = ["similaritySearch", "similaritySearchWithScore"] as const;

/** `VectorStore.prototype` of a loaded `@langchain/core/vectorstores`, if any. */
function vectorStorePrototypeOf(moduleExports: unknown): Record<string, unknown> | undefined {
  if ((typeof moduleExports !== "object" && typeof moduleExports !== "function") || moduleExports === null) {
    return undefined;
  }
  const cls = (moduleExports as { VectorStore?: unknown }).VectorStore;
  const proto = typeof cls === "function" ? (cls as { prototype?: Record<string, unknown> }).prototype : undefined;
  return typeof proto?.similaritySearch === "function" ? proto : undefined;
}

/** Instrumentation scope of the model, tool and human-in-the-loop telemetry. */
export const GENAI_INSTRUMENTATION_NAME = `${PACKAGE_NAME}/genai`;

/**
 * Model calls (`chat {model}`), tool calls (`execute_tool {tool}`), token usage, cost and
 * human-in-the-loop telemetry for LangChain/LangGraph.js, through a LangChain callback
 * handler injected into every model, tool and retriever run (no user code).
 *
 * `enable()` patches the static `CallbackManager.configure` (called by model, tool and
 * retriever runs, not by chains) of both the CommonJS and the ES module copy of `@langchain/core` (the CJS copy before `enable()` returns, the ESM copy
 * once `ready` resolves); `disable()` removes the patches.
 */
export class GenAIInstrumentation extends InstrumentationBase<GenAIInstrumentationConfig> {
  // The base constructor calls setConfig, _updateMetricInstruments and enable before
  // subclass field initialisers would run, so fields are declared, not initialised.
  declare private _active: boolean | undefined;
  declare private _ready: Promise<void> | undefined;
  declare private _instruments: GenAIInstruments | undefined;
  declare private _content: ContentPolicy | undefined;
  declare private _pricing: Pricing | undefined;
  declare private _host: GenAIHost | undefined;
  declare private _handler: GenAICallbackHandler | undefined;
  declare private _runs: RunTracker | undefined;
  declare private _processor: InterruptLinkSpanProcessor | undefined;
  declare private _managers: Set<CallbackManagerClass> | undefined;
  declare private _toolPrototypes: Set<{ call: ToolCall }> | undefined;
  declare private _manualTargets: Set<unknown> | undefined;
  declare private _modelPrototypes: Set<Record<string, unknown>> | undefined;
  declare private _providerContext: ProviderContext | undefined;
  declare private _callerPrototypes: Set<Record<string, unknown>> | undefined;
  declare private _recorder: DecisionRecorder | undefined;
  declare private _embeddings: EmbeddingsCalls | undefined;
  declare private _embeddingTargets: Set<unknown> | undefined;
  declare private _vectorStorePrototypes: Set<Record<string, unknown>> | undefined;

  constructor(config: GenAIInstrumentationConfig = {}) {
    super(GENAI_INSTRUMENTATION_NAME, PACKAGE_VERSION, config);
  }

  /** Resolves once the ES module copy of @langchain/core is patched too. Never rejects. */
  get ready(): Promise<void> {
    return this._ready ?? Promise.resolve();
  }

  /** The callback handler, for runs that patching cannot reach (`{ callbacks: [handler] }`). */
  get handler(): GenAICallbackHandler {
    this._handler ??= new GenAICallbackHandler(this._genaiHost());
    return this._handler;
  }

  /**
   * @deprecated A no-op kept for code that registers it: the LangGraph instrumentation
   * links resumed runs to interrupted ones itself, across processes (`interruptLinks`).
   */
  get spanProcessor(): InterruptLinkSpanProcessor {
    this._processor ??= new InterruptLinkSpanProcessor();
    return this._processor;
  }

  protected override init() {
    // Copies the app loads after enable() are patched from the require (or import) hook;
    // copies loaded before it, from the require cache and import() in enable().
    return [
      entryDefinition(CALLBACK_MANAGER_ENTRY, SUPPORTED_CORE_VERSIONS, (copy) => this._patchCopy(copy)),
      entryDefinition(TOOLS_ENTRY, SUPPORTED_CORE_VERSIONS, (copy) => this._patchTools(copy)),
      entryDefinition(CHAT_MODELS_ENTRY, SUPPORTED_CORE_VERSIONS, (copy) => this._patchChatModels(copy)),
      entryDefinition(ASYNC_CALLER_ENTRY, SUPPORTED_CORE_VERSIONS, (copy) => this._patchAsyncCaller(copy)),
      entryDefinition(VECTORSTORES_ENTRY, SUPPORTED_CORE_VERSIONS, (copy) => this._patchVectorStores(copy)),
    ];
  }

  protected override _updateMetricInstruments(): void {
    this._instruments = createGenAIInstruments(this.meter);
  }

  override setConfig(config: GenAIInstrumentationConfig = {}): void {
    super.setConfig(config);
    this._content = undefined;
    this._pricing = undefined;
  }

  override enable(): void {
    if (this._active === true) return;
    this._active = true;
    useNodeRegistry(1);
    super.enable();
    const onError = (err: unknown) => this._diag.debug("@langchain/core not loadable", err);
    for (const copy of loadedRequireCopies(CALLBACK_MANAGER_ENTRY, onError)) this._patchCopy(copy);
    for (const copy of loadedRequireCopies(TOOLS_ENTRY, onError)) this._patchTools(copy);
    for (const copy of loadedRequireCopies(CHAT_MODELS_ENTRY, onError)) this._patchChatModels(copy);
    for (const copy of loadedRequireCopies(ASYNC_CALLER_ENTRY, onError)) this._patchAsyncCaller(copy);
    for (const copy of loadedRequireCopies(VECTORSTORES_ENTRY, onError)) this._patchVectorStores(copy);
    for (const target of this._manualTargets ?? []) this._patchCopy(target);
    for (const target of this._embeddingTargets ?? []) this._embeddingCalls().note(target);
    this._recorder = (decision, options) => this._recordDecision(decision, options);
    setDecisionRecorder(this._recorder);
    this._ready = Promise.all([
      importCopies(CALLBACK_MANAGER_ENTRY, onError).then((copies) => {
        if (this._active === true) for (const copy of copies) this._patchCopy(copy);
      }),
      importCopies(TOOLS_ENTRY, onError).then((copies) => {
        if (this._active === true) for (const copy of copies) this._patchTools(copy);
      }),
      importCopies(CHAT_MODELS_ENTRY, onError).then((copies) => {
        if (this._active === true) for (const copy of copies) this._patchChatModels(copy);
      }),
      importCopies(ASYNC_CALLER_ENTRY, onError).then((copies) => {
        if (this._active === true) for (const copy of copies) this._patchAsyncCaller(copy);
      }),
      importCopies(VECTORSTORES_ENTRY, onError).then((copies) => {
        if (this._active === true) for (const copy of copies) this._patchVectorStores(copy);
      }),
      this._config.replaceDefaultPrices === true
        ? undefined
        : loadMaintainedPrices((err) => this._diag.warn("@pydantic/genai-prices not loadable; built-in prices only", err)),
    ]).then(() => undefined);
  }

  override disable(): void {
    if (this._active !== true) return;
    this._active = false;
    useNodeRegistry(-1);
    super.disable();
    for (const manager of this._managers ?? []) this._unwrap(manager, "configure");
    this._managers?.clear();
    for (const proto of this._toolPrototypes ?? []) this._unwrap(proto, "call");
    this._toolPrototypes?.clear();
    for (const proto of this._modelPrototypes ?? []) {
      for (const method of [...MODEL_ENTRY_METHODS, CACHED_GENERATE_METHOD]) this._unwrap(proto, method);
    }
    this._modelPrototypes?.clear();
    this._providerContext?.unwrapAll();
    for (const proto of this._callerPrototypes ?? []) {
      for (const { name } of retryingMethodsOf(proto)) this._unwrap(proto, name);
    }
    this._callerPrototypes?.clear();
    for (const proto of this._vectorStorePrototypes ?? []) {
      for (const method of VECTORSTORE_QUERY_METHODS) this._unwrap(proto, method);
    }
    this._vectorStorePrototypes?.clear();
    this._embeddings?.unwrapAll();
    if (this._recorder !== undefined) setDecisionRecorder(undefined);
    this._recorder = undefined;
    // Calls LangChain will never end (abandoned streams, runs cut off) end now, not never.
    this._handler?.endAll();
  }

  /**
   * Patches a copy of @langchain/core that module resolution cannot reach (a bundle):
   * pass the exports of `@langchain/core/callbacks/manager` (required for any telemetry)
   * and, optionally, of `@langchain/core/tools` (tool spans named after the tool rather
   * than the node when the tool inherits the node's config). Remembered across
   * disable/enable.
   */
  manuallyInstrument(coreModule: unknown): void {
    if (
      callbackManagerOf(coreModule) === undefined &&
      structuredToolPrototypeOf(coreModule) === undefined &&
      baseChatModelPrototypeOf(coreModule) === undefined &&
      asyncCallerPrototypeOf(coreModule) === undefined &&
      vectorStorePrototypeOf(coreModule) === undefined
    ) {
      throw new TypeError(
        "langgraph-otel: manuallyInstrument expects the exports of @langchain/core/callbacks/manager, @langchain/core/tools or @langchain/core/language_models/chat_models",
      );
    }
    this._manualTargets ??= new Set();
    this._manualTargets.add(coreModule);
    if (this._active === true) this._patchCopy(coreModule);
  }

  /**
   * Traces the `embedQuery` / `embedDocuments` calls of an Embeddings instance or class
   * (its class's methods are wrapped: every instance of it is covered). Embeddings a
   * VectorStore searches with are found by themselves; use this for embeddings called
   * directly. Remembered across disable/enable.
   */
  instrumentEmbeddings(embeddings: object): void {
    this._embeddingTargets ??= new Set();
    this._embeddingTargets.add(embeddings);
    if (this._active === true) this._embeddingCalls().note(embeddings);
  }

  private _embeddingCalls(): EmbeddingsCalls {
    this._embeddings ??= new EmbeddingsCalls(this._genaiHost(), this._wrapper());
    return this._embeddings;
  }

  private _wrapper(): Wrapper {
    return {
      wrap: (target, name, wrap) => this._wrap(target, name, wrap as never),
      unwrap: (target, name) => this._unwrap(target, name),
    };
  }

  /** A vector store's query embeds with `this.embeddings`: its class gets traced first. */
  private _patchVectorStores(copy: unknown): void {
    const proto = vectorStorePrototypeOf(copy);
    if (proto === undefined) return;
    this._vectorStorePrototypes ??= new Set();
    if (this._vectorStorePrototypes.has(proto)) return;
    const active = () => this._active === true;
    const note = (embeddings: unknown) => this._embeddingCalls().note(embeddings);
    const onError = (err: unknown) => this._diag.error("tracing a vector store's embeddings failed", err);
    for (const method of VECTORSTORE_QUERY_METHODS) {
      if (typeof proto[method] !== "function" || isWrapped(proto[method])) continue;
      this._wrap(proto, method, ((original: (...args: unknown[]) => unknown) =>
        function (this: { embeddings?: unknown }, ...args: unknown[]) {
          if (active()) {
            try {
              note(this.embeddings);
            } catch (err) {
              onError(err);
            }
          }
          return original.apply(this, args);
        }) as never);
    }
    this._vectorStorePrototypes.add(proto);
  }

  /** Records a human decision on this instrumentation's meter (see recordHumanDecision). */
  recordHumanDecision(decision: HumanDecision, options: HumanDecisionOptions = {}): void {
    this._recordDecision(decision, options);
  }

  private _recordDecision(decision: HumanDecision, options: HumanDecisionOptions): void {
    if (this._config.enableMetrics === false) return;
    const attributes: Record<string, string> = { [ATTR_LANGGRAPH_HUMAN_DECISION]: decision };
    if (options.workflowName !== undefined) attributes[ATTR_GEN_AI_WORKFLOW_NAME] = options.workflowName;
    this._instruments?.humanDecisions.add(1, attributes);
  }

  private _patchCopy(copy: unknown): void {
    this._patchTools(copy);
    this._patchChatModels(copy);
    this._patchAsyncCaller(copy);
    this._patchVectorStores(copy);
    const manager = callbackManagerOf(copy);
    if (manager === undefined) return;
    this._managers ??= new Set();
    if (this._managers.has(manager) || isWrapped(manager.configure)) return;
    const handler = this.handler;
    const current = () => (this._active === true ? handler : undefined);
    const onError = (err: unknown) => this._diag.error("adding the GenAI callback handler failed", err);
    this._wrap(manager, "configure", (original) => wrapConfigure(original, current, onError));
    this._managers.add(manager);
  }

  /** Names tool runs after the tool rather than the node (see wrapToolCall). */
  private _patchTools(copy: unknown): void {
    const proto = structuredToolPrototypeOf(copy);
    if (proto === undefined) return;
    this._toolPrototypes ??= new Set();
    if (this._toolPrototypes.has(proto) || isWrapped(proto.call)) return;
    const enabled = () => this._active === true;
    const onError = (err: unknown) => this._diag.error("naming the tool run failed", err);
    this._wrap(proto, "call", (original) => wrapToolCall(original, enabled, onError));
    this._toolPrototypes.add(proto);
  }

  /** Model calls run the provider's code with their chat span active (see ProviderContext). */
  private _patchChatModels(copy: unknown): void {
    const proto = baseChatModelPrototypeOf(copy);
    if (proto === undefined) return;
    this._modelPrototypes ??= new Set();
    if (this._modelPrototypes.has(proto) || isWrapped(proto._generateUncached)) return;
    const models = this.handler.models;
    this._providerContext ??= new ProviderContext((runId) => models.spanContextOf(runId), this._wrapper());
    const provider = this._providerContext;
    const active = () => this._active === true;
    for (const method of MODEL_ENTRY_METHODS) {
      if (typeof proto[method] !== "function") continue;
      this._wrap(proto, method, ((original: (...args: unknown[]) => unknown) =>
        function (this: unknown, ...args: unknown[]) {
          if (active()) {
            try {
              provider.noteModel(this);
            } catch {
              // Telemetry of ours: the model call goes on regardless.
            }
          }
          return original.apply(this, args);
        }) as never);
    }
    if (typeof proto[CACHED_GENERATE_METHOD] === "function") {
      const onError = (err: unknown) => this._diag.error("counting cache lookups failed", err);
      this._wrap(proto, CACHED_GENERATE_METHOD, ((original: (...args: unknown[]) => unknown) =>
        countCacheLookups(original as never, active, onError)) as never);
    }
    this._modelPrototypes.add(proto);
  }

  /** LangChain's own retries of a model call become visible (see countAttempts). */
  private _patchAsyncCaller(copy: unknown): void {
    const proto = asyncCallerPrototypeOf(copy);
    if (proto === undefined) return;
    this._callerPrototypes ??= new Set();
    if (this._callerPrototypes.has(proto)) return;
    const models = this.handler.models;
    const onRetry = (span: Span, attempt: number, previousError: unknown) => models.retried(span, attempt, previousError);
    const enabled = () => this._active === true;
    for (const { name, callableAt } of retryingMethodsOf(proto)) {
      if (isWrapped(proto[name])) continue;
      this._wrap(proto, name, ((original: (...args: unknown[]) => unknown) =>
        countAttempts(original as never, callableAt, onRetry, enabled)) as never);
    }
    this._callerPrototypes.add(proto);
  }

  private _genaiHost(): GenAIHost {
    if (this._host !== undefined) return this._host;
    // The handler sees the instrumentation through this view, which always reads the
    // current tracer, instruments and config (they change with set*Provider/setConfig).
    const self = this;
    this._runs ??= new RunTracker();
    const runs = this._runs;
    this._host = {
      get active(): boolean {
        return self._active === true;
      },
      get tracer(): Tracer {
        return self.tracer;
      },
      get instruments(): GenAIInstruments | undefined {
        return self._config.enableMetrics === false ? undefined : self._instruments;
      },
      get content(): ContentPolicy {
        self._content ??= new ContentPolicy(
          self._config,
          (err) => self._diag.error("redaction hook failed; value redacted", err),
          (message) => self._diag.warn(message),
        );
        return self._content;
      },
      get pricing(): Pricing {
        self._pricing ??= pricingOf(self._config);
        return self._pricing;
      },
      get logger(): Logger {
        return self.logger;
      },
      get diag(): DiagLogger {
        return self._diag;
      },
      get hooks(): GenAIInstrumentationConfig {
        return self._config;
      },
      runs,
    };
    return this._host;
  }
}
