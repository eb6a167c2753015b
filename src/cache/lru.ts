/**
 * A least-recently-used map with a time to live, bounded both by entry count and by
 * bytes (the caller says how many bytes an entry weighs). Map insertion order is the
 * recency order: a read moves the entry to the end, eviction takes from the front.
 */

export type EvictionReason = "entries" | "bytes" | "ttl";

export interface LruEntry<V> {
  readonly value: V;
  readonly bytes: number;
  readonly expiresAt: number;
}

export interface LruOptions<V> {
  maxEntries: number;
  maxBytes: number;
  /** Time to live, ms; `Infinity` for none. */
  ttlMs: number;
  clock: () => number;
  onEvict?: (key: string, entry: LruEntry<V>, reason: EvictionReason) => void;
}

export class BoundedLru<V> {
  private readonly map = new Map<string, LruEntry<V>>();
  private totalBytes = 0;

  constructor(private readonly options: LruOptions<V>) {}

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** The live entry under `key`, now most recently used; an expired one is evicted. */
  get(key: string): LruEntry<V> | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (this.expired(entry)) {
      this.remove(key, entry, "ttl");
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, entry);
    return entry;
  }

  /** Marks a live entry most recently used (after a match found by scanning). */
  touch(key: string): void {
    this.get(key);
  }

  /**
   * Stores `value`; returns false (storing nothing) when it alone exceeds `maxBytes`.
   * Older entries are evicted until both bounds hold again.
   */
  set(key: string, value: V, bytes: number): boolean {
    if (bytes > this.options.maxBytes) return false;
    const previous = this.map.get(key);
    if (previous !== undefined) {
      // A replacement is not an eviction: the key stays cached.
      this.map.delete(key);
      this.totalBytes -= previous.bytes;
    }
    this.map.set(key, { value, bytes, expiresAt: this.options.clock() + this.options.ttlMs });
    this.totalBytes += bytes;
    this.enforceBounds();
    return true;
  }

  delete(key: string): boolean {
    const entry = this.map.get(key);
    if (entry === undefined) return false;
    this.map.delete(key);
    this.totalBytes -= entry.bytes;
    return true;
  }

  clear(): void {
    this.map.clear();
    this.totalBytes = 0;
  }

  /** Live entries, least recently used first; expired ones met on the way are evicted. */
  *entries(): IterableIterator<[string, LruEntry<V>]> {
    for (const [key, entry] of this.map) {
      if (this.expired(entry)) this.remove(key, entry, "ttl");
      else yield [key, entry];
    }
  }

  /** Evicts every expired entry. */
  prune(): void {
    for (const _ of this.entries()) {
      // entries() evicts expired entries as it walks.
    }
  }

  private expired(entry: LruEntry<V>): boolean {
    return this.options.clock() >= entry.expiresAt;
  }

  private remove(key: string, entry: LruEntry<V>, reason: EvictionReason): void {
    this.map.delete(key);
    this.totalBytes -= entry.bytes;
    this.options.onEvict?.(key, entry, reason);
  }

  private enforceBounds(): void {
    while (this.map.size > this.options.maxEntries || this.totalBytes > this.options.maxBytes) {
      const oldest = this.map.entries().next();
      if (oldest.done === true) return;
      const [key, entry] = oldest.value;
      this.remove(key, entry, this.map.size > this.options.maxEntries ? "entries" : "bytes");
    }
  }
}
