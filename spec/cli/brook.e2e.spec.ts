import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobPlanBody, JobsOverviewBody } from '../../lib/rest/RestTypes';
import { getJson, request } from '../harness/httpGet';
import { LineFeed } from '../harness/LineFeed';
import { ROOT, runScript, waitForOutput } from '../harness/processes';
import { SEED_EXPLAIN, SEED_LOG, SEED_TABLE } from '../samples/seedLesson';

const BROOK = 'actors/brook.js';
const JOB = 'dist/samples/ipcount/IpCountJob.js';

const brook = (...args: string[]) => runScript(BROOK, args);

describe('the brook command', () => {
  it("is the package's bin: an executable node script after the build", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const bin = path.join(ROOT, manifest.bin.brook);
    expect(path.relative(ROOT, bin)).toBe(path.join('dist', BROOK));
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('explains the IpCount job file as the lesson draws it', async () => {
    const r = await brook('explain', JOB, '-p', '4').done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${SEED_EXPLAIN}\n`);
  });

  it('runs a job file to the end; piped, it prints only the job output and a summary, no progress', async () => {
    const r = await brook('run', JOB, '-p', '4', '--', '--file', SEED_LOG).done;
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual([...SEED_TABLE].sort());
    expect(r.stderr).toMatch(/^brook: job 'Socket Window IpCount' finished in \d+ ms \(0 malformed records skipped, 0 late records dropped\)\n$/);
  });

  it('serves the dashboard while the job runs; brook list shows the job and brook cancel cancels it', async () => {
    const feed = new LineFeed();
    const port = await feed.start();
    const run = brook('run', JOB, '-p', '2', '--dashboard', '0', '--allow-cancel', '--', '--port', String(port));
    try {
      const [, url] = await waitForOutput(run.child, 'stderr', /dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/);
      await feed.write(['18:40:10 192.168.1.2']);
      const list = await brook('list', '--url', url).done;
      expect(list.code).toBe(0);
      const [header, row] = list.stdout.trim().split('\n');
      expect(header).toMatch(/^JOB ID\s+STATUS\s+STARTED \(UTC\)\s+DURATION\s+NAME$/);
      const [jobId, status] = row.split(/\s+/);
      expect(jobId).toMatch(/^[0-9a-f]{32}$/);
      expect(status).toBe('RUNNING');
      expect(row).toMatch(/Socket Window IpCount$/);

      const unknown = await brook('cancel', '0123456789abcdef0123456789abcdef', '--url', url).done;
      expect(unknown).toMatchObject({
        code: 1,
        stderr: 'brook: cannot cancel job 0123456789abcdef0123456789abcdef: no job with id 0123456789abcdef0123456789abcdef\n',
      });

      const cancel = await brook('cancel', jobId, '--url', url).done;
      expect(cancel).toMatchObject({ code: 0, stdout: `cancelling job ${jobId}\n` });
      const finished = await run.done;
      expect(finished.code).toBe(1);
      expect(finished.stderr).toContain('brook: job cancelled');
    } finally {
      run.child.kill();
      await feed.close();
    }
  });

  it('says when no brook process serves the REST API', async () => {
    const r = await brook('list', '--url', 'http://127.0.0.1:1').done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^brook: no brook REST API at http:\/\/127\.0\.0\.1:1 .*start a job with `brook run <job file> --dashboard`/);
  });

  it('answers bad usage with exit code 2 and the usage', async () => {
    for (const args of [['frobnicate'], ['run'], ['run', JOB, '-p', 'zero'], ['list', '--url', 'ftp://x'], ['explain', JOB, '--nope']]) {
      const r = await brook(...args).done;
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toContain('usage: brook <command> [options]');
    }
    const help = await brook('help').done;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('brook run <job file> [-p N] [--dashboard [port]]');
  });

  it('runs a TypeScript job file without a build, and an ES module job file with top-level await', async () => {
    const ts = await brook('run', 'samples/ipcount/IpCountJob.ts', '-p', '4', '--', '--file', SEED_LOG).done;
    expect(ts.code).toBe(0);
    expect(ts.stdout.trim().split('\n').sort()).toEqual([...SEED_TABLE].sort());

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-esm-job-'));
    try {
      const job = path.join(dir, 'job.mjs');
      const brookEntry = JSON.stringify(path.join(ROOT, 'dist', 'actors', 'index.js'));
      fs.writeFileSync(
        job,
        `import brook from ${brookEntry};\nconst words = await Promise.resolve(['b', 'a', 'b']);\nexport const jobName = 'Words';\n` +
          `export function defineJob(env) { env.fromElements(...words).map((w) => w.toUpperCase()).print(); }\nvoid brook;\n`,
      );
      const esm = await brook('run', job, '-p', '1').done;
      expect(esm.stderr).toMatch(/^brook: job 'Words' finished in \d+ ms/);
      expect(esm.stdout).toBe('B\nA\nB\n');
      expect(esm.code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm start prints the dashboard URL, and the REST API there shows the running IpCount job as the lesson draws it', async () => {
    const demo = runScript('samples/ipcount/main.js', ['--demo']);
    try {
      const [, url] = await waitForOutput(demo.child, 'stdout', /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/);
      const page = await request(url, '/');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<title>brook dashboard</title>');
      const { jobs } = await getJson<JobsOverviewBody>(url, '/jobs/overview');
      // The URL is printed as the job is submitted: it may still be deploying.
      expect(jobs.map((j) => j.name)).toEqual(['Socket Window IpCount']);
      expect(['CREATED', 'RUNNING']).toContain(jobs[0].state);
      const { plan } = await getJson<JobPlanBody>(url, `/jobs/${jobs[0].jid}/plan`);
      expect(plan.nodes.map((n) => [n.parallelism, (n.inputs ?? []).map((i) => i.ship_strategy)])).toEqual([
        [1, []],
        [4, ['REBALANCE']],
        [4, ['HASH']],
      ]);
    } finally {
      demo.child.kill('SIGINT');
    }
    expect((await demo.done).code).toBe(0);
  });
});
