import { JobExit, JobProcess, lastLine, USAGE_EXIT_CODE } from './JobProcess';

const RESTART_DELAY_MS = 250;

/**
 * Keeps one run of the sample going, as a process supervisor would: a run that ends on its own
 * (a failed job exits 1) is started again after a short pause, and resumes from its latest
 * checkpoint. The runner's own kills hold the job down until `resume`. Every run ends within
 * its lifetime; the count of runs that ended on their own is bounded by `maxOwnExits`, and a
 * run that refused its arguments is not started again.
 */
export class JobSupervisor {
  private current: JobProcess | undefined;
  private wanted = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  runs = 0;
  /** Why each run that ended on its own ended: `exit CODE: last stderr line`. */
  readonly ownExits: string[] = [];

  constructor(
    private readonly start: () => JobProcess,
    private readonly maxOwnExits: number,
  ) {}

  /** Set once runs kept ending on their own more than `maxOwnExits` times. */
  get gaveUp(): Error | undefined {
    return this.failure;
  }

  resume(): void {
    this.wanted = true;
    if (!this.current?.running && this.restartTimer === undefined && !this.failure) this.launch();
  }

  /** SIGKILLs the current run (if any) and keeps the job down until `resume`. */
  async killAndHold(): Promise<void> {
    this.hold();
    if (this.current?.running) await this.current.kill();
  }

  /** Cancels the current run with SIGTERM (as Ctrl-C would) and keeps the job down. */
  async cancelAndHold(graceMs: number): Promise<JobExit | undefined> {
    this.hold();
    return this.current?.running ? this.current.cancel(graceMs) : undefined;
  }

  private hold(): void {
    this.wanted = false;
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private launch(): void {
    const run = this.start();
    this.current = run;
    this.runs++;
    void run.exited.then((exit) => {
      if (!this.wanted || this.current !== run) return; // killed or cancelled by the runner
      const why = exit.code === USAGE_EXIT_CODE ? exit.stderr.trim().split('\n')[0] : lastLine(exit.stderr);
      this.ownExits.push(`${exit.signal ?? `exit ${exit.code}`}: ${why}`);
      if (exit.code === USAGE_EXIT_CODE) {
        this.failure = new Error(`the sample refused its arguments: ${exit.stderr.trim().split('\n')[0]}`);
        return;
      }
      if (this.ownExits.length > this.maxOwnExits) {
        this.failure = new Error(`the job ended on its own ${this.ownExits.length} times; last: ${exit.stderr.trim()}`);
        return;
      }
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.wanted) this.launch();
      }, RESTART_DELAY_MS);
    });
  }
}
