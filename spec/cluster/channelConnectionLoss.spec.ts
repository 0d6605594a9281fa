import { EventEmitter } from 'events';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobManagerProcess } from '../../actors/processes/JobManagerProcess';
import { TaskManagerProcess } from '../../actors/processes/TaskManagerProcess';
import { runOnJobManager } from '../../lib/cli/remoteRun';
import { FramedConnection } from '../../lib/cluster/net/FramedConnection';
import { committedLines as lines } from '../harness/fileSinkOutput';
import { eventually } from '../harness/eventually';

/**
 * A JobManager and two TaskManagers in this process, over loopback TCP, running a checkpointed
 * job into a FileSink. The channel connection between the TaskManagers drops while both live:
 * the job fails over (the connection is made again only when the next attempt is deployed), and
 * the output is exactly once.
 */

/** Reaches into a TaskManager's channel connections (PeerConnections) to drop one. */
interface PeerInternals {
  readonly peers: { readonly peers: Map<number, { connection: FramedConnection<unknown, unknown> | undefined }> };
}

describe('a channel connection between two live TaskManager processes that drops', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-channel-loss-'));
  let jm: JobManagerProcess;
  const tms: TaskManagerProcess[] = [];

  beforeAll(async () => {
    jm = await JobManagerProcess.start({ port: 0 });
    for (let i = 0; i < 2; i++) {
      const tm = await TaskManagerProcess.start({ jobManagerHost: '127.0.0.1', jobManagerPort: jm.port, slots: 1 });
      await tm.registered;
      tms.push(tm);
    }
  });

  afterAll(async () => {
    for (const tm of tms) tm.stop();
    await Promise.all(tms.map((tm) => tm.closed));
    await jm.shutdown();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it.each(['mid-job', 'as soon as the job is submitted'])(
    'fails over the job, which reconnects at its next deployment and ends exactly once (dropped %s)',
    async (when) => {
      const dir = path.join(work, when.replace(/ /g, '-'));
      fs.mkdirSync(dir);
      const jobFile = path.join(dir, 'job.js');
      fs.writeFileSync(
        jobFile,
        `const { DataGeneratorSource, FileSink } = require(${JSON.stringify(path.join(__dirname, '../../actors/index.ts'))});
exports.defineJob = (env, { args }) => {
  env.enableCheckpointing(50, 'EXACTLY_ONCE');
  env.getCheckpointConfig().setCheckpointStorage(args[1]);
  env.setRestartStrategy({ type: 'fixed-delay', attempts: 2, delayMs: 50 });
  env
    .fromSource(new DataGeneratorSource((i) => i, 2000, { recordsPerSecond: 1000 }), undefined, 'Numbers')
    .uid('source')
    .keyBy((n) => n % 7)
    .map((n) => 'n' + n)
    .uid('map')
    .sinkTo(new FileSink(args[0]))
    .uid('sink');
};
`,
      );
      const out = path.join(dir, 'out');
      let stderr = '';
      const run = runOnJobManager(
        { host: '127.0.0.1', port: jm.port, file: jobFile, args: [out, path.join(dir, 'checkpoints')], parallelism: 2, savepoint: undefined },
        { stdout: { write: () => undefined }, stderr: { write: (s: string) => (stderr += s) } },
        new EventEmitter(),
      );
      await eventually(() => (when === 'mid-job' ? lines(out).length > 0 : stderr.includes('submitted')), when);
      const peer = (tms[1] as unknown as PeerInternals).peers.peers.get(0);
      expect(peer?.connection?.isOpen).toBe(true);
      peer!.connection!.socket.destroy();
      const code = await run;
      expect(code).toBe(0);
      expect(stderr).toMatch(/finished in \d+ ms .*1 restarts\)/);
      expect(lines(out)).toEqual(Array.from({ length: 2000 }, (_, i) => `n${i}`).sort());
    },
  );
});
