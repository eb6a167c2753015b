/**
 * Property tests (fast-check) on the content serializer, the redactor and the content
 * policy that gates them: whatever an application puts in its state or messages, nothing
 * throws, every result respects the length limits, and secrets never come out.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContentPolicy } from "../../src/genai/content/policy.js";
import { createRedactor, DEFAULT_REPLACEMENT } from "../../src/genai/content/redact.js";
import { safeSerialize } from "../../src/genai/content/serialize.js";

const LIMITS = { maxStringLength: 64, maxLength: 512 };
const RUNS = { numRuns: 300 };

/** Any value, with cycles and the types JSON cannot hold (BigInt, functions, symbols…). */
const hostile: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
      maxDepth: 4,
    }),
    fc.constantFrom("none", "self", "deep", "function", "symbol", "getter", "proxy"),
  )
  .map(([value, twist]) => twisted(value, twist));

function twisted(value: unknown, twist: string): unknown {
  const holder: Record<string, unknown> = { value };
  switch (twist) {
    case "self":
      holder.self = holder;
      return holder;
    case "deep": {
      const inner: Record<string, unknown> = { holder };
      holder.inner = [inner, { back: inner }];
      return holder;
    }
    case "function":
      holder.fn = () => value;
      holder.cls = class Named {};
      return holder;
    case "symbol":
      holder.sym = Symbol("s");
      holder[Symbol.for("k") as unknown as string] = 1;
      return holder;
    case "getter":
      Object.defineProperty(holder, "boom", {
        enumerable: true,
        get() {
          throw new Error("getter throws");
        },
      });
      return holder;
    case "proxy": {
      const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
      revoke();
      holder.revoked = proxy;
      return holder;
    }
    default:
      return value;
  }
}

describe("safeSerialize", () => {
  it("never throws and never exceeds maxLength, whatever the value", () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const out = safeSerialize(value, LIMITS);
        expect(typeof out).toBe("string");
        expect(out.length).toBeLessThanOrEqual(LIMITS.maxLength);
      }),
      RUNS,
    );
  });

  it("keeps no string longer than maxStringLength inside the result", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 65, maxLength: 400, unit: "grapheme" }), (text) => {
        const out = safeSerialize({ a: [text], b: { c: text } }, LIMITS);
        expect(out).not.toContain(text);
        expect(out.length).toBeLessThanOrEqual(LIMITS.maxLength);
      }),
      RUNS,
    );
  });

  it("handles a 10 MB string, BigInt, functions and cycles in one value", () => {
    const huge = "x".repeat(10 * 1024 * 1024);
    const state: Record<string, unknown> = { huge, big: 2n ** 80n, fn: () => 1, emoji: "🦜🔗" };
    state.self = state;
    const out = safeSerialize(state, { maxStringLength: 4096, maxLength: 16384 });
    expect(out.length).toBeLessThanOrEqual(16384);
    expect(out).toContain("[Circular]");
    expect(out).toContain(`${2n ** 80n}n`);
    expect(out).toContain("🦜🔗");
  });
});

/** Key names that must be redacted, in the spellings applications use. */
const secretKey = fc
  .tuple(
    fc.constantFrom("", "openai", "db", "client", "x", "user", "aws"),
    fc.constantFrom("_", "-", "", " "),
    fc.constantFrom("api_key", "apiKey", "token", "password", "secret", "authorization", "Api-Key"),
    fc.boolean(),
  )
  .map(([prefix, sep, name, upper]) => {
    const key = prefix === "" ? name : `${prefix}${sep}${name}`;
    return upper ? key.toUpperCase() : key;
  });

/** A secret value made of characters no other part of the test produces. */
const secretValue = fc.string({
  unit: fc.constantFrom(..."QZJXVWKq0123456789"),
  minLength: 12,
  maxLength: 40,
});

/** Free text around a secret: any unicode, but never the secret's alphabet. */
const filler = fc.string({ unit: "grapheme", maxLength: 30 }).map((s) => s.replace(/[QZJXVWKq0-9]/g, ""));

describe("redactor", () => {
  const redactor = createRedactor(undefined, () => {});

  it("redacts every secret-looking key", () => {
    fc.assert(
      fc.property(secretKey, (key) => {
        expect(redactor.redactKey(key)).toBe(DEFAULT_REPLACEMENT);
      }),
      RUNS,
    );
  });

  it("removes provider keys, bearer tokens and inline assignments from free text", () => {
    const shaped = fc.oneof(
      secretValue.map((s) => `sk-${s}`),
      secretValue.map((s) => `sk-proj-${s}`),
      secretValue.map((s) => `Bearer ${s}`),
      secretValue.map((s) => `api_key=${s}`),
      secretValue.map((s) => `"password": "${s}"`),
    );
    fc.assert(
      fc.property(filler, shaped, filler, secretValue, (before, secret, after, _unused) => {
        const out = redactor.redactString(`${before} ${secret} ${after}`, undefined);
        const bare = secret.replace(/^(sk-proj-|sk-|Bearer |api_key=|"password": ")/, "").replace(/"$/, "");
        expect(out).not.toContain(bare);
        expect(out).toContain(DEFAULT_REPLACEMENT);
      }),
      RUNS,
    );
  });

  it("fails closed when the user's hook throws", () => {
    const failing = createRedactor(
      {
        hook: () => {
          throw new Error("hook bug");
        },
      },
      () => {},
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(failing.redactString(text, undefined)).toBe(DEFAULT_REPLACEMENT);
      }),
      RUNS,
    );
  });
});

describe("content policy", () => {
  const policy = new ContentPolicy(
    { captureMessageContent: true, maxContentLength: 512, maxStringLength: 64 },
    () => {},
  );

  it("never lets a secret under a secret key through, at any depth, with hostile neighbours", () => {
    fc.assert(
      fc.property(
        hostile,
        secretKey,
        secretValue,
        fc.integer({ min: 0, max: 6 }),
        (noise, key, secret, depth) => {
          let value: Record<string, unknown> = { noise, [key]: secret };
          for (let i = 0; i < depth; i++) value = { level: i, child: value, noise };
          const out = policy.render(value);
          expect(out).toBeDefined();
          expect(out).not.toContain(secret);
          expect(out?.length ?? 0).toBeLessThanOrEqual(512);
        },
      ),
      RUNS,
    );
  });

  it("never lets an embedded provider key through, even where strings are cut", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }).map((s) => s.replace(/[QZJXVWKq0-9]/g, "")),
        secretValue,
        // Keys start at a word boundary (`task-1234…` is not a key): space, quote, `=`, `:`…
        fc.constantFrom(" ", '"', "'", "=", ":", "(", "\n"),
        (text, secret, boundary) => {
          // The key may straddle the string limit: it must be redacted or cut, never half-kept.
          const cut = Math.min(text.length, 60);
          const message = `${text.slice(0, cut)}${boundary}sk-${secret}${text.slice(cut)}`;
          const out = policy.render({ content: message, nested: [{ text: message }] }) ?? "";
          expect(out).not.toContain(secret);
          expect(out).not.toContain(secret.slice(0, 8));
        },
      ),
      RUNS,
    );
  });

  it("renders nothing when capture is off", () => {
    const off = new ContentPolicy({ captureMessageContent: false }, () => {});
    fc.assert(
      fc.property(hostile, (value) => {
        expect(off.render(value)).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });
});
