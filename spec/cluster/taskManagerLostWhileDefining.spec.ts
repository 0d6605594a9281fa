import { EventEmitter } from 'events';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobManagerProcess } from '../../actors/processes/JobManagerProcess';
import { FromTaskManager, ToTaskManager } from '../../actors/processes/protocol';
import { TaskManagerProcess } from '../../actors/processes/TaskManagerProcess';
import { runOnJobManager } from '../../lib/cli/remoteRun';
import { connect, FramedConnection } from '../../lib/cluster/net/FramedConnection';

/**
 * A JobManager and a TaskManager in this process, over loopback TCP, and a second TaskManager
 * that dies (its connection drops) while the JobManager asks it to define a submitted job, as a
 * TaskManager killed -9 while a new leader recovers the job does. A lost TaskManager did not
 * refuse the job: the job runs on the TaskManager that is left.
 */
describe('a TaskManager lost while the JobManager has it define a job', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-lost-defining-'));
  let jm: JobManagerProcess;
  let tm: TaskManagerProcess;
  let dying: FramedConnection<ToTaskManager, FromTaskManager> | undefined;

  beforeAll(async () => {
    jm = await JobManagerProcess.start({ port: 0 });
    tm = await TaskManagerProcess.start({ jobManagerHost: '127.0.0.1', jobManagerPort: jm.port, slots: 2 });
    await tm.registered;
  });

  afterAll(async () => {
    dying?.socket.destroy();
    tm.stop();
    await tm.closed;
    await jm.shutdown();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('is left out, and the job runs on the others', async () => {
    // A TaskManager that registers, then drops its connection when asked to define the job.
    dying = await connect<ToTaskManager, FromTaskManager>('127.0.0.1', jm.port);
    const registered = new Promise<void>((resolve) =>
      dying!.onMessage((m) => {
        if (m.type === 'registered') resolve();
        if (m.type === 'defineJob') dying!.socket.destroy();
      }),
    );
    dying.send({ type: 'register', slots: 2, dataHost: '127.0.0.1', dataPort: 1 });
    await registered;

    const jobFile = path.join(work, 'job.js');
    const out = path.join(work, 'out');
    fs.writeFileSync(
      jobFile,
      `const { DataGeneratorSource, FileSink } = require(${JSON.stringify(path.join(__dirname, '../../actors/index.ts'))});
exports.defineJob = (env, { args }) => {
  env.enableCheckpointing(50, 'EXACTLY_ONCE');
  env.getCheckpointConfig().setCheckpointStorage(args[1]);
  env.fromSource(new DataGeneratorSource((i) => 'n' + i, 100), undefined, 'Numbers').uid('source').sinkTo(new FileSink(args[0])).uid('sink');
};
`,
    );
    let stderr = '';
    const code = await runOnJobManager(
      { host: '127.0.0.1', port: jm.port, file: jobFile, args: [out, path.join(work, 'checkpoints')], parallelism: 2, savepoint: undefined },
      { stdout: { write: () => undefined }, stderr: { write: (s: string) => (stderr += s) } },
      new EventEmitter(),
    );
    expect(stderr).not.toMatch(/refused/);
    expect(code).toBe(0);
    const lines = fs
      .readdirSync(out)
      .filter((f) => f.startsWith('part-'))
      .flatMap((f) => fs.readFileSync(path.join(out, f), 'utf8').split('\n'))
      .filter((l) => l !== '');
    expect(lines.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `n${i}`).sort());
  });
});
