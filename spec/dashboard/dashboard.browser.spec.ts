import { JobManagerGateway } from '../../actors/JobManagerGateway';
import { RestServer } from '../../lib/rest/RestServer';
import { JobDetailsBody } from '../../lib/rest/RestTypes';
import { defineIpCountJob } from '../../samples/ipcount/IpCountJob';
import { BrowserHarness } from '../harness/BrowserHarness';
import { getJson } from '../harness/httpGet';
import { JobHarness } from '../harness/JobHarness';
import { LineFeed } from '../harness/LineFeed';

jest.setTimeout(90_000);

/**
 * The dashboard in headless Chromium, showing the seed job (socket source, parallelism 4) as
 * it runs on a manual clock: the DAG as the lesson draws it, metrics that change as lines
 * arrive, and a window held back by the channels that have no watermark yet.
 */
describe('the dashboard in Chromium', () => {
  let h: JobHarness;
  let feed: LineFeed;
  let server: RestServer;
  let browser: BrowserHarness;
  let url: string;

  /** Steps the job's clock until the REST API shows what the test waits for (socket input is real I/O). */
  async function until(condition: (job: JobDetailsBody) => boolean, what: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (condition(await getJson<JobDetailsBody>(url, `/jobs/${h.client!.jobId}`))) return;
      await h.advance(100);
    }
    throw new Error(`the job never showed ${what}`);
  }

  /** Waits until the page shows `expected` in a DAG node's metric (the page refreshes itself). */
  async function pageShows(vertexId: string, metric: string, expected: string): Promise<void> {
    await browser.page.waitForSelector(`g.node[data-vertex-id="${vertexId}"] [data-metric="${metric}"][data-value="${expected}"]`, { timeout: 30_000 });
  }

  beforeAll(async () => {
    feed = new LineFeed();
    const port = await feed.start();
    h = new JobHarness({ parallelism: 4 });
    defineIpCountJob(h.env, { host: '127.0.0.1', port }, 4);
    await h.start('Socket Window IpCount');
    server = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), { port: 0, refreshIntervalMs: 200 });
    url = await server.start();
    browser = await BrowserHarness.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
    await feed?.close();
  });

  it('draws the seed job: three tasks with their parallelism, REBALANCE and HASH edges', async () => {
    const errors: string[] = [];
    browser.page.on('pageerror', (e) => errors.push(e.message));
    await browser.page.goto(url);
    await browser.page.waitForSelector('svg.dag g.node[data-vertex-id="3"]');
    const nodes = await browser.page.$$eval('svg.dag g.node', (gs) =>
      gs.map((g) => ({
        id: g.getAttribute('data-vertex-id'),
        text: [...g.querySelectorAll('text')].map((t) => t.childNodes[0]?.textContent ?? '').join(' | '),
      })),
    );
    expect(nodes.map((n) => n.id)).toEqual(['1', '2', '3']);
    expect(nodes[0].text).toMatch(/^Task 1 \| Parallelism: 1 \| Source: Socket Stream/);
    expect(nodes[1].text).toMatch(/^Task 2 \| Parallelism: 4 \| Map \| -> Map \| -> Timestamps\/Watermarks/);
    expect(nodes[2].text).toMatch(/^Task 3 \| Parallelism: 4 \| Window\(TumblingEventTimeWindows\(5000\),/);
    const edges = await browser.page.$$eval('svg.dag g.edge', (gs) =>
      gs.map((g) => `${g.getAttribute('data-from')}-${g.querySelector('text.edge-label')?.textContent}->${g.getAttribute('data-to')}`),
    );
    expect(edges).toEqual(['1-REBALANCE->2', '2-HASH->3']);
    // Edges are drawn as arrows between the boxes, left to right as in the lesson.
    const boxes = await browser.page.$$eval('svg.dag g.node rect.box', (rs) => rs.map((r) => Number(r.getAttribute('x'))));
    expect(boxes[0]).toBeLessThan(boxes[1]);
    expect(boxes[1]).toBeLessThan(boxes[2]);
    await pageShows('1', 'records-out', '0');
    expect(await browser.page.textContent('#job-state')).toBe('RUNNING');
    expect(errors).toEqual([]);
  });

  it('updates the metrics while the job runs, and says which channels hold a window back', async () => {
    // Two lines: round robin gives them to two of the four Task 2 subtasks; the other two send
    // no watermark, so the window [18:40:10, 18:40:15) of key .2 cannot fire.
    await feed.write(['18:40:10 192.168.1.2', '18:40:11 192.168.1.2']);
    await until((j) => j.vertices[2].metrics['read-records'] === 2 && j.vertices[2].metrics['window-held-back'], 'two records at Task 3');
    await pageShows('1', 'records-out', '2');
    await pageShows('3', 'records-in', '2');
    await browser.page.waitForSelector('#window-wait li[data-kind="no-watermark"]');
    const why = await browser.page.textContent('#window-wait');
    expect(why).toContain('Why does my window not fire?');
    expect(why).toContain('no watermark yet');
    expect(await browser.page.$$eval('tr.holds-back', (rows) => rows.length)).toBe(2);
    expect(await browser.page.textContent('g.node[data-vertex-id="3"] .waiting')).toBe('window held back');
    await browser.screenshot('dashboard-window-held-back.png');

    // More lines, later in event time: every channel gets some, the watermark passes 18:40:15
    // and the first windows fire.
    const more: string[] = [];
    for (let s = 12; s < 30; s++) for (const ip of ['192.168.1.1', '192.168.1.2', '192.168.1.3']) more.push(`18:40:${s} ${ip}`);
    await feed.write(more);
    const total = 2 + more.length;
    await until(
      (j) => j.vertices[2].metrics['read-records'] === total && j.vertices[2].metrics['current-input-watermark'] >= Date.UTC(1970, 0, 1, 18, 40, 15),
      'all lines at Task 3',
    );
    await pageShows('1', 'records-out', String(total));
    await pageShows('2', 'records-in', String(total));
    await pageShows('3', 'records-in', String(total));
    await browser.page.waitForSelector('g.node[data-vertex-id="3"]:not(.window-held-back)');
    expect(await browser.page.textContent('g.node[data-vertex-id="3"] .waiting')).toBe('');
    // The page shows Task 3's input watermark past the end of the first window…
    const shownWatermark = Number(await browser.page.getAttribute('g.node[data-vertex-id="3"] [data-metric="watermark"]', 'data-value'));
    expect(shownWatermark).toBeGreaterThanOrEqual(Date.UTC(1970, 0, 1, 18, 40, 15));
    expect(await browser.page.textContent('g.node[data-vertex-id="3"] [data-metric="watermark"]')).toMatch(/^Watermark in: {2}1970-01-01 18:40:(1[5-9]|2\d)/);
    // …and that window fired with the right counts: .2 twice before and three times after, the others three times.
    const firstWindow = h.stdout
      .map((line) => /(18:40:1[0-4]) (\S+) (\d+)\s*$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[2]} ${m[3]}`)
      .sort();
    expect(firstWindow).toEqual(['192.168.1.1 3', '192.168.1.2 5', '192.168.1.3 3']);
    const file = await browser.screenshot('dashboard.png');
    expect(file).toMatch(/spec\/artifacts\/dashboard\.png$/);
  });

  it('offers a cancel button only when the server allows it, and no savepoint button for a job that does not checkpoint', async () => {
    expect(await browser.page.$('#cancel-job')).toBeNull();
    expect(await browser.page.$('#savepoint-job')).toBeNull();
    const writable = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), {
      port: 0,
      refreshIntervalMs: 200,
      enableCancel: true,
      enableSavepoint: true,
    });
    const base = await writable.start();
    try {
      await browser.page.goto(base);
      await browser.page.waitForSelector('#cancel-job');
      // This job does not checkpoint, so it cannot take a savepoint: no button for it.
      expect(await browser.page.$('#savepoint-job')).toBeNull();
      browser.page.once('dialog', (d) => void d.accept()); // "Cancel job '…'?"
      await browser.page.click('#cancel-job');
      await browser.page.waitForSelector('#job-state:has-text("CANCELED")');
      await expect(h.client!.getJobExecutionResult()).rejects.toThrow(/cancelled/);
      expect(await browser.page.$('#cancel-job')).toBeNull();
    } finally {
      await writable.close();
    }
  });
});

/** The Exceptions section, after a job whose map failed twice and restarted each time. */
describe('the dashboard in Chromium, after restarts', () => {
  let h: JobHarness;
  let server: RestServer;
  let browser: BrowserHarness;
  let url: string;

  beforeAll(async () => {
    h = new JobHarness({ parallelism: 1, reporter: { report: () => undefined } });
    h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 100 });
    let failed = 0;
    h.env
      .fromGenerator((i) => i, Infinity, { recordsPerSecond: 10 })
      .map((x) => {
        if (x === 2 && failed < 2) throw new Error(`boom ${++failed}`);
        return x;
      })
      .name('Flaky Map')
      .print();
    await h.start('flaky');
    await h.advance(2000);
    server = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), { port: 0, refreshIntervalMs: 200 });
    url = await server.start();
    browser = await BrowserHarness.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  it('shows the restart count and each failure, newest first, with its task and outcome', async () => {
    const errors: string[] = [];
    browser.page.on('pageerror', (e) => errors.push(e.message));
    await browser.page.goto(url);
    await browser.page.waitForSelector('#num-restarts:has-text("Restarts: 2")', { timeout: 30_000 });
    const rows = await browser.page.$$eval('#exception-history tr.exception', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.querySelector('summary')?.textContent ?? td.textContent)),
    );
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.slice(1))).toEqual(
      ['boom 2', 'boom 1'].map((boom) => [
        'Source: Generator Source -> Flaky Map -> Sink: Print to Std. Out (subtask 1)',
        'restarted',
        `TaskFailure: task 'Source: Generator Source -> Flaky Map -> Sink: Print to Std. Out' (subtask 1/1) failed: operator 'Flaky Map' failed on record 2: ${boom}`,
      ]),
    );
    expect(await browser.page.textContent('#job-state')).toBe('RUNNING');
    await browser.screenshot('dashboard-exceptions.png');
    expect(errors).toEqual([]);
  });
});
