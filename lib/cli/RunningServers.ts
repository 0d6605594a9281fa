import fs from 'fs';
import os from 'os';
import path from 'path';

/** A REST API that a `brook run --dashboard` of this user serves, as it announced itself. */
export interface RunningServer {
  readonly url: string;
  readonly pid: number;
  readonly jobName: string;
  readonly startedAt: number;
}

/**
 * Where `brook run --dashboard` says which REST API it serves, so that `brook list`, `cancel`,
 * `savepoint` and `stop` find it without `--url` when it fell back to a free port: one small
 * file per process in a directory of this user under the temp directory (mode 0700). A file
 * whose process is gone is removed when read.
 */
export class RunningServers {
  constructor(readonly directory: string = defaultDirectory()) {}

  /** Announces a server; the returned function withdraws it (also fine after a crash: see list). */
  register(server: RunningServer): () => void {
    fs.mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const file = path.join(this.directory, `rest-${server.pid}-${new URL(server.url).port}.json`);
    const temp = `${file}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(server), { mode: 0o600 });
    fs.renameSync(temp, file);
    return () => fs.rmSync(file, { force: true });
  }

  /** The servers whose process is alive, oldest first. */
  list(): RunningServer[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.directory);
    } catch {
      return [];
    }
    const servers: RunningServer[] = [];
    for (const name of names) {
      if (!/^rest-\d+-\d+\.json$/.test(name)) continue;
      const file = path.join(this.directory, name);
      const server = readServer(file);
      if (server && isAlive(server.pid)) servers.push(server);
      else fs.rmSync(file, { force: true });
    }
    return servers.sort((a, b) => a.startedAt - b.startedAt);
  }
}

function defaultDirectory(): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : os.userInfo().username;
  return path.join(os.tmpdir(), `brook-${user}`);
}

function readServer(file: string): RunningServer | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunningServer>;
    if (typeof s.url === 'string' && typeof s.pid === 'number' && typeof s.jobName === 'string' && typeof s.startedAt === 'number') {
      return { url: s.url, pid: s.pid, jobName: s.jobName, startedAt: s.startedAt };
    }
  } catch {
    // A file being replaced, or not ours: not a server.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
