import {
  type Context,
  type DiagLogger,
  isSpanContextValid,
  type Link,
  type Span,
  type SpanContext,
} from "@opentelemetry/api";
import { ATTR_LANGGRAPH_LINK_TYPE, LINK_TYPE_INTERRUPT_RESUME } from "../semconv.js";
import type { PregelInstance, TaskConfig } from "./internal-types.js";
import { runStateOf } from "./run-context.js";

/**
 * Where an interrupted run leaves its span context for the run that resumes the thread,
 * in whichever process that run starts: a pending write of the thread's head checkpoint,
 * written through the graph's own checkpointer, on a channel of ours.
 *
 * Why pending writes and not checkpoint metadata (checked against LangGraph.js 1.7,
 * `pregel/loop.ts`, `pregel/index.ts`, `pregel/algo.ts`):
 * - An `interrupt()` writes no checkpoint: the interrupted step's task leaves
 *   `__interrupt__` writes on the checkpoint the step started from, whose metadata was
 *   stored before the step ran. Metadata could only be added by writing a checkpoint of
 *   our own, which would show in `getStateHistory()`/`getState().metadata`, move the head
 *   the resume starts from and break `Command({ resume })`. A pending write is stored next
 *   to LangGraph's `__interrupt__` writes, after the run, with no new checkpoint.
 * - LangGraph reads pending writes by task id (resume values, finished tasks, errors,
 *   `getState()` tasks) or by the null task id (input-like writes it applies). Ours use a
 *   task id of our own that no task has and that is not an interrupt id (not a hash), on
 *   a channel no graph has, so the loop, `getState()`, `updateState()` and the stream's
 *   `checkpoints`/`debug` output never see them.
 * - They live as long as the thread waits: the resumed step's first new checkpoint has
 *   no pending writes, so a record is read by the runs that answer that interrupt, and
 *   `deleteThread` removes them with the thread. Every saver stores them (`putWrites` is
 *   part of the BaseCheckpointSaver contract) and serialises plain objects as they are.
 */
export const INTERRUPT_CHANNEL = "__langgraph_otel_interrupt__";
/** Prefix of the task ids of our writes: one task id per write, so no saver merges two. */
const TASK_ID_PREFIX = "__langgraph_otel__:";
/** Version of the record format: records of another version are ignored. */
const RECORD_VERSION = 1;

/** An interrupted run, as stored: its span context and when it ended (epoch ms). */
interface InterruptRecord {
  v: typeof RECORD_VERSION;
  kind: "interrupt";
  traceId: string;
  spanId: string;
  traceFlags: number;
  endedAt: number;
}

/** A run that resumed the interrupt of span `spanId` and recorded its wait. */
interface ResumedRecord {
  v: typeof RECORD_VERSION;
  kind: "resumed";
  spanId: string;
}

type CheckpointWrite = [taskId: string, channel: string, value: unknown];

/** The slice of BaseCheckpointSaver used here (the ESM and CJS copies are different classes). */
interface CheckpointSaver {
  getTuple(config: ThreadConfig): Promise<{ config?: ThreadConfig; pendingWrites?: CheckpointWrite[] } | undefined>;
  putWrites(config: ThreadConfig, writes: [string, unknown][], taskId: string): Promise<void>;
}

interface ThreadConfig {
  configurable?: Record<string, unknown>;
}

/** A top-level run of a thread whose graph has a checkpointer: the runs that link. */
export interface CheckpointedThread {
  readonly saver: CheckpointSaver;
  readonly threadId: string;
  /** Set when the run starts from a given checkpoint (time travel): read that one. */
  readonly checkpointId: string | undefined;
}

/** What the resumed run's span gets: a link and, the first time, the wait. */
export interface ResumeLink {
  readonly link: Link;
  /** Seconds since the interrupted run ended; undefined when another run recorded it. */
  readonly waitSeconds: number | undefined;
  readonly interruptSpanId: string;
  /** The checkpoint the record was found on. */
  readonly checkpointId: string;
}

function isSaver(value: unknown): value is CheckpointSaver {
  if (typeof value !== "object" || value === null) return false;
  const saver = value as Partial<CheckpointSaver>;
  return typeof saver.getTuple === "function" && typeof saver.putWrites === "function";
}

/**
 * The thread a run works on, when it is a top-level run with a checkpointer (resolved as
 * LangGraph does: one lent through the config, else the graph's own, none for
 * `checkpointer: false`). Subgraph runs are left out: their interrupt ends the parent run
 * `interrupted`, and the parent's record is what the resume finds.
 */
export function checkpointedThread(
  graph: PregelInstance & { checkpointer?: unknown },
  options: TaskConfig | undefined,
  threadId: string | undefined,
  parent: Context,
): CheckpointedThread | undefined {
  if (threadId === undefined || runStateOf(parent) !== undefined) return undefined;
  const configurable = options?.configurable;
  const ns = configurable?.checkpoint_ns;
  if (ns !== undefined && ns !== "") return undefined;
  if (graph.checkpointer === false) return undefined;
  const saver = configurable?.__pregel_checkpointer ?? graph.checkpointer;
  if (!isSaver(saver)) return undefined;
  const checkpointId = configurable?.checkpoint_id;
  return { saver, threadId, checkpointId: typeof checkpointId === "string" ? checkpointId : undefined };
}

function threadConfig(thread: CheckpointedThread, checkpointId: string | undefined): ThreadConfig {
  const configurable: Record<string, unknown> = { thread_id: thread.threadId, checkpoint_ns: "" };
  if (checkpointId !== undefined) configurable.checkpoint_id = checkpointId;
  return { configurable };
}

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;

/** A stored value as a record of ours, or undefined (another version, tampered, foreign). */
function interruptRecordOf(value: unknown): InterruptRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Partial<InterruptRecord>;
  if (r.v !== RECORD_VERSION || r.kind !== "interrupt") return undefined;
  if (typeof r.traceId !== "string" || !HEX_TRACE_ID.test(r.traceId)) return undefined;
  if (typeof r.spanId !== "string" || !HEX_SPAN_ID.test(r.spanId)) return undefined;
  if (!Number.isInteger(r.traceFlags) || (r.traceFlags as number) < 0 || (r.traceFlags as number) > 255) return undefined;
  if (typeof r.endedAt !== "number" || !Number.isFinite(r.endedAt)) return undefined;
  return r as InterruptRecord;
}

function resumedSpanIdOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Partial<ResumedRecord>;
  if (r.v !== RECORD_VERSION || r.kind !== "resumed" || typeof r.spanId !== "string") return undefined;
  return r.spanId;
}

function latestOf(records: InterruptRecord[]): InterruptRecord | undefined {
  let latest: InterruptRecord | undefined;
  for (const record of records) if (latest === undefined || record.endedAt >= latest.endedAt) latest = record;
  return latest;
}

/**
 * Reads the thread's head checkpoint for the run that last left it waiting. Several
 * records on one checkpoint come from runs that each resumed and interrupted again within
 * one step (nested interrupts, one of several parallel interrupts answered): the latest
 * is the run this one follows. A record already answered (a resume that failed, retried)
 * still links, but its wait is not recorded twice. Never throws; a failing read is logged.
 */
export async function readResumeLink(thread: CheckpointedThread, diag: DiagLogger): Promise<ResumeLink | undefined> {
  let tuple: Awaited<ReturnType<CheckpointSaver["getTuple"]>>;
  try {
    tuple = await thread.saver.getTuple(threadConfig(thread, thread.checkpointId));
  } catch (err) {
    diag.debug("reading the interrupt record failed; the run gets no resume link", err);
    return undefined;
  }
  const writes = tuple?.pendingWrites;
  const checkpointId = tuple?.config?.configurable?.checkpoint_id;
  if (!Array.isArray(writes) || typeof checkpointId !== "string") return undefined;
  const records: InterruptRecord[] = [];
  const resumed = new Set<string>();
  for (const write of writes) {
    if (!Array.isArray(write) || write[1] !== INTERRUPT_CHANNEL) continue;
    const record = interruptRecordOf(write[2]);
    if (record !== undefined) records.push(record);
    const spanId = resumedSpanIdOf(write[2]);
    if (spanId !== undefined) resumed.add(spanId);
  }
  // The latest record nobody answered yet; by answers first, so that machines' clocks
  // that disagree cannot bring back an answered one.
  const waiting = records.filter((record) => !resumed.has(record.spanId));
  const latest = latestOf(waiting) ?? latestOf(records);
  if (latest === undefined) return undefined;
  const context: SpanContext = {
    traceId: latest.traceId,
    spanId: latest.spanId,
    traceFlags: latest.traceFlags,
    isRemote: true,
  };
  if (!isSpanContextValid(context)) return undefined;
  // Epoch clocks, not performance.now(): the two runs may be in different processes.
  const wait = (Date.now() - latest.endedAt) / 1000;
  return {
    link: { context, attributes: { [ATTR_LANGGRAPH_LINK_TYPE]: LINK_TYPE_INTERRUPT_RESUME } },
    // A negative wait is clock skew between machines: the link stays, the wait is unknown.
    waitSeconds: resumed.has(latest.spanId) || wait < 0 ? undefined : wait,
    interruptSpanId: latest.spanId,
    checkpointId,
  };
}

/**
 * Marks the interrupt answered, so that a retry of this resume (after it failed) links
 * without recording the human's wait a second time. Never rejects.
 */
export async function markResumed(thread: CheckpointedThread, found: ResumeLink, diag: DiagLogger): Promise<void> {
  const record: ResumedRecord = { v: RECORD_VERSION, kind: "resumed", spanId: found.interruptSpanId };
  try {
    await putRecord(thread, found.checkpointId, `resumed:${found.interruptSpanId}`, record);
  } catch (err) {
    diag.debug("marking the interrupt answered failed", err);
  }
}

/**
 * Leaves the interrupted run's span context on the checkpoint the thread waits at: the
 * head, if it holds LangGraph's `__interrupt__` writes (otherwise another run has moved
 * the thread on already, and there is nothing to resume). Never rejects.
 */
export async function writeInterruptRecord(
  thread: CheckpointedThread,
  span: Span,
  endedAt: number,
  diag: DiagLogger,
): Promise<void> {
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return;
  const record: InterruptRecord = {
    v: RECORD_VERSION,
    kind: "interrupt",
    traceId: spanContext.traceId,
    spanId: spanContext.spanId,
    traceFlags: spanContext.traceFlags,
    endedAt,
  };
  try {
    // The head after the run, not the checkpoint the run was started from.
    const head = await thread.saver.getTuple(threadConfig(thread, undefined));
    const checkpointId = head?.config?.configurable?.checkpoint_id;
    const waiting = head?.pendingWrites?.some((write) => Array.isArray(write) && write[1] === "__interrupt__");
    if (typeof checkpointId !== "string" || waiting !== true) return;
    await putRecord(thread, checkpointId, `interrupt:${spanContext.spanId}`, record);
  } catch (err) {
    diag.debug("writing the interrupt record failed; the resume will get no link", err);
  }
}

function putRecord(
  thread: CheckpointedThread,
  checkpointId: string,
  id: string,
  record: InterruptRecord | ResumedRecord,
): Promise<void> {
  return thread.saver.putWrites(threadConfig(thread, checkpointId), [[INTERRUPT_CHANNEL, record]], TASK_ID_PREFIX + id);
}
