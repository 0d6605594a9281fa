import { EventEmitter } from 'events';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { brook } from '../../lib/cli/commands';

describe('brook run, when the job fails', () => {
  it('prints the restart and the failure that ended the job, each once, and exits 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-run-failure-'));
    const file = path.join(dir, 'flaky.js');
    // No backoff: the restart is posted at once, so the run needs no clock to move.
    fs.writeFileSync(
      file,
      `exports.jobName = 'flaky';
exports.defineJob = (env) => {
  env.setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 0 });
  env.fromElements(1, 2, 3).map((x) => { if (x === 2) throw new Error('no twos'); return x; }).name('Check').print();
};
`,
    );
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await brook(
      ['run', file, '-p', '1'],
      { stdout: { write: (s) => void stdout.push(s) }, stderr: { isTTY: false, write: (s: string) => void stderr.push(s) } },
      { signals: new EventEmitter(), cwd: dir },
    );
    const cause = "task 'Source: Collection Source -> Check -> Sink: Print to Std. Out' (subtask 1/1) failed: operator 'Check' failed on record 2: no twos";
    expect(code).toBe(1);
    expect(
      stderr
        .join('')
        .split('\n')
        .filter((l) => l),
    ).toEqual([
      `brook: job 'flaky' is restarting in 0 ms (restart 1 of fixed-delay(1)) after a failure: ${cause}`,
      `brook: job 'flaky' failed after 1 restart: ${cause}`,
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
