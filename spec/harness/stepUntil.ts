import { JobHarness } from './JobHarness';

/**
 * Steps the job's clock `stepMs` at a time, letting real I/O (Redis) and the actors run in
 * between, until `done` holds; fails after `wallMs` of real time. Not JobHarness.advance: while
 * Redis is down a connector's work stays pending, so the cluster never settles.
 */
export async function stepUntil(h: JobHarness, stepMs: number, done: () => boolean | Promise<boolean>, what: string, wallMs = 20_000): Promise<void> {
  const deadline = Date.now() + wallMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    h.clock.advance(stepMs);
    await new Promise((r) => setTimeout(r, 5));
  }
}
