import { redactSecrets } from "../secrets.js";
import { type Context, context, diag, type TimeInput } from "@opentelemetry/api";
import { type LogAttributes, logs, SeverityNumber } from "@opentelemetry/api-logs";
import {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  EVENT_LANGGRAPH_NODE_FAILED,
  EVENT_LANGGRAPH_WORKFLOW_COMPLETED,
  EVENT_LANGGRAPH_WORKFLOW_FAILED,
  EVENT_LANGGRAPH_WORKFLOW_STARTED,
} from "../semconv.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";

export const LIFECYCLE_EVENTS = [
  EVENT_LANGGRAPH_WORKFLOW_STARTED,
  EVENT_LANGGRAPH_WORKFLOW_COMPLETED,
  EVENT_LANGGRAPH_WORKFLOW_FAILED,
  EVENT_LANGGRAPH_NODE_FAILED,
] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export interface LifecycleRecord {
  event: LifecycleEvent;
  workflowName: string;
  /** For node records. */
  nodeName?: string;
  /** `langgraph.outcome` of a finished run or node attempt. */
  outcome?: string;
  /** `error.type` of a failure. */
  errorType?: string;
  /** The failure's message. */
  errorMessage?: string;
  /** When it happened; default now. */
  timestamp?: TimeInput;
}

const FAILURES: ReadonlySet<string> = new Set([
  EVENT_LANGGRAPH_WORKFLOW_FAILED,
  EVENT_LANGGRAPH_NODE_FAILED,
]);

function bodyOf(record: LifecycleRecord): string {
  const subject =
    record.nodeName === undefined
      ? `workflow "${record.workflowName}"`
      : `node "${record.nodeName}" of workflow "${record.workflowName}"`;
  const verb = record.event.slice(record.event.lastIndexOf(".") + 1);
  const reason = record.errorMessage === undefined ? "" : `: ${record.errorMessage}`;
  return `${subject} ${verb}${reason}`;
}

/**
 * Emits one lifecycle log record (workflow started/completed/failed, node failed) through
 * the OTel Logs API, in `ctx` so that it carries the run's or node's trace and span id.
 * Without a registered LoggerProvider this is a no-op; it never throws.
 */
export function emitLifecycleRecord(given: LifecycleRecord, ctx: Context = context.active()): void {
  try {
    // Error text always passes through the secret patterns (see src/secrets.ts).
    const record =
      given.errorMessage === undefined ? given : { ...given, errorMessage: redactSecrets(given.errorMessage) };
    const failed = FAILURES.has(record.event);
    const attributes: LogAttributes = { [ATTR_GEN_AI_WORKFLOW_NAME]: record.workflowName };
    if (record.nodeName !== undefined) attributes[ATTR_LANGGRAPH_NODE_NAME] = record.nodeName;
    if (record.outcome !== undefined) attributes[ATTR_LANGGRAPH_OUTCOME] = record.outcome;
    if (record.errorType !== undefined) attributes[ATTR_ERROR_TYPE] = record.errorType;
    if (record.errorMessage !== undefined) attributes[ATTR_EXCEPTION_MESSAGE] = record.errorMessage;
    logs.getLogger(PACKAGE_NAME, PACKAGE_VERSION).emit({
      eventName: record.event,
      timestamp: record.timestamp,
      severityNumber: failed ? SeverityNumber.ERROR : SeverityNumber.INFO,
      severityText: failed ? "ERROR" : "INFO",
      body: bodyOf(record),
      attributes,
      context: ctx,
    });
  } catch (error) {
    diag.debug("langgraph-otel: lifecycle record not emitted", error);
  }
}
