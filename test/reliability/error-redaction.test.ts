/**
 * Error text is exported with secrets masked, whatever the content settings: span status,
 * exception event (message and stack) and lifecycle records. The app still gets the very
 * same error object, its message untouched.
 */
import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { ATTR_EXCEPTION_MESSAGE } from "../../src/semconv.js";
import { DEFAULT_REPLACEMENT, redactSecrets } from "../../src/secrets.js";
import { useOtel } from "../helpers/otel.js";
import { LogState } from "../instrumentation/graph-fixtures.js";

const otel = useOtel();

const SECRETS = {
  openai: "sk-proj-abcdefghijklmnop",
  stripe: "sk_live_51Habcdefghijklmn",
  huggingFace: "hf_abcdefghijklmnopqrstuvwxyz",
  awsSecret: "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
  urlPassword: "hunter2hunter2",
  dbPassword: "s3cr3t-db-pw",
};

const TEXTS: Array<[string, string]> = [
  [`401 from api.openai.com with key ${SECRETS.openai}`, SECRETS.openai],
  [`stripe rejected ${SECRETS.stripe}`, SECRETS.stripe],
  [`hub download failed (token ${SECRETS.huggingFace})`, SECRETS.huggingFace],
  [`aws_secret_access_key=${SECRETS.awsSecret} is invalid`, SECRETS.awsSecret],
  [`GET https://admin:${SECRETS.urlPassword}@internal.example/v1 failed`, SECRETS.urlPassword],
  [`connect postgres://app:${SECRETS.dbPassword}@db:5432/agents ECONNREFUSED`, SECRETS.dbPassword],
];

describe("redactSecrets", () => {
  it.each(TEXTS)("masks %s", (text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(DEFAULT_REPLACEMENT);
  });

  it("masks assignments inside JSON text, whose quotes are escaped, and keeps the JSON valid", () => {
    const json = JSON.stringify({ note: '\n"password": "QQQQQQQQ" lorem', list: ["api_key='abc\\def12345'"] });
    const out = redactSecrets(json);
    expect(out).not.toContain("QQQQQQQQ");
    expect(out).not.toContain("def12345");
    expect(JSON.parse(out)).toEqual({ note: `\n"password": "${DEFAULT_REPLACEMENT}" lorem`, list: [`api_key='${DEFAULT_REPLACEMENT}'`] });
  });

  it("keeps what is not secret", () => {
    const text = "node planner failed after 3 attempts: https://example.com/docs (max_tokens=512)";
    expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets("postgres://db:5432/agents")).toBe("postgres://db:5432/agents");
  });
});

describe("errors on spans", () => {
  it("exports a failing node's error with its secrets masked, and hands the app the same error", async () => {
    const message = TEXTS.map(([text]) => text).join("; ");
    const thrown = new Error(message);
    const graph = new StateGraph(LogState)
      .addNode("leaky", async () => {
        throw thrown;
      })
      .addEdge(START, "leaky")
      .addEdge("leaky", END)
      .compile({ name: "leaky" });

    const caught = await graph.invoke({}).catch((err: unknown) => err);
    expect(caught).toBe(thrown);
    expect(thrown.message).toBe(message);

    const spans = [otel.span(/^invoke_node leaky/), otel.span(/^invoke_workflow leaky/)];
    for (const span of spans) {
      const exported = JSON.stringify({
        status: span.status,
        events: span.events.map((e) => e.attributes),
      });
      expect(exported).toContain(DEFAULT_REPLACEMENT);
      for (const secret of Object.values(SECRETS)) expect(exported, span.name).not.toContain(secret);
      const exception = span.events.find((e) => e.name === "exception");
      expect(exception?.attributes?.[ATTR_EXCEPTION_MESSAGE]).toBe(span.status.message);
      expect(String(exception?.attributes?.["exception.stacktrace"])).toContain("error-redaction.test");
    }
  });
});
