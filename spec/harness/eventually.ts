/**
 * Polls until `check` holds, for real processes that run on wall time (a test of several OS
 * processes cannot move their clocks); fails naming `what` after `timeoutMs`.
 */
export async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
