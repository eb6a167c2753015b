import { describe, expect, it } from "vitest";
import { ContentPolicy, captureMode } from "../../src/genai/content/policy.js";
import { createRedactor } from "../../src/genai/content/redact.js";
import { safeSerialize } from "../../src/genai/content/serialize.js";

const limits = { maxLength: 10_000, maxStringLength: 1_000 };

describe("safeSerialize", () => {
  it("handles circular references, BigInt, functions, symbols and odd numbers", () => {
    const a: Record<string, unknown> = { n: 1n, f: function namedFn() {}, s: Symbol("x"), nan: Number.NaN };
    a.self = a;
    a.list = [a, undefined];
    const out = JSON.parse(safeSerialize(a, limits));
    expect(out).toEqual({
      n: "1n",
      f: "[Function namedFn]",
      s: "Symbol(x)",
      nan: "NaN",
      self: "[Circular]",
      list: ["[Circular]", null],
    });
  });

  it("renders shared (non-circular) references each time", () => {
    const shared = { v: 1 };
    expect(JSON.parse(safeSerialize({ a: shared, b: shared }, limits))).toEqual({ a: { v: 1 }, b: { v: 1 } });
  });

  it("survives throwing getters, revoked proxies, toJSON bombs and deep nesting", () => {
    const evil = {
      get boom(): string {
        throw new Error("no");
      },
    };
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 50; i++) {
      deep.next = {};
      deep = deep.next as Record<string, unknown>;
    }
    const text = safeSerialize({ evil, proxy, root, toJSON: () => { throw new Error("x"); } }, limits);
    const out = JSON.parse(text);
    expect(out.evil.boom).toBe("[Unreadable]");
    expect(out.proxy).toBe("[Unserializable]");
    expect(text).toContain("[Object]");
  });

  it("cuts huge strings and huge results with a marker, and limits items", () => {
    const huge = "y".repeat(1_000_000);
    const out = safeSerialize({ huge, items: Array.from({ length: 500 }, (_, i) => i) }, { maxLength: 2_000, maxStringLength: 100 });
    expect(out.length).toBeLessThanOrEqual(2_000);
    expect(out).toContain("truncated");
    expect(out).toContain("more items");
    expect(safeSerialize("z".repeat(50), { maxLength: 30, maxStringLength: 30 }).length).toBeLessThanOrEqual(30);
  });

  it("serializes Dates, Maps, Sets, Errors and typed arrays", () => {
    const out = JSON.parse(
      safeSerialize(
        { d: new Date(0), m: new Map([["k", 1]]), s: new Set([1]), e: new RangeError("bad"), b: new Uint8Array(4) },
        limits,
      ),
    );
    expect(out).toEqual({
      d: "1970-01-01T00:00:00.000Z",
      m: { k: 1 },
      s: [1],
      e: { name: "RangeError", message: "bad" },
      b: "[Uint8Array 4 bytes]",
    });
  });
});

describe("redaction", () => {
  const noop = () => {};

  it("redacts secret-like keys (any case and separator) but not look-alikes", () => {
    const r = createRedactor(undefined, noop);
    for (const key of ["api_key", "X-Api-Key", "openaiApiKey", "token", "id_token", "password", "client_secret", "Authorization", "auth"]) {
      expect(r.redactKey(key), key).toBe("[REDACTED]");
    }
    for (const key of ["max_tokens", "input_tokens", "city", "author", "secretary_name"]) {
      expect(r.redactKey(key), key).toBeUndefined();
    }
  });

  it("redacts secret-like values inside text", () => {
    const r = createRedactor(undefined, noop);
    const text = [
      "key sk-proj-abcdefghijklmnop",
      "Authorization: Bearer abcdefghijklmnopqrstuvwxyz",
      "gh token ghp_abcdefghijklmnopqrstuvwxyz0123",
      "aws AKIAABCDEFGHIJKLMNOP",
      "jwt eyJhbGciOi.eyJzdWIiOiIxMjM0.c2lnbmF0dXJl",
      "password=hunter2 and api_key: 'abc123'",
    ].join("\n");
    const out = r.redactString(text, undefined);
    for (const secret of ["sk-proj-abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz", "ghp_", "AKIAABCDEFGHIJKLMNOP", "eyJhbGciOi", "hunter2", "abc123"]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain("password=[REDACTED]");
  });

  it("takes extra patterns, a replacement and a hook; a throwing hook fails closed", () => {
    const errors: unknown[] = [];
    const r = createRedactor(
      {
        keys: ["ssn_number", /^x-tenant$/i],
        values: [/\b\d{3}-\d{2}-\d{4}\b/],
        replacement: "***",
        hook: (value) => {
          if (value.includes("explode")) throw new Error("hook bug");
          return value.toUpperCase();
        },
      },
      (err) => errors.push(err),
    );
    expect(r.redactKey("user_ssn_number")).toBe("***");
    expect(r.redactKey("X-Tenant")).toBe("***");
    expect(r.redactString("id 123-45-6789 ok", undefined)).toBe("ID *** OK");
    expect(r.redactString("explode", undefined)).toBe("***");
    expect(errors).toHaveLength(1);
  });

  it("replaceDefaults keeps only the user's patterns", () => {
    const r = createRedactor({ replaceDefaults: true, keys: ["pin"] }, noop);
    expect(r.redactKey("api_key")).toBeUndefined();
    expect(r.redactString("sk-abcdefghijklmnop", undefined)).toBe("sk-abcdefghijklmnop");
    expect(r.redactKey("pin")).toBe("[REDACTED]");
  });
});

describe("ContentPolicy", () => {
  it("is off by default and renders nothing", () => {
    const saved = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    try {
      expect(captureMode({}, () => {})).toBe("NO_CONTENT");
      const policy = new ContentPolicy({}, () => {});
      expect(policy.render({ a: 1 })).toBeUndefined();
      expect(policy.renderText("{}")).toBeUndefined();
      process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = "TRUE";
      expect(captureMode({}, () => {})).toBe("SPAN_ONLY");
      expect(captureMode({ captureMessageContent: false }, () => {})).toBe("NO_CONTENT");
    } finally {
      if (saved === undefined) delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
      else process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = saved;
    }
  });

  it("redacts keys inside JSON tool input", () => {
    const policy = new ContentPolicy({ captureMessageContent: true }, () => {});
    expect(JSON.parse(policy.renderText('{"q":"x","headers":{"authorization":"Basic abc"}}')!)).toEqual({
      q: "x",
      headers: { authorization: "[REDACTED]" },
    });
    expect(policy.renderText("plain sk-abcdefghijklmnopq text")).toBe("plain [REDACTED] text");
  });
});
