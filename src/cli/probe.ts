/** Whether an OTLP/HTTP receiver answers at a traces URL, and what to tell the user. */
export interface ProbeResult {
  answered: boolean;
  detail: string;
}

/**
 * Sends an empty, valid OTLP/JSON export request: a collector answers 200 and records
 * nothing. Anything else that answers with 404 or 405 is a web server, not a receiver.
 */
export async function probeOtlpReceiver(tracesUrl: string, timeoutMs = 1500): Promise<ProbeResult> {
  try {
    const response = await fetch(tracesUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ resourceSpans: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.ok || response.status === 400 || response.status === 415) {
      return { answered: true, detail: `HTTP ${response.status}` };
    }
    return { answered: false, detail: `HTTP ${response.status}: not an OTLP receiver` };
  } catch (error) {
    return { answered: false, detail: describeFetchError(error) };
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return "no answer in time";
  }
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : undefined;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  return code ?? (error instanceof Error ? error.message : String(error));
}
