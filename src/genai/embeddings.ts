import { type Attributes, context, createContextKey, SpanKind, trace } from "@opentelemetry/api";
import { runStateOf } from "../instrumentation/run-context.js";
import { errorType, outcomeOfError, recordSpanError, secondsSince, spanName } from "../instrumentation/utils.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_EMBEDDINGS_INPUT_COUNT,
  ATTR_LANGGRAPH_OUTCOME,
  GEN_AI_OPERATION_EMBEDDINGS,
  OUTCOME_ERROR,
  OUTCOME_OK,
  SPAN_EMBEDDINGS,
} from "../semconv.js";
import { metricErrorType } from "../series-budget.js";
import { asDict, type GenAIHost, nonEmptyString, providerName } from "./host.js";
import { type Method, OwnedMethodWraps, type Wrapper } from "./method-wraps.js";

/** The methods every LangChain `Embeddings` class implements itself (the base has none). */
const EMBED_METHODS = ["embedQuery", "embedDocuments"] as const;

/** Set while an embeddings span is open: `embedQuery` often calls `embedDocuments`. */
const IN_EMBEDDINGS = createContextKey("langgraph-otel embeddings call");

/** `embeddings.model` and its older spellings, as LangChain integrations name it. */
function modelOf(embeddings: unknown): string | undefined {
  const fields = asDict(embeddings);
  return (
    nonEmptyString(fields?.model) ??
    nonEmptyString(fields?.modelName) ??
    nonEmptyString(fields?.deploymentName) ??
    nonEmptyString(fields?.azureOpenAIApiDeploymentName)
  );
}

/** The provider from the class name (`OpenAIEmbeddings` → openai), as LangChain names them. */
function providerOf(embeddings: object): string | undefined {
  const className = (embeddings.constructor as { name?: unknown } | undefined)?.name;
  if (typeof className !== "string") return undefined;
  const base = className.replace(/Embeddings$/, "");
  return base === "" ? undefined : providerName(base);
}

/**
 * `embeddings {model}` spans (CLIENT) and the `gen_ai.client.operation.duration` point of
 * each `embedQuery` / `embedDocuments` call. LangChain has no callbacks for embeddings and
 * its base class defines neither method, so the methods are wrapped on each class that
 * defines them, once, when an instance is first seen (`note`); `unwrapAll` undoes that.
 * The span's parent is the caller's context (the node attempt, or a retriever span).
 */
export class EmbeddingsCalls {
  private readonly wraps: OwnedMethodWraps;

  constructor(
    private readonly host: GenAIHost,
    wrapper: Wrapper,
  ) {
    this.wraps = new OwnedMethodWraps(wrapper);
  }

  /** Wraps the embed methods of this object's classes (an instance, or a class). */
  note(target: unknown): void {
    const instance = typeof target === "function" ? (target as { prototype?: unknown }).prototype : target;
    if (typeof instance !== "object" || instance === null) return;
    for (const method of EMBED_METHODS) this.wraps.wrapOnce(instance, method, (original) => this.traced(original));
  }

  unwrapAll(): void {
    this.wraps.unwrapAll();
  }

  private traced(original: Method): Method {
    const calls = this;
    return function tracedEmbed(this: unknown, ...args: unknown[]) {
      const parent = context.active();
      if (!calls.host.active || parent.getValue(IN_EMBEDDINGS) === true || typeof this !== "object" || this === null) {
        return original.apply(this, args);
      }
      return calls.run(original, this, args, parent);
    };
  }

  private run(original: Method, embeddings: object, args: unknown[], parent: ReturnType<typeof context.active>) {
    const host = this.host;
    let started: ReturnType<EmbeddingsCalls["start"]>;
    try {
      started = this.start(embeddings, args[0], parent);
    } catch (err) {
      host.diag.error("starting the embeddings span failed", err);
      return original.apply(embeddings, args);
    }
    const { span, metricAttributes, startedAt } = started;
    const finish = (result: unknown, err: unknown, failed: boolean) => {
      try {
        let type: string | undefined;
        if (failed) {
          const outcome = outcomeOfError(err);
          span.setAttribute(ATTR_LANGGRAPH_OUTCOME, outcome);
          type = outcome === OUTCOME_ERROR ? errorType(err) : undefined;
          if (type !== undefined) recordSpanError(span, err, type);
        } else {
          span.setAttribute(ATTR_LANGGRAPH_OUTCOME, OUTCOME_OK);
          const dimensions = dimensionsOf(result);
          if (dimensions !== undefined) span.setAttribute(ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, dimensions);
        }
        const attributes = type === undefined ? metricAttributes : { ...metricAttributes, [ATTR_ERROR_TYPE]: metricErrorType(type) };
        host.instruments?.operationDuration.record(secondsSince(startedAt), attributes);
        span.end();
      } catch (telemetryError) {
        host.diag.error("ending the embeddings span failed", telemetryError);
      }
    };
    const ctx = trace.setSpan(parent, span).setValue(IN_EMBEDDINGS, true);
    let pending: unknown;
    try {
      pending = context.with(ctx, () => original.apply(embeddings, args));
    } catch (err) {
      finish(undefined, err, true);
      throw err;
    }
    return Promise.resolve(pending).then(
      (result) => {
        finish(result, undefined, false);
        return result;
      },
      (err: unknown) => {
        finish(undefined, err, true);
        throw err;
      },
    );
  }

  private start(embeddings: object, input: unknown, parent: ReturnType<typeof context.active>) {
    const model = modelOf(embeddings);
    const provider = providerOf(embeddings);
    const run = runStateOf(parent);
    const metricAttributes: Attributes = { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_EMBEDDINGS };
    if (model !== undefined) metricAttributes[ATTR_GEN_AI_REQUEST_MODEL] = model;
    if (provider !== undefined) metricAttributes[ATTR_GEN_AI_PROVIDER_NAME] = provider;
    const attributes: Attributes = { ...run?.spanAttributes, ...metricAttributes };
    if (run !== undefined) attributes[ATTR_GEN_AI_WORKFLOW_NAME] = run.workflowName;
    attributes[ATTR_LANGGRAPH_EMBEDDINGS_INPUT_COUNT] = Array.isArray(input) ? input.length : 1;
    const name = model === undefined ? SPAN_EMBEDDINGS : spanName(SPAN_EMBEDDINGS, model);
    const span = this.host.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    return { span, metricAttributes, startedAt: performance.now() };
  }
}

/** Length of the (first) vector: `number[]` for a query, `number[][]` for documents. */
function dimensionsOf(result: unknown): number | undefined {
  if (!Array.isArray(result) || result.length === 0) return undefined;
  const first: unknown = result[0];
  if (typeof first === "number") return result.length;
  return Array.isArray(first) ? first.length : undefined;
}
