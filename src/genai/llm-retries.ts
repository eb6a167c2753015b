import { type Span, trace } from "@opentelemetry/api";

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The AsyncCaller methods that run a callable with LangChain's retries, and where the
 * callable is in their arguments. Newer cores funnel both public methods through
 * `callWithRetries(retries, callable, args)`; older ones retry inside each.
 */
export function retryingMethodsOf(proto: Record<string, unknown>): Array<{ name: string; callableAt: number }> {
  if (typeof proto.callWithRetries === "function") return [{ name: "callWithRetries", callableAt: 1 }];
  return [
    { name: "call", callableAt: 0 },
    { name: "callWithOptions", callableAt: 1 },
  ].filter(({ name }) => typeof proto[name] === "function");
}

/** `AsyncCaller.prototype` of a loaded `@langchain/core/utils/async_caller`, if any. */
export function asyncCallerPrototypeOf(moduleExports: unknown): Record<string, unknown> | undefined {
  if ((typeof moduleExports !== "object" && typeof moduleExports !== "function") || moduleExports === null) {
    return undefined;
  }
  const cls = (moduleExports as { AsyncCaller?: unknown }).AsyncCaller;
  if (typeof cls !== "function") return undefined;
  const proto = (cls as { prototype?: Record<string, unknown> }).prototype;
  return proto !== undefined && retryingMethodsOf(proto).length > 0 ? proto : undefined;
}

/**
 * Counts the attempts of one retrying call. A provider calls its AsyncCaller inside
 * `_generate`, where the chat span is active (see ProviderContext): each attempt after
 * the first is reported to `onRetry` with that span and the previous attempt's error.
 */
export function countAttempts(
  original: Method,
  callableAt: number,
  onRetry: (span: Span, attempt: number, previousError: unknown) => void,
  enabled: () => boolean,
): Method {
  return function (this: unknown, ...args: unknown[]) {
    const callable = args[callableAt];
    const span = enabled() ? trace.getActiveSpan() : undefined;
    if (span === undefined || typeof callable !== "function") return original.apply(this, args);
    let attempt = 0;
    let previousError: unknown;
    const counted = (...callArgs: unknown[]) => {
      attempt++;
      if (attempt > 1) {
        try {
          onRetry(span, attempt, previousError);
        } catch {
          // Telemetry of ours: the attempt goes on regardless.
        }
      }
      return Promise.resolve((callable as Method)(...callArgs)).catch((error: unknown) => {
        previousError = error;
        throw error;
      });
    };
    const patched = [...args];
    patched[callableAt] = counted;
    return original.apply(this, patched);
  };
}
