export { canonicalLlmString, stableCacheKey } from "./key.js";
export {
  type CacheLookup,
  type CacheLookupListener,
  onCacheLookup,
  setCacheLookupAttributes,
  takeCacheLookup,
} from "./lookup-events.js";
export {
  ResponseCache,
  type ResponseCacheOptions,
  type SemanticLookupOptions,
} from "./response-cache.js";
export {
  type SharedCacheClient,
  SharedResponseCache,
  type SharedResponseCacheOptions,
} from "./shared-cache.js";
export { TieredCache, type TieredCacheOptions } from "./tiered-cache.js";
