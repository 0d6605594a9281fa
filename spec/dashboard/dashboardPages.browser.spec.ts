import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobManagerGateway } from '../../actors/JobManagerGateway';
import { RestServer } from '../../lib/rest/RestServer';
import { JobDetailsBody } from '../../lib/rest/RestTypes';
import { BrowserHarness } from '../harness/BrowserHarness';
import { getJson } from '../harness/httpGet';
import { JobHarness } from '../harness/JobHarness';
import { LineFeed } from '../harness/LineFeed';
import { ROOT, runScript, waitForOutput } from '../harness/processes';

jest.setTimeout(120_000);

/** Every answer of 400 or more the page received, and every console error it logged. */
async function watchFailures(browser: BrowserHarness): Promise<string[]> {
  // Leave the previous test's page first: its server is gone, and its refreshes would fail.
  await browser.page.goto('about:blank');
  const failures: string[] = [];
  browser.page.on('response', (r) => {
    if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
  });
  browser.page.on('console', (m) => {
    if (m.type() === 'error') failures.push(`console: ${m.text()}`);
  });
  browser.page.on('pageerror', (e) => failures.push(`page: ${e.message}`));
  return failures;
}

describe('dashboard pages in Chromium', () => {
  let browser: BrowserHarness;

  beforeAll(async () => {
    browser = await BrowserHarness.launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe('a job that checkpoints, on a manual clock', () => {
    let h: JobHarness;
    let server: RestServer;
    let url: string;
    let dir: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-dashboard-'));
      h = new JobHarness({ parallelism: 2 });
      h.env.enableCheckpointing(1000);
      h.env.getCheckpointConfig().setCheckpointStorage(path.join(dir, 'checkpoints'));
      h.env
        .fromGenerator((i) => ({ key: i % 3, n: 1 }), Number.POSITIVE_INFINITY, { recordsPerSecond: 50 })
        .keyBy((r) => r.key)
        .reduce((a, b) => ({ key: a.key, n: a.n + b.n }))
        .addSink(() => undefined);
      await h.start('Counting');
      server = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), {
        port: 0,
        refreshIntervalMs: 100,
        enableCancel: true,
        enableSavepoint: true,
      });
      url = await server.start();
    });

    afterAll(async () => {
      await server?.close();
      await h?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Moves the job's clock on until the page shows `selector` (the page refreshes on its own). */
    async function advanceUntilShown(selector: string): Promise<void> {
      for (let i = 0; i < 300; i++) {
        if (await browser.page.$(selector)) return;
        await h.advance(200);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`the page never showed ${selector}`);
    }

    it('draws records per second, watermark lag and busy/backpressure over time, times in one UTC format, without a failed request', async () => {
      const failures = await watchFailures(browser);
      await browser.page.goto(url);
      await browser.page.waitForSelector('svg.dag g.node[data-vertex-id="2"]');
      await advanceUntilShown('#chart-throughput[data-points="5"]');
      expect(await browser.page.$$eval('#charts canvas', (cs) => cs.length)).toBe(3);
      expect(await browser.page.textContent('#chart-throughput')).toContain('Task 1');
      // One time format everywhere: UTC, YYYY-MM-DD HH:mm:ss.SSS.
      expect(await browser.page.textContent('#job-header .meta')).toMatch(/started 1970-01-01 00:00:00\.000 UTC · running for/);
      expect(await browser.page.textContent('#updated')).toMatch(/^updated 1970-01-01 00:00:\d\d\.\d{3} UTC$/);
      // Each task's box is coloured as Flink colours it: by busy time or by backpressure.
      const colours = await browser.page.$$eval('svg.dag g.node', (gs) =>
        gs.map((g) => [g.getAttribute('data-colour'), (g.querySelector('rect.box') as unknown as { style: { fill: string } }).style.fill]),
      );
      for (const [kind, fill] of colours) {
        expect(['busy', 'backpressured', 'idle']).toContain(kind);
        expect(fill).not.toBe('');
      }
      // The checkpoints panel is shown; no request failed (no 404 for anything).
      await browser.page.waitForSelector('#checkpoints:has-text("completed")');
      expect(failures).toEqual([]);
      await browser.screenshot('dashboard-charts.png');
    });

    it('asks for the savepoint directory in the page, not with window.prompt, and reports where the savepoint went', async () => {
      const prompts: string[] = [];
      browser.page.on('dialog', (d) => {
        prompts.push(d.type());
        void d.dismiss();
      });
      await browser.page.click('#savepoint-job');
      await browser.page.waitForSelector('#savepoint-dialog[open]');
      const target = path.join(dir, 'from-the-page');
      await browser.page.fill('#savepoint-directory', target);
      await browser.page.click('#savepoint-take');
      await advanceUntilShown('#savepoint-status:has-text("Savepoint taken")');
      expect(await browser.page.textContent('#savepoint-status')).toContain(target);
      expect(fs.readdirSync(target).some((f) => f.startsWith('savepoint-'))).toBe(true);
      expect(prompts).toEqual([]);
    });

    it('says so when the page is opened on a job id this server does not know', async () => {
      const failures = await watchFailures(browser);
      await browser.page.goto(`${url}#/jobs/0123456789abcdef0123456789abcdef`);
      await browser.page.waitForSelector('#unknown-job');
      expect(await browser.page.textContent('#unknown-job')).toContain('no job with id 0123456789abcdef0123456789abcdef');
      expect(await browser.page.isHidden('#job')).toBe(true);
      expect(failures).toEqual([]);
    });
  });

  describe('a job without checkpoints', () => {
    it('offers no Savepoint button and asks nothing about checkpoints, even when savepoints are allowed', async () => {
      const h = new JobHarness({ parallelism: 1 });
      h.env.fromGenerator((i) => i, Number.POSITIVE_INFINITY, { recordsPerSecond: 10 }).addSink(() => undefined);
      await h.start('No checkpoints');
      const server = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), {
        port: 0,
        refreshIntervalMs: 100,
        enableSavepoint: true,
        enableCancel: true,
      });
      const url = await server.start();
      try {
        const failures = await watchFailures(browser);
        await browser.page.goto(url);
        await browser.page.waitForSelector('#checkpoints:has-text("not enabled")');
        await browser.page.waitForSelector('#cancel-job');
        expect(await browser.page.$('#savepoint-job')).toBeNull();
        // Several refreshes: still no failed request.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(failures).toEqual([]);
      } finally {
        await server.close();
        await h.close();
      }
    });
  });

  describe('brook run --dashboard, as the job ends', () => {
    const BROOK = path.join('actors', 'brook.js');
    const JOB = path.join(ROOT, 'dist', 'samples', 'ipcount', 'IpCountJob.js');

    it('keeps the final state on the page once the process has ended, with no action left', async () => {
      const feed = new LineFeed();
      const port = await feed.start();
      const run = runScript(BROOK, ['run', JOB, '--dashboard', '0', '--allow-cancel', '--', '--port', String(port)]);
      try {
        const [, url] = await waitForOutput(run.child, 'stderr', /dashboard at (http:\/\/\S+)/);
        await browser.page.goto(url);
        await browser.page.waitForSelector('#job-state:has-text("RUNNING")');
        await browser.page.waitForSelector('#cancel-job');
        await feed.write(['18:40:10 192.168.1.2']);
        await feed.close(); // the end of the input: the job finishes
        const ended = await run.done;
        expect(ended.code).toBe(0);
        // The process waited until the page had read the final state, then left.
        await browser.page.waitForSelector('#process-ended');
        expect(await browser.page.textContent('#job-state')).toBe('FINISHED');
        expect(await browser.page.$('#cancel-job')).toBeNull();
        await browser.screenshot('dashboard-process-ended.png');
      } finally {
        run.child.kill();
        await feed.close().catch(() => undefined);
      }
    });

    it('with --keep-dashboard serves the ended job until Ctrl-C', async () => {
      const feed = new LineFeed();
      const port = await feed.start();
      const run = runScript(BROOK, ['run', JOB, '--dashboard', '0', '--keep-dashboard', '--', '--port', String(port)]);
      try {
        const [, url] = await waitForOutput(run.child, 'stderr', /dashboard at (http:\/\/\S+)/);
        await feed.write(['18:40:10 192.168.1.2']);
        await feed.close();
        await waitForOutput(run.child, 'stderr', /its dashboard stays at/);
        const jobs = await getJson<{ jobs: Array<{ jid: string; state: string }> }>(url, '/jobs/overview');
        expect(jobs.jobs.map((j) => j.state)).toEqual(['FINISHED']);
        const details = await getJson<JobDetailsBody>(url, `/jobs/${jobs.jobs[0].jid}`);
        expect(details.state).toBe('FINISHED');
        await browser.page.goto(url);
        await browser.page.waitForSelector('#job-state:has-text("FINISHED")');
        run.child.kill('SIGINT');
        const ended = await run.done;
        expect(ended.code).toBe(0);
        expect(ended.stderr).toMatch(/brook: job 'Socket Window IpCount' finished/);
      } finally {
        run.child.kill();
        await feed.close().catch(() => undefined);
      }
    });
  });
});
