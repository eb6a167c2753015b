/**
 * Redaction where it used to miss (issue 14): the user's key rules inside JSON text,
 * secrets used as object or Map keys, secrets cut by the string limit; and the cost of a
 * huge Map, which used to be copied whole before the item limit applied.
 */
import { describe, expect, it } from "vitest";
import { ContentPolicy } from "../../src/genai/content/policy.js";
import { safeSerialize } from "../../src/genai/content/serialize.js";

const OPENAI = "sk-proj-QZJXVWK0123456789abcdef";
const AWS_ID = "AKIAQZJXVWK012345678";
const HF = "hf_QZJXVWK0123456789abcdefgh";

function policy(extra: object = {}, limits = { maxContentLength: 4096, maxStringLength: 1024 }): ContentPolicy {
  return new ContentPolicy({ captureMessageContent: true, ...limits, ...extra }, () => {});
}

describe("custom redaction keys inside JSON text", () => {
  const custom = policy({ redaction: { keys: ["my_key", /^internal/] } });

  it("replaces the value under a custom key in a JSON string attribute or message", () => {
    const out = custom.render({
      content: '{"my_key":"v-QZJX-1","other":"keep-me"}',
      nested: [{ text: 'payload: {"internalRef": "v-QZJX-2", "n": 3}' }],
    });
    expect(out).not.toContain("v-QZJX-1");
    expect(out).not.toContain("v-QZJX-2");
    expect(out).toContain("keep-me");
    expect(out).toContain("[REDACTED]");
  });

  it("replaces a whole object or number under a secret key in JSON text", () => {
    const out = custom.render('see {"my_key": {"a": "v-QZJX-3", "b": [1, 2]}, "cookie": 123456789, "x": 1}');
    expect(out).not.toContain("v-QZJX-3");
    expect(out).not.toContain("123456789");
    expect(out).toContain('"x": 1');
  });

  it("applies to tool input given as JSON text, and key=value text", () => {
    expect(custom.renderText('{"args": "{\\"my_key\\": \\"v-QZJX-4\\"}"}')).not.toContain("v-QZJX-4");
    expect(custom.render("my_key=v-QZJX-5 and internal_id: v-QZJX-6")).not.toMatch(/v-QZJX-[56]/);
  });
});

describe("secrets after an escaped newline in JSON text", () => {
  it("are recognised although `\\n` puts a word character before them", () => {
    const json = JSON.stringify({ log: `line one\n${AWS_ID}\t${HF}\r\n${OPENAI}` });
    const out = policy().render({ json }) ?? "";
    for (const secret of [AWS_ID, HF, OPENAI]) expect(out).not.toContain(secret.slice(4, 12));
  });
});

describe("secrets used as keys", () => {
  it("redacts a secret-looking object key", () => {
    const out = policy().render({ [OPENAI]: "owner", nested: { [AWS_ID]: 1 }, ok: true }) ?? "";
    expect(out).not.toContain(OPENAI.slice(8, 16));
    expect(out).not.toContain(AWS_ID.slice(4, 12));
    expect(JSON.parse(out).ok).toBe(true);
  });

  it("redacts secret-looking Map keys, and keeps entries whose keys collide", () => {
    const map = new Map<unknown, unknown>([
      [HF, 1],
      [`Bearer ${OPENAI}`, 2],
      ["plain", 3],
    ]);
    const out = policy().render({ map }) ?? "";
    expect(out).not.toContain("QZJXVWK");
    const rendered = JSON.parse(out).map as Record<string, unknown>;
    expect(Object.values(rendered).sort()).toEqual([1, 2, 3]);
  });
});

describe("secrets at the string limit", () => {
  it("never keeps a prefix of a secret cut by the string limit", () => {
    const max = 100;
    for (const secret of [AWS_ID, OPENAI, HF]) {
      for (let at = 2 * max - secret.length; at <= 2 * max; at++) {
        // Secrets redacted before it shorten the string below the limit after the cut.
        const lead = "ghp_QZJXVWK0123456789abcdefXYZ ".repeat(5);
        const text = `${lead}${"-".repeat(Math.max(0, at - lead.length - 1))} ${secret} tail`;
        const out = policy({}, { maxContentLength: 1000, maxStringLength: max }).render(text);
        expect(out).not.toContain(secret.slice(4, 12));
      }
    }
  });
});

describe("hostile collections", () => {
  it("stops at the item limit instead of copying a huge Map or Set", () => {
    const map = new Map<string, number>();
    for (let i = 0; i < 300_000; i++) map.set(`k${i}`, i);
    const set = new Set(map.keys());
    const started = performance.now();
    const out = safeSerialize({ map, set }, { maxLength: 16384, maxStringLength: 4096 });
    const ms = performance.now() - started;
    expect(out).toContain("299900 more");
    expect(ms).toBeLessThan(50);
  });
});
