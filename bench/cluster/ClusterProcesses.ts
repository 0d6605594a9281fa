import { ChildProcess, spawn } from 'child_process';
import path from 'path';
import { processCpuSeconds } from './processCpu';

/** The built `brook` command. */
export const BROOK = path.join(__dirname, '../../actors/brook.js');

/** A child brook process whose output is kept (the tail of it) and can be waited on for a line. */
export class BrookProcess {
  private text = { stdout: '', stderr: '' };
  private readonly waiters: Array<{
    stream: 'stdout' | 'stderr';
    pattern: RegExp;
    from: number;
    resolve: (m: RegExpExecArray) => void;
    reject: (e: Error) => void;
  }> = [];
  /** Offsets below which earlier waits have matched: a later wait for the same line needs a new one. */
  private consumed = { stdout: 0, stderr: 0 };
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]!.on('data', (d: Buffer) => {
        this.text[stream] += d.toString();
        if (this.text[stream].length > 1_000_000) {
          const cut = this.text[stream].length - 200_000;
          this.text[stream] = this.text[stream].slice(cut);
          this.consumed[stream] = Math.max(0, this.consumed[stream] - cut);
          for (const w of this.waiters) if (w.stream === stream) w.from = Math.max(0, w.from - cut);
        }
        this.check();
      });
    }
    this.exited = new Promise((resolve) =>
      child.once('close', (code) => {
        for (const w of this.waiters.splice(0))
          w.reject(new Error(`${name} exited (${code ?? child.signalCode}) before printing ${w.pattern}; stderr: ${this.tail()}`));
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The next line (after what earlier waits matched, or from the start) that matches `pattern`. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 60_000, from: 'next' | 'start' = 'next'): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms; stderr: ${this.tail()}`)), timeoutMs);
      this.waiters.push({
        stream,
        pattern: new RegExp(pattern.source, pattern.flags.replace('g', '') + 'g'),
        from: from === 'start' ? 0 : this.consumed[stream],
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.check();
    });
  }

  cpuSeconds(): number {
    return processCpuSeconds(this.pid);
  }

  tail(chars = 1500): string {
    return this.text.stderr.slice(-chars).trim();
  }

  /** What it printed to stdout so far. */
  get stdout(): string {
    return this.text.stdout;
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.alive && this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private check(): void {
    for (const w of [...this.waiters]) {
      const re = w.pattern;
      re.lastIndex = w.from;
      const m = re.exec(this.text[w.stream]);
      if (m) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        this.consumed[w.stream] = Math.max(this.consumed[w.stream], re.lastIndex);
        w.resolve(m);
      }
    }
  }
}

export function startBrook(name: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): BrookProcess {
  const child = spawn(process.execPath, [BROOK, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  return new BrookProcess(name, child);
}

export interface ClusterOptions {
  readonly taskManagers: number;
  readonly slots: number;
  /** Extra arguments of every JobManager and TaskManager (heartbeats, HA). */
  readonly jobManagerArgs?: readonly string[];
  readonly taskManagerArgs?: readonly string[];
}

/**
 * A local cluster of processes, as `brook cluster start` makes one (a JobManager, N
 * TaskManagers), but started here one by one so that the bench knows every pid, can read each
 * one's CPU time, kill one and start another.
 */
export class LocalCluster {
  readonly taskManagers: BrookProcess[] = [];
  private started = 0;

  private constructor(
    readonly jobManager: BrookProcess,
    readonly address: string,
    readonly restUrl: string,
    private readonly options: ClusterOptions,
  ) {}

  static async start(options: ClusterOptions): Promise<LocalCluster> {
    const jm = startBrook('jobmanager', ['jobmanager', '--port', '0', '--rest-port', '0', ...(options.jobManagerArgs ?? [])]);
    try {
      const [, port, rest] = await jm.waitFor('stderr', /JobManager listening on 127\.0\.0\.1:(\d+), REST API and dashboard at (\S+)/);
      const cluster = new LocalCluster(jm, `127.0.0.1:${port}`, rest.replace(/\/$/, ''), options);
      try {
        await Promise.all(Array.from({ length: options.taskManagers }, () => cluster.addTaskManager()));
      } catch (e) {
        await cluster.stop();
        throw e;
      }
      return cluster;
    } catch (e) {
      await jm.stop();
      throw e;
    }
  }

  /** Starts one more TaskManager and waits until it registered; its REST id is `taskmanager-<id>`. */
  async addTaskManager(): Promise<{ readonly process: BrookProcess; readonly id: string }> {
    const tm = startBrook(`taskmanager-${this.started++}`, [
      'taskmanager',
      '--jobmanager',
      this.address,
      '--slots',
      String(this.options.slots),
      ...(this.options.taskManagerArgs ?? []),
    ]);
    this.taskManagers.push(tm);
    const [, id] = await tm.waitFor('stderr', /TaskManager (\d+) registered/);
    const entry = { process: tm, id: `taskmanager-${id}` };
    this.ids.set(tm, entry.id);
    return entry;
  }

  private readonly ids = new Map<BrookProcess, string>();

  idOf(tm: BrookProcess): string | undefined {
    return this.ids.get(tm);
  }

  /** CPU seconds so far of the JobManager and every live TaskManager. */
  cpuSeconds(): number {
    return [this.jobManager, ...this.taskManagers.filter((t) => t.alive)].reduce((sum, p) => sum + p.cpuSeconds(), 0);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.taskManagers, this.jobManager].map((p) => p.stop()));
  }
}
