export type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps and unwraps a method of an object (the instrumentation's `_wrap` / `_unwrap`). */
export interface Wrapper {
  wrap(target: Record<string, unknown>, name: string, wrapper: (original: Method) => Method): void;
  unwrap(target: Record<string, unknown>, name: string): void;
}

/** The first object on the chain from `start` (inclusive) that defines `method` itself. */
export function ownerOf(start: object | null, method: string): Record<string, unknown> | undefined {
  for (let proto = start; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    if (Object.hasOwn(proto, method)) return proto === Object.prototype ? undefined : (proto as Record<string, unknown>);
  }
  return undefined;
}

/**
 * Methods wrapped on the classes that define them, found from instances as they are
 * first seen: each owner's method is wrapped once, however many instances lead to it,
 * and `unwrapAll` undoes every wrap (on disable).
 */
export class OwnedMethodWraps {
  private readonly wrapped = new Map<Record<string, unknown>, Set<string>>();

  constructor(private readonly wrapper: Wrapper) {}

  /** Wraps `method` on its owner on the chain from `start`, unless that is done already. */
  wrapOnce(start: object | null, method: string, makeWrapper: (original: Method) => Method): void {
    const owner = ownerOf(start, method);
    if (owner === undefined || typeof owner[method] !== "function") return;
    let methods = this.wrapped.get(owner);
    if (methods?.has(method)) return;
    if (methods === undefined) {
      methods = new Set();
      this.wrapped.set(owner, methods);
    }
    methods.add(method);
    this.wrapper.wrap(owner, method, makeWrapper);
  }

  unwrapAll(): void {
    for (const [owner, methods] of this.wrapped) for (const method of methods) this.wrapper.unwrap(owner, method);
    this.wrapped.clear();
  }
}
