import http from 'http';
import { CheckpointsBody, JobDetailsBody, JobExceptionsBody, JobsOverviewBody, JobSummary, VertexDetailsBody } from '../../lib/rest/RestTypes';

/** GET `url + route` as JSON; rejects on a status other than 200 or after `timeoutMs`. */
export function getJson<T>(url: string, route: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}${route}`, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${route}: ${res.statusCode} ${body.slice(0, 200)}`));
        try {
          resolve(JSON.parse(body) as T);
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${route}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** The REST views of one job the recovery benchmarks read. */
export class JobRest {
  constructor(
    readonly url: string,
    readonly jobId: string,
  ) {}

  /** The longest a GET /jobs/:id took since the last `resetSlowest`. */
  slowestDetailsMs = 0;

  details = async (): Promise<JobDetailsBody> => {
    const sent = Date.now();
    try {
      return await getJson<JobDetailsBody>(this.url, `/jobs/${this.jobId}`, 20_000);
    } finally {
      this.slowestDetailsMs = Math.max(this.slowestDetailsMs, Date.now() - sent);
    }
  };

  /** The job's line of GET /jobs/overview: answered from the JobManager's own view, without asking the TaskManagers. */
  summary = async (): Promise<JobSummary | undefined> => (await getJson<JobsOverviewBody>(this.url, '/jobs/overview')).jobs.find((j) => j.jid === this.jobId);

  /** Every subtask RUNNING, as GET /jobs/overview counts them. */
  allRunning = async (): Promise<boolean> => {
    const s = await this.summary();
    return s !== undefined && s.state === 'RUNNING' && s.tasks.total > 0 && s.tasks.running === s.tasks.total;
  };
  checkpoints = (): Promise<CheckpointsBody> => getJson<CheckpointsBody>(this.url, `/jobs/${this.jobId}/checkpoints`);
  exceptions = (): Promise<JobExceptionsBody> => getJson<JobExceptionsBody>(this.url, `/jobs/${this.jobId}/exceptions`);

  /** The TaskManager ids that run a subtask of the job now. */
  async taskManagersInUse(): Promise<Set<string>> {
    const job = await this.details();
    const used = new Set<string>();
    for (const v of job.vertices) {
      const body = await getJson<VertexDetailsBody>(this.url, `/jobs/${this.jobId}/vertices/${v.id}`);
      for (const s of body.subtasks) if (s.status === 'RUNNING') used.add(s['taskmanager-id']);
    }
    return used;
  }
}

/** The id of the first job the JobManager at `url` lists as RUNNING, waiting up to `timeoutMs`. */
export async function runningJob(url: string, timeoutMs = 60_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const body = await getJson<JobsOverviewBody>(url, '/jobs/overview');
      const job = body.jobs.find((j) => j.state === 'RUNNING');
      if (job) return job.jid;
    } catch {
      // not answering yet
    }
    if (Date.now() > until) throw new Error(`no running job at ${url} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` every `everyMs` until one answer is a value, or throws after `timeoutMs`.
 * Probes overlap (at most `inFlight` at once): a slow REST answer must not hold back a later
 * probe, or the moment measured would be that answer's rather than the job's. (Probes of one job's
 * views share the JobManager's query in flight: they cannot overtake a query that waits.)
 */
export function pollUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 20, inFlight = 8): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const until = Date.now() + timeoutMs;
    let running = 0;
    let done = false;
    let last: unknown;
    const finish = (f: () => void): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      f();
    };
    const tick = (): void => {
      if (Date.now() > until) return finish(() => reject(new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`)));
      if (running >= inFlight) return;
      running++;
      probe().then(
        (v) => {
          running--;
          if (v !== undefined) finish(() => resolve(v));
        },
        (e: unknown) => {
          running--;
          last = e;
        },
      );
    };
    const timer = setInterval(tick, everyMs);
    tick();
  });
}
