import fs from 'fs';
import path from 'path';
import { BrookProcess, startBrook } from './ClusterProcesses';
import { LocalEtcd } from './etcd';
import { caughtUp, CheckpointSample, checkpointSample, KEYED_JOB, keyedJobArgs, nextCheckpoint } from './recovery';
import { JobRest, pollUntil, runningJob, sleep } from './rest';

export interface FailoverSettings {
  readonly kills: number;
  readonly keys: number;
  readonly rate: number;
  readonly checkpointIntervalMs: number;
  /** --lease-ttl of the JobManagers: how long a dead leader keeps its lease. */
  readonly leaseTtlSeconds: number;
  readonly workDir: string;
}

/** One JobManager failover, in ms from the kill -9 of the leader. */
export interface FailoverSample {
  /** Until the standby says it leads (its lease expired in etcd, the standby won the election). */
  readonly leadsMs: number;
  /** Until the new leader lists the job RUNNING with every subtask running (restored from the pointer in etcd). */
  readonly runningMs: number;
  /** Until every sink subtask of the new attempt took a record due at the kill or later (the job's progress files). */
  readonly caughtUpMs: number;
}

interface JobManager {
  readonly process: BrookProcess;
  readonly restUrl: string;
}

/**
 * JobManager failover with --ha: a 3-member etcd, two JobManagers, 3 TaskManagers of one slot
 * (all with --ha), the keyed-counts job at parallelism 2. Each round kills -9 the leader,
 * measures until the standby leads and the job runs again and has caught up, then starts the
 * killed one again as the new standby and waits for a checkpoint under the new leader.
 */
export async function measureFailover(
  s: FailoverSettings,
  log: (line: string) => void,
): Promise<{ samples: FailoverSample[]; checkpoints: CheckpointSample[] }> {
  const etcd = await LocalEtcd.start();
  const processes: BrookProcess[] = [];
  const ha = ['--ha', etcd.haUrl, '--cluster-id', 'bench'];
  const startJobManager = async (i: number): Promise<JobManager> => {
    const p = startBrook(`jobmanager-${i}`, [
      'jobmanager',
      ...ha,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--rest-port',
      '0',
      '--lease-ttl',
      String(s.leaseTtlSeconds),
    ]);
    processes.push(p);
    const [, rest] = await p.waitFor('stderr', /REST API and dashboard at (\S+?)\/?,/);
    return { process: p, restUrl: rest };
  };
  const samples: FailoverSample[] = [];
  const checkpoints = new Map<number, CheckpointSample>();
  try {
    const jms = [await startJobManager(0), await startJobManager(1)];
    const leads = (jm: JobManager): Promise<unknown> => jm.process.waitFor('stderr', /this JobManager leads/, 600_000, 'start');
    let leader = await Promise.race(jms.map((jm) => leads(jm).then(() => jm)));
    for (let i = 0; i < 3; i++) {
      const tm = startBrook(`taskmanager-${i}`, ['taskmanager', ...ha, '--slots', '1']);
      processes.push(tm);
      await tm.waitFor('stderr', /TaskManager \d+ registered/);
    }
    const dir = fs.mkdtempSync(path.join(s.workDir, 'failover-'));
    const start = Date.now();
    const progress = fs.mkdtempSync(path.join(s.workDir, 'failover-progress-'));
    processes.push(startBrook('brook run', ['run', ...ha, KEYED_JOB, '-p', '2', '--', ...keyedJobArgs(s, start, dir, progress)]));
    let rest = new JobRest(leader.restUrl, await runningJob(leader.restUrl));
    await sleep(Math.max(0, start + (s.keys / s.rate) * 1000 - Date.now()));
    await nextCheckpoint(rest, await nextCheckpoint(rest, 0, 120_000), 120_000);
    for (let k = 0; k < s.kills; k++) {
      for (const c of (await rest.checkpoints()).history) checkpoints.set(c.id, checkpointSample(c));
      const standby = jms.find((jm) => jm !== leader)!;
      const standbyLeads = leads(standby);
      const killedAt = Date.now();
      await leader.process.kill('SIGKILL');
      await standbyLeads;
      const ledAt = Date.now();
      // The new leader lists the recovered job under an id of its own in REST.
      rest = new JobRest(standby.restUrl, await runningJob(standby.restUrl, 120_000));
      const runningAt = await pollUntil('the job running under the new leader', async () => ((await rest.allRunning()) ? Date.now() : undefined), 120_000);
      const caughtUpAt = await pollUntil('the job to catch up', async () => (caughtUp(progress, 2, ledAt, killedAt) ? Date.now() : undefined), 300_000);
      const sample = { leadsMs: ledAt - killedAt, runningMs: runningAt - killedAt, caughtUpMs: caughtUpAt - killedAt };
      samples.push(sample);
      log(
        `  JobManager kill ${k + 1}/${s.kills}: the standby leads after ${sample.leadsMs} ms, the job runs after ${sample.runningMs} ms, caught up after ${sample.caughtUpMs} ms`,
      );
      const replaced = jms.indexOf(leader);
      jms[replaced] = await startJobManager(replaced + 2 * (k + 1));
      leader = standby;
      await nextCheckpoint(rest, (await rest.checkpoints()).latest.completed?.id ?? 0, 120_000);
    }
    for (const c of (await rest.checkpoints()).history) checkpoints.set(c.id, checkpointSample(c));
    return { samples, checkpoints: [...checkpoints.values()] };
  } finally {
    await Promise.all(processes.map((p) => p.stop(2000)));
    await etcd.stop();
  }
}
