import { withFallback, withRetry, withTimeout } from "../../src/index.js";
type S = { q: string };
const node = async (s: S, _c: { signal?: AbortSignal }) => ({ a: s.q });
const canned = async (_s: S) => ({ a: "c" });
export const x1 = withFallback(withRetry(node), canned);
export const x2 = withFallback(withRetry(node, { maxAttempts: 2 }), canned);
export const x3 = withRetry(withTimeout(node, 5));
const r = withRetry(node);
export const x4 = withFallback(r, canned);
