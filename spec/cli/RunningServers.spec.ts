import fs from 'fs';
import os from 'os';
import path from 'path';
import { spawnSync } from 'child_process';
import { RunningServers } from '../../lib/cli/RunningServers';

describe('running REST servers of this user', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-servers-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists what live processes announced, oldest first, and forgets a server once withdrawn', () => {
    const servers = new RunningServers(path.join(dir, 'brook-1000'));
    expect(servers.list()).toEqual([]);
    const late = { url: 'http://127.0.0.1:40001/', pid: process.pid, jobName: 'B', startedAt: 2000 };
    const early = { url: 'http://127.0.0.1:8081/', pid: process.pid, jobName: 'A', startedAt: 1000 };
    const withdrawLate = servers.register(late);
    const withdrawEarly = servers.register(early);
    expect(servers.list()).toEqual([early, late]);
    expect(fs.statSync(servers.directory).mode & 0o777).toBe(0o700);
    withdrawEarly();
    expect(servers.list()).toEqual([late]);
    withdrawLate();
    expect(servers.list()).toEqual([]);
  });

  it('drops the file of a process that is gone (killed before it could withdraw) and ignores files not its own', () => {
    const servers = new RunningServers(dir);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    servers.register({ url: 'http://127.0.0.1:40002/', pid: dead, jobName: 'gone', startedAt: 1 });
    fs.writeFileSync(path.join(dir, 'rest-1-2.json'), 'not json');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'kept');
    expect(servers.list()).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });
});
