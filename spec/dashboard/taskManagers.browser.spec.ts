import { JobManagerGateway } from '../../actors/JobManagerGateway';
import { JobManagerProcess } from '../../actors/processes/JobManagerProcess';
import { TaskManagerProcess } from '../../actors/processes/TaskManagerProcess';
import { RestServer } from '../../lib/rest/RestServer';
import { ManualClock } from '../../lib/time/ManualClock';
import { BrowserHarness } from '../harness/BrowserHarness';
import { JobHarness } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

jest.setTimeout(120_000);

/** The rows of the TaskManagers section, cell by cell. */
async function taskManagerRows(browser: BrowserHarness): Promise<string[][]> {
  return browser.page.$$eval('#taskmanager-list tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

describe('dashboard: the TaskManagers in Chromium', () => {
  let browser: BrowserHarness;

  beforeAll(async () => {
    browser = await BrowserHarness.launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lists two in-process TaskManagers with their slots, and names each subtask’s TaskManager', async () => {
    const h = new JobHarness({ parallelism: 3, numberOfTaskManagers: 2, slotsPerTaskManager: 2 });
    h.env
      .fromSource(new TestSource<number>(3), undefined, 'Numbers')
      .map((x) => x + 1)
      .print();
    const { jobId } = await h.start('Two TaskManagers');
    const server = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), { port: 0, refreshIntervalMs: 100 });
    const url = await server.start();
    try {
      await browser.page.goto(`${url}#/jobs/${jobId}/vertices/1`);
      await browser.page.waitForSelector('#taskmanager-list tr[data-taskmanager="taskmanager-1"]');
      expect(await taskManagerRows(browser)).toEqual([
        ['taskmanager-0', 'localhost (in process)', '2 / 2', '0', '– (in process)'],
        ['taskmanager-1', 'localhost (in process)', '1 / 2', '1', '– (in process)'],
      ]);
      await browser.page.waitForSelector('#vertex td[data-taskmanager]');
      const column = await browser.page.$$eval('#vertex td[data-taskmanager]', (tds) => tds.map((td) => td.textContent));
      expect(column).toEqual(['taskmanager-0 · in process', 'taskmanager-1 · in process', 'taskmanager-0 · in process']);
      await browser.screenshot('dashboard-taskmanagers-in-process.png');
    } finally {
      await server.close();
      await h.close();
    }
  });

  it('shows a TaskManager process with its host:port and the age of its last heartbeat', async () => {
    const heartbeat = { intervalMs: 100, timeoutMs: 5000 };
    const jmClock = new ManualClock(1_000_000);
    const tmClock = new ManualClock(1_000_000);
    const jm = await JobManagerProcess.start({ port: 0, restPort: 0, heartbeat }, jmClock);
    const tm = await TaskManagerProcess.start({ jobManagerHost: '127.0.0.1', jobManagerPort: jm.port, slots: 4, heartbeat, clock: tmClock });
    try {
      await tm.registered;
      await browser.page.goto(jm.restUrl!);
      await browser.page.waitForSelector('#taskmanager-list tr[data-taskmanager="taskmanager-0"]');
      // No heartbeat arrives while the TaskManager's clock stands still: the age is the JobManager's time since it registered.
      jmClock.advance(2500);
      await browser.page.waitForSelector('#taskmanager-list td[data-heartbeat-age="2500"]');
      const [row] = await taskManagerRows(browser);
      expect(row[0]).toBe('taskmanager-0');
      expect(row[1]).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(row.slice(2)).toEqual(['0 / 4', '4', '2.5 s ago']);
      await browser.screenshot('dashboard-taskmanagers-process.png');
    } finally {
      tm.stop();
      await tm.closed;
      await jm.shutdown();
    }
  });
});
