import type { DiagLogger, Tracer } from "@opentelemetry/api";
import { InstrumentationBase, isWrapped } from "@opentelemetry/instrumentation";
import { entryDefinition, importCopies, loadedRequireCopies } from "../module-copies.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";
import { wrapStreamIterator } from "./graph-run.js";
import type {
  InstrumentationHost,
  NodeRunnable,
  PregelInstance,
  PregelNodePrototype,
  PregelPrototype,
} from "./internal-types.js";
import { createGraphInstruments, type GraphInstruments } from "./metrics.js";
import { invokeOwnerOf, wrapGetNode, wrapTaskInvoke } from "./node-attempt.js";
import { noteGraphTracing } from "./run-context.js";
import { MAX_CACHED_SERIES, SeriesCache } from "./series.js";
import {
  findPregelNodePrototype,
  findPregelNodePrototypeInExports,
  findPregelPrototype,
  PREGEL_ENTRY,
} from "./patch-targets.js";
import type { LangGraphInstrumentationConfig } from "./types.js";

const START_NODE = "__start__";
/** The `@langchain/langgraph` releases the require hook patches (the matrix proves which). */
const SUPPORTED_VERSIONS = [">=1.0.0 <2"];

/**
 * Traces LangGraph.js: a span per graph run (`invoke_workflow`) and per node attempt
 * (`invoke_node`), with the run and node metrics of the telemetry contract.
 *
 * `enable()` patches the prototypes of both the CommonJS and the ES module copy of
 * `@langchain/langgraph` that the application resolves, so graphs compiled earlier are
 * covered and no loader flag is needed. The CommonJS copy is patched before `enable()`
 * returns; the ES module copy once `ready` resolves.
 */
export class LangGraphInstrumentation extends InstrumentationBase<LangGraphInstrumentationConfig> {
  // The base constructor calls setConfig, _updateMetricInstruments and enable before
  // subclass field initialisers would run, so fields are declared, not initialised.
  declare private _active: boolean | undefined;
  declare private _ready: Promise<void> | undefined;
  declare private _instruments: GraphInstruments | undefined;
  declare private _host: InstrumentationHost | undefined;
  declare private _nodeTraced: Map<string, boolean> | undefined;
  declare private _pregelPrototypes: Set<PregelPrototype> | undefined;
  declare private _nodePrototypes: Set<PregelNodePrototype> | undefined;
  declare private _manualTargets: Set<unknown> | undefined;
  declare private _seenNodeClasses: WeakSet<object> | undefined;
  /** Classes (direct prototypes) of task runnables whose `invoke` owner is wrapped. */
  declare private _taskClasses: Set<object> | undefined;
  /** Owners of `invoke` (class prototypes of task runnables) wrapped while enabled. */
  declare private _invokeOwners: Set<object> | undefined;
  declare private _unwrappableOwners: WeakSet<object> | undefined;

  constructor(config: LangGraphInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  /** Resolves once the ES module copy (if any) is patched too. Never rejects. */
  get ready(): Promise<void> {
    return this._ready ?? Promise.resolve();
  }

  protected override init() {
    // Copies the app loads after enable() are patched from the require (or import) hook;
    // copies loaded before it, from the require cache and import() in enable().
    return [entryDefinition(PREGEL_ENTRY, SUPPORTED_VERSIONS, (copy) => this._patchCopy(copy))];
  }

  protected override _updateMetricInstruments(): void {
    this._instruments = createGraphInstruments(this.meter, this._instruments?.workflowActive);
  }

  override setConfig(config: LangGraphInstrumentationConfig = {}): void {
    super.setConfig(config);
    this._nodeTraced = undefined;
  }

  override enable(): void {
    if (this._active === true) return;
    this._active = true;
    noteGraphTracing(1);
    super.enable();
    const onError = (err: unknown) => this._diag.debug("@langchain/langgraph not loadable", err);
    for (const copy of loadedRequireCopies(PREGEL_ENTRY, onError)) this._patchCopy(copy);
    for (const target of this._manualTargets ?? []) this._patchCopy(target);
    this._ready = importCopies(PREGEL_ENTRY, onError).then((copies) => {
      if (this._active === true) for (const copy of copies) this._patchCopy(copy);
    });
  }

  override disable(): void {
    if (this._active !== true) return;
    this._active = false;
    noteGraphTracing(-1);
    super.disable();
    for (const proto of this._pregelPrototypes ?? []) this._unwrap(proto, "_streamIterator");
    for (const proto of this._nodePrototypes ?? []) this._unwrap(proto, "getNode");
    for (const owner of this._invokeOwners ?? []) this._unwrap(owner as NodeRunnable, "invoke");
    this._pregelPrototypes?.clear();
    this._nodePrototypes?.clear();
    this._invokeOwners?.clear();
    this._taskClasses?.clear();
    this._seenNodeClasses = undefined;
  }

  /**
   * Patches a copy that module resolution cannot reach (a bundle, a second install):
   * pass its module exports (`@langchain/langgraph/pregel` or the package root) or its
   * `Pregel` class or any compiled graph class. Remembered across disable/enable.
   */
  manuallyInstrument(target: unknown): void {
    if (findPregelPrototype(target) === undefined) {
      throw new TypeError(
        "langgraph-otel: manuallyInstrument expects the exports of @langchain/langgraph (or /pregel), or its Pregel class",
      );
    }
    this._manualTargets ??= new Set();
    this._manualTargets.add(target);
    if (this._active === true) this._patchCopy(target);
  }

  private _patchCopy(copy: unknown): void {
    const pregel = findPregelPrototype(copy);
    if (pregel !== undefined) this._patchPregel(pregel);
    const node = findPregelNodePrototypeInExports(copy);
    if (node !== undefined) this._patchNode(node);
  }

  private _patchPregel(proto: PregelPrototype): void {
    this._pregelPrototypes ??= new Set();
    if (this._pregelPrototypes.has(proto) || isWrapped(proto._streamIterator)) return;
    const host = this._telemetryHost();
    this._wrap(proto, "_streamIterator", (original) => wrapStreamIterator(host, original));
    this._pregelPrototypes.add(proto);
  }

  private _patchNode(proto: PregelNodePrototype): void {
    this._nodePrototypes ??= new Set();
    if (this._nodePrototypes.has(proto) || isWrapped(proto.getNode)) return;
    const host = this._telemetryHost();
    this._wrap(proto, "getNode", (original) => wrapGetNode(host, original));
    this._nodePrototypes.add(proto);
  }

  /**
   * Wraps the `invoke` a task's runnable inherits, once per owner (a class prototype:
   * RunnableSequence, ChannelWrite, RunnableCallable, a compiled subgraph's class), so node
   * attempts are traced without touching the object LangGraph returned. Called per task:
   * a class seen before costs one Set lookup.
   */
  private _traceTaskRunnable(runnable: NodeRunnable): void {
    if (this._active !== true) return;
    // A runnable with its own `invoke` is its own owner; any other is known by its class.
    const direct = Object.hasOwn(runnable, "invoke") ? undefined : (Object.getPrototypeOf(runnable) as object);
    if (direct !== undefined && this._taskClasses?.has(direct) === true) return;
    const owner = invokeOwnerOf(runnable);
    if (owner === undefined) return;
    this._wrapInvokeOwner(owner);
    if (direct !== undefined) {
      this._taskClasses ??= new Set();
      this._taskClasses.add(direct);
    }
  }

  private _wrapInvokeOwner(owner: object): void {
    this._invokeOwners ??= new Set();
    if (this._invokeOwners.has(owner) || this._unwrappableOwners?.has(owner) === true) return;
    const host = this._telemetryHost();
    try {
      this._wrap(owner as NodeRunnable, "invoke", (original) => wrapTaskInvoke(host, original));
      this._invokeOwners.add(owner);
    } catch (err) {
      // A frozen or non-configurable `invoke`: attempts of such runnables go untraced.
      this._diag.debug("cannot wrap a task runnable's invoke", err);
      this._unwrappableOwners ??= new WeakSet();
      this._unwrappableOwners.add(owner);
    }
  }

  /**
   * Whether a node gets a span, decided once per node name; past MAX_CACHED_SERIES names
   * (generated node names) decided afresh each time, so the map stays bounded.
   */
  private _isNodeTraced(nodeName: string): boolean {
    this._nodeTraced ??= new Map();
    let traced = this._nodeTraced.get(nodeName);
    if (traced === undefined) {
      traced = this._decideNodeTraced(nodeName);
      if (this._nodeTraced.size < MAX_CACHED_SERIES) this._nodeTraced.set(nodeName, traced);
    }
    return traced;
  }

  private _decideNodeTraced(nodeName: string): boolean {
    const { emitStartNode = false, ignoreNodes } = this._config;
    if (nodeName === START_NODE && !emitStartNode) return false;
    if (ignoreNodes === undefined) return true;
    if (typeof ignoreNodes === "function") {
      try {
        return !ignoreNodes(nodeName);
      } catch (err) {
        this._diag.error("ignoreNodes predicate failed", err);
        return true;
      }
    }
    return !ignoreNodes.some((rule) =>
      typeof rule === "string" ? rule === nodeName : rule.test(nodeName),
    );
  }

  private _telemetryHost(): InstrumentationHost {
    if (this._host !== undefined) return this._host;
    // The patches see the instrumentation through this view, which always reads the
    // current tracer, instruments and config (they change with set*Provider/setConfig).
    const self = this;
    this._host = {
      get tracer(): Tracer {
        return self.tracer;
      },
      get instruments(): GraphInstruments | undefined {
        return self._config.enableMetrics === false ? undefined : self._instruments;
      },
      get config(): LangGraphInstrumentationConfig {
        return self._config;
      },
      get diag(): DiagLogger {
        return self._diag;
      },
      isNodeTraced: (nodeName) => self._isNodeTraced(nodeName),
      series: new SeriesCache(),
      noteGraph: (graph) => self._noteGraph(graph),
      traceTaskRunnable: (runnable) => self._traceTaskRunnable(runnable),
    };
    return this._host;
  }

  /** Finds the node prototype of copies patched through their Pregel class alone. */
  private _noteGraph(graph: PregelInstance): void {
    const nodes = graph.nodes;
    if (nodes === undefined) return;
    for (const key in nodes) {
      const node = nodes[key];
      if (node === undefined) return;
      // Once per node class: this runs on every graph run.
      const direct = Object.getPrototypeOf(node) as object;
      this._seenNodeClasses ??= new WeakSet();
      if (this._seenNodeClasses.has(direct)) return;
      this._seenNodeClasses.add(direct);
      const proto = findPregelNodePrototype(node);
      if (proto !== undefined) this._patchNode(proto);
      return;
    }
  }
}
