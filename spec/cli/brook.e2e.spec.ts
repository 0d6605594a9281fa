import { spawn } from 'child_process';
import fs from 'fs';
import http from 'http';
import { AddressInfo } from 'net';
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

  it('answers bad usage with exit code 2 and one line saying what is wrong, --help with the options', async () => {
    const cases: Array<[string[], string]> = [
      [['frobnicate'], "brook: unknown command 'frobnicate'\nRun 'brook --help' for the commands.\n"],
      [['lsit'], "brook: unknown command 'lsit' (did you mean list?)\nRun 'brook --help' for the commands.\n"],
      [['run'], "brook: brook run needs a job file\nRun 'brook run --help' for its options.\n"],
      [['run', JOB, '-p', 'zero'], "brook: -p needs a positive integer, got 'zero'\nRun 'brook run --help' for its options.\n"],
      [['list', '--url', 'ftp://x'], "brook: --url needs an http:// URL, got 'ftp://x'\nRun 'brook list --help' for its options.\n"],
      [
        ['explain', JOB, '--paralelism=2'],
        "brook: unknown option '--paralelism' for brook explain (did you mean --parallelism?)\nRun 'brook explain --help' for its options.\n",
      ],
    ];
    for (const [args, stderr] of cases) {
      const r = await brook(...args).done;
      expect([args, r.code, r.stderr]).toEqual([args, 2, stderr]);
    }
    const help = await brook('--help').done;
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: brook <command> \[options\]\n/);
    expect(help.stdout).toMatch(/\n {2}stop +Stops a job with a savepoint/);
    const runHelp = await brook('run', '--help').done;
    expect(runHelp.stdout).toMatch(/^usage: brook run <job file> \[options\] \[-- job args\]\n/);
    expect(runHelp.stdout).toContain('-s, --from-savepoint PATH');
    const version = await brook('--version').done;
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `brook ${manifest.version}\n` });
  });

  it('lists and cancels nothing on a REST API that is not brook (a Flink cluster on 8081)', async () => {
    const requests: string[] = [];
    const flink = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/config' ? JSON.stringify({ 'refresh-interval': 3000, 'flink-version': '1.20.0', features: {} }) : JSON.stringify({ jobs: [] }));
    });
    await new Promise<void>((resolve) => flink.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(flink.address() as AddressInfo).port}`;
    try {
      for (const args of [['list'], ['cancel', '0123456789abcdef0123456789abcdef'], ['savepoint', '0123456789abcdef0123456789abcdef', '/tmp/sp']]) {
        const r = await brook(...args, '--url', url).done;
        expect([args, r.code, r.stderr]).toEqual([
          args,
          1,
          `brook: ${url} is a Flink REST API (Flink 1.20.0), not brook: nothing was done there; pass --url with the address \`brook run --dashboard\` printed\n`,
        ]);
      }
      expect(requests).toEqual(['GET /config', 'GET /config', 'GET /config']);
    } finally {
      await new Promise((resolve) => flink.close(resolve));
    }
  });

  it('takes a savepoint, stops a job with one and starts from it, with settings from brook.config.json and no --url', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-savepoints-'));
    // The temp directory is where brook run announces its REST API and brook list looks for it.
    const inHome = { cwd: home, env: { TMPDIR: home } };
    const job = path.join(ROOT, JOB);
    fs.writeFileSync(
      path.join(home, 'brook.config.json'),
      JSON.stringify({ parallelism: 2, checkpoints: { interval: 500, directory: 'checkpoints' }, savepoints: { directory: 'savepoints' } }),
    );
    const brookIn = (...args: string[]) => runScript(BROOK, args, inHome);
    const first = new LineFeed();
    const firstPort = await first.start();
    const run = brookIn('run', job, '--dashboard', '0', '--allow-savepoint', '--', '--port', String(firstPort));
    try {
      await waitForOutput(run.child, 'stderr', /dashboard at http/);
      await first.write(['18:40:10 192.168.1.2', '18:40:11 192.168.1.2', '18:40:12 192.168.1.3']);
      const list = await brookIn('list').done;
      expect(list.code).toBe(0);
      const jobId = list.stdout.trim().split('\n')[1].split(/\s+/)[0];
      expect(jobId).toMatch(/^[0-9a-f]{32}$/);

      const savepoint = await brookIn('savepoint', jobId).done;
      expect(savepoint.stderr).toBe('');
      expect(savepoint.code).toBe(0);
      expect(savepoint.stdout).toMatch(/Savepoint completed/);
      const [, taken] = /Savepoint completed\. Path: (.+)\n$/.exec(savepoint.stdout)!;
      expect(path.dirname(taken)).toBe(path.join(home, 'savepoints'));

      const stop = await brookIn('stop', jobId, '--savepoint-path', path.join(home, 'stopped')).done;
      expect(stop.code).toBe(0);
      const [, stopped] = /Savepoint completed\. Path: (.+)\n$/.exec(stop.stdout)!;
      expect(path.dirname(stopped)).toBe(path.join(home, 'stopped'));
      const ended = await run.done;
      expect(ended.code).toBe(0);
      expect(ended.stderr).toContain(`brook: configuration from ${path.join(home, 'brook.config.json')}`);
      // Stopped without draining: the open window did not fire.
      expect(ended.stdout).toBe('');
      expect(fs.readdirSync(path.join(home, `brook-${process.getuid!()}`))).toEqual([]);

      const second = new LineFeed();
      const secondPort = await second.start();
      const resumed = brookIn('run', job, '-s', stopped, '--', '--port', String(secondPort));
      await second.write(['18:40:13 192.168.1.2']);
      await second.close();
      const done = await resumed.done;
      expect(done.code).toBe(0);
      // The window holds the three records of 192.168.1.2 of both runs: the state came back.
      expect(
        done.stdout
          .trim()
          .split('\n')
          .map((l) => l.replace(/^\d> \S+ /, ''))
          .sort(),
      ).toEqual(['192.168.1.2 3', '192.168.1.3 1']);
    } finally {
      run.child.kill();
      await first.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

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

  it('ends an unbounded job cleanly when the reader of its output goes away (| head -3), with exit status 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-head-'));
    try {
      const job = path.join(dir, 'endless.mjs');
      fs.writeFileSync(job, `export const jobName = 'Endless';\nexport function defineJob(env) { env.fromGenerator((i) => 'line ' + i, Infinity).print(); }\n`);
      const script = `set -o pipefail; ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'dist', BROOK))} run ${JSON.stringify(job)} -p 1 | head -3`;
      const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stdout).toBe('line 0\nline 1\nline 2\n');
      expect(stderr).toBe('brook: the output was closed by its reader; job cancelled\n');
      expect(code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

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
