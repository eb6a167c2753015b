/**
 * Answers a human-in-the-loop graph's interrupts automatically, so the approve and reject
 * paths run in a test the way they run with a person: `interrupt()` pauses the run, the
 * answer resumes it with `Command({ resume })`, until the graph finishes.
 */
import { Command } from "@langchain/langgraph";

/** A pending interrupt, as `getState()` shows it. */
export interface PendingInterrupt {
  value?: unknown;
  id?: string;
  /** Older LangGraph releases name the id this way. */
  interrupt_id?: string;
}

/** The part of a compiled graph this helper uses (any checkpointed graph has it). */
export interface InterruptibleGraph<I, O> {
  invoke(input: I | Command, config: GraphConfig): Promise<O>;
  getState(config: GraphConfig): Promise<{ tasks: ReadonlyArray<{ interrupts?: readonly PendingInterrupt[] }> }>;
}

/** A RunnableConfig with a thread (interrupts need a checkpointer and a `thread_id`). */
export interface GraphConfig {
  configurable: { thread_id: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface AnswerOptions {
  /** What the human answers to an interrupt's value (e.g. `{ approved: true }`), or a promise of it. */
  answer: (value: unknown, pending: PendingInterrupt) => unknown;
  /** Resumes at most this many times before giving up (a graph that asks forever). Default 10. */
  maxResumes?: number;
}

/** Runs the graph and answers each interrupt until it finishes; returns the final output. */
export async function runAnsweringInterrupts<I, O>(
  graph: InterruptibleGraph<I, O>,
  input: I,
  config: GraphConfig,
  options: AnswerOptions,
): Promise<O> {
  const max = options.maxResumes ?? 10;
  let output = await graph.invoke(input, config);
  for (let resumes = 0; ; resumes++) {
    const state = await graph.getState(config);
    const pending = state.tasks.flatMap((task) => task.interrupts ?? []);
    if (pending.length === 0) return output;
    if (resumes >= max) throw new Error(`runAnsweringInterrupts: still interrupted after ${max} answers`);
    // One interrupt takes the value itself; several (parallel branches) a map by id.
    const resume =
      pending.length === 1
        ? await options.answer(pending[0]!.value, pending[0]!)
        : Object.fromEntries(
            await Promise.all(pending.map(async (p) => [p.id ?? p.interrupt_id, await options.answer(p.value, p)])),
          );
    output = await graph.invoke(new Command({ resume }), config);
  }
}
