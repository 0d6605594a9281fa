import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import path from 'path';

/**
 * The compiled exactly-once IpCount sample that `npm run ipcount:eo` runs, under the package's
 * dist/ whether this file runs compiled (dist/samples/chaos) or from source (samples/chaos).
 */
export function ipCountExactlyOnceMain(): string {
  let dir = __dirname;
  for (let i = 0; i < 6 && !fs.existsSync(path.join(dir, 'package.json')); i++) dir = path.dirname(dir);
  const main = path.join(dir, 'dist/samples/ipcount-exactly-once/main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  return main;
}
const STDERR_TAIL = 4000;
/** A sample's exit code for arguments it does not accept. */
export const USAGE_EXIT_CODE = 2;

export interface JobExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last few KB the run printed on stderr. */
  readonly stderr: string;
  /** How long the run lived. */
  readonly livedMs: number;
}

/**
 * One run of the sample as a child process, killed with SIGKILL when it outlives `lifetimeMs`
 * (no run of a round may hang the runner).
 */
export class JobProcess {
  readonly exited: Promise<JobExit>;
  readonly startedAt = Date.now();
  private readonly child: ChildProcess;
  private stderr = '';
  private finished = false;

  constructor(main: string, args: readonly string[], lifetimeMs: number) {
    this.child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-STDERR_TAIL);
    });
    const watchdog = setTimeout(() => this.child.kill('SIGKILL'), lifetimeMs);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => {
        this.stderr += `cannot start ${main}: ${e.message}`;
      });
      this.child.once('close', (code, signal) => {
        clearTimeout(watchdog);
        this.finished = true;
        resolve({ code, signal, stderr: this.stderr, livedMs: Date.now() - this.startedAt });
      });
    });
  }

  get running(): boolean {
    return !this.finished;
  }

  async kill(): Promise<JobExit> {
    if (!this.finished) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM: the sample cancels its job and exits 130; SIGKILL after `graceMs`. */
  async cancel(graceMs: number): Promise<JobExit> {
    if (this.finished) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

/** The last line of a run's stderr, for a one-line account of why it ended. */
export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
