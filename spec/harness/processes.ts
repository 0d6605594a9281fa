import { ChildProcess, spawn } from 'child_process';
import path from 'path';

export const ROOT = path.join(__dirname, '../..');

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ScriptOptions {
  /** The working directory (the repository by default). */
  readonly cwd?: string;
  /** Variables added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs a compiled script of this package (under dist/) with node; collects its output. */
export function runScript(script: string, args: readonly string[], options: ScriptOptions = {}): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', script), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** Resolves with the first match of `pattern` in what the stream printed so far. */
export function waitForOutput(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString();
      const m = pattern.exec(text);
      if (m) {
        child[stream]!.off('data', onData);
        resolve(m);
      }
    };
    child[stream]!.on('data', onData);
    child.once('close', () => reject(new Error(`process exited before printing ${pattern}: ${text}`)));
  });
}
