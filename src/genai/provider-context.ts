import { type Context, context } from "@opentelemetry/api";
import { type Method, OwnedMethodWraps, type Wrapper } from "./method-wraps.js";

/** The methods of a chat model class that run the provider's own code. */
const PROVIDER_METHODS = ["_generate", "_streamResponseChunks"] as const;
/** The BaseChatModel methods every model call passes through (non-streamed, streamed). */
export const MODEL_ENTRY_METHODS = ["_generateUncached", "_streamIterator"] as const;

/** `BaseChatModel.prototype` of a loaded `@langchain/core/language_models/chat_models`, if any. */
export function baseChatModelPrototypeOf(moduleExports: unknown): Record<string, unknown> | undefined {
  if ((typeof moduleExports !== "object" && typeof moduleExports !== "function") || moduleExports === null) {
    return undefined;
  }
  const cls = (moduleExports as { BaseChatModel?: unknown }).BaseChatModel;
  if (typeof cls !== "function") return undefined;
  const proto = (cls as { prototype?: Record<string, unknown> }).prototype;
  return typeof proto?._generateUncached === "function" ? proto : undefined;
}

/** The run id LangChain passes as the third argument (the run manager). */
function runIdOf(runManager: unknown): string | undefined {
  const id = (runManager as { runId?: unknown } | undefined)?.runId;
  return typeof id === "string" ? id : undefined;
}

/** An async iterable whose steps run in `ctx` (the provider code runs inside `next`). */
function iterateIn(ctx: Context, iterable: AsyncIterable<unknown>): AsyncIterableIterator<unknown> {
  const inner = iterable[Symbol.asyncIterator]();
  const steps: AsyncIterableIterator<unknown> = {
    next: (...args: [] | [unknown]) => context.with(ctx, () => inner.next(...args)),
    return: (value?: unknown) => context.with(ctx, () => inner.return?.(value) ?? Promise.resolve({ done: true, value })),
    throw: (err?: unknown) => context.with(ctx, () => inner.throw?.(err) ?? Promise.reject(err)),
    [Symbol.asyncIterator]: () => steps,
  };
  return steps;
}

/**
 * Makes a model call's `chat` span the active context while the provider's own code runs
 * (`_generate`, `_streamResponseChunks` of the model's class), so that the provider's HTTP
 * client span (fetch/undici/http instrumentations) nests under `chat {model}` instead of
 * beside it. LangChain starts callbacks before it calls these methods and passes the run
 * manager as their third argument: its run id finds the span. Each class that defines one
 * of the methods is wrapped once, when a model of it first runs; `disable()` unwraps all.
 */
export class ProviderContext {
  private readonly wraps: OwnedMethodWraps;

  constructor(
    private readonly spanContextOf: (runId: string) => Context | undefined,
    wrapper: Wrapper,
  ) {
    this.wraps = new OwnedMethodWraps(wrapper);
  }

  /** Called with each chat model instance as a call enters it. */
  noteModel(model: unknown): void {
    if (typeof model !== "object" || model === null) return;
    for (const method of PROVIDER_METHODS) {
      const streams = method === "_streamResponseChunks";
      this.wraps.wrapOnce(Object.getPrototypeOf(model) as object | null, method, (original) => this.inChatContext(original, streams));
    }
  }

  private inChatContext(original: Method, streams: boolean): Method {
    const spanContextOf = this.spanContextOf;
    return function (this: unknown, ...args: unknown[]) {
      const runId = runIdOf(args[2]);
      const ctx = runId === undefined ? undefined : spanContextOf(runId);
      if (ctx === undefined) return original.apply(this, args);
      const result = context.with(ctx, () => original.apply(this, args));
      const iterable = result as AsyncIterable<unknown> | undefined;
      return streams && typeof iterable?.[Symbol.asyncIterator] === "function" ? iterateIn(ctx, iterable) : result;
    };
  }

  unwrapAll(): void {
    this.wraps.unwrapAll();
  }
}
