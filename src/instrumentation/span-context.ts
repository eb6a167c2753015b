import { type Context, type Span, trace } from "@opentelemetry/api";

/** The key `trace.setSpan` keeps the active span under, asked of the API itself. */
const SPAN_KEY: symbol = (() => {
  let asked: symbol | undefined;
  const probe: Context = {
    getValue(key) {
      asked = key;
      return undefined;
    },
    setValue: () => probe,
    deleteValue: () => probe,
  };
  trace.getSpan(probe);
  return asked ?? Symbol.for("OpenTelemetry Context Key SPAN");
})();

/**
 * `trace.setSpan(parent, span).setValue(key, value)` in one small object. The API's own
 * contexts copy their parent's Map (and make three closures) on every `setValue`; a graph
 * run and each node attempt need two values, and most attempts never derive a context
 * from theirs. One that does (a child span, a subgraph) gets the API's own chain, made
 * once, on first use.
 */
class SpanAndValueContext implements Context {
  private derived: Context | undefined;

  constructor(
    private readonly parent: Context,
    private readonly span: Span,
    private readonly key: symbol,
    private readonly value: unknown,
  ) {}

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span;
    if (key === this.key) return this.value;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.materialized().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.materialized().deleteValue(key);
  }

  private materialized(): Context {
    this.derived ??= trace.setSpan(this.parent, this.span).setValue(this.key, this.value);
    return this.derived;
  }
}

/** `parent` with `span` active and `key` set to `value`. */
export function withSpanAndValue(parent: Context, span: Span, key: symbol, value: unknown): Context {
  return new SpanAndValueContext(parent, span, key, value);
}
