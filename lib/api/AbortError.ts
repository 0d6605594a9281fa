/**
 * The job was cancelled through an AbortSignal: what `execute(name, { signal })` rejects with,
 * named as the DOM's AbortError so that code handling aborted fetches handles it too. `cause`
 * is the signal's reason.
 */
export class AbortError extends Error {
  constructor(
    readonly jobName: string,
    override readonly cause: unknown,
  ) {
    super(`job '${jobName}' was cancelled: ${reasonText(cause)}`);
    this.name = 'AbortError';
  }
}

/** A signal's default reason is a DOMException, not an Error in every realm (jest's): read its message anyway. */
function reasonText(reason: unknown): string {
  if (reason === undefined) return 'aborted';
  if (typeof reason === 'object' && reason !== null && typeof (reason as { message?: unknown }).message === 'string')
    return (reason as { message: string }).message;
  return String(reason);
}
