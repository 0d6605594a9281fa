import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { defineIpCountJob, defineJob, ipCountPipeline } from '../../samples/ipcount/IpCountJob';
import { inputSummary } from '../../samples/ipcount/main';
import { JobHarness, runBoundedJob } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';
import { SEED_LOG, SEED_TABLE } from './seedLesson';

/** Lines of one subtask prefix, in the order that subtask printed them. */
function bySubtask(lines: readonly string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of lines) {
    const prefix = l.slice(0, l.indexOf('>'));
    m.set(prefix, [...(m.get(prefix) ?? []), l]);
  }
  return m;
}

/** Window results of one subtask come in window order; within one window Flink defines no order. */
function canonical(lines: readonly string[]): string[] {
  return [...lines].sort((a, b) => a.split(' ')[1].localeCompare(b.split(' ')[1]) || a.localeCompare(b));
}

describe('the seed IpCount job', () => {
  it('prints the seed lesson table at parallelism 4 (prefixes from Flink key groups)', async () => {
    const { stdout } = await runBoundedJob((env) => defineIpCountJob(env, { file: SEED_LOG }, 4), { parallelism: 4 });
    const actual = bySubtask(stdout);
    const expected = bySubtask(SEED_TABLE);
    expect([...actual.keys()].sort()).toEqual(['1', '3', '4']);
    for (const [prefix, lines] of expected) {
      expect(canonical(actual.get(prefix)!)).toEqual(canonical(lines));
      // A subtask emits window after window, as its watermark advances.
      const times = actual.get(prefix)!.map((l) => l.split(' ')[1]);
      expect(times).toEqual([...times].sort());
    }
  });

  it('prints the same table without prefixes, in firing order, at parallelism 1', async () => {
    const { stdout } = await runBoundedJob((env) => defineIpCountJob(env, { file: SEED_LOG }, 1), { parallelism: 1 });
    expect(stdout).toEqual(SEED_TABLE.map((l) => l.slice(3)));
  });

  it('prints the same counts at parallelism 3, on the subtasks Flink would pick', async () => {
    const { stdout } = await runBoundedJob((env) => defineIpCountJob(env, { file: SEED_LOG }, 3), { parallelism: 3 });
    // Key groups at maxParallelism 128: .2 → 18, .3 → 87, .1 → 122, .4 → 98; subtask = kg * 3 / 128.
    const prefixOf: Record<string, string> = { '192.168.1.2': '1', '192.168.1.3': '3', '192.168.1.1': '3', '192.168.1.4': '3' };
    const expected = SEED_TABLE.map((l) => l.slice(3)).map((l) => `${prefixOf[l.split(' ')[1]]}> ${l}`);
    expect([...stdout].sort()).toEqual([...expected].sort());
  });

  it('as a job module: the same table from its arguments, and --demo refused where nothing can stop its log server', async () => {
    const { stdout } = await runBoundedJob((env) => void defineJob(env, { args: ['--file', SEED_LOG] }), { parallelism: 4 });
    expect([...stdout].sort()).toEqual([...SEED_TABLE].sort());
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
    await expect(defineJob(env, { args: ['--demo'] })).rejects.toThrow(
      '--demo starts a log server in this process: run it with brook run or main.ts --demo, not on TaskManager threads',
    );
    expect(() => defineJob(env, { args: ['--port', '0'] })).toThrow('--port must be 1..65535, got 0');
  });

  it('skips and counts malformed lines, and accepts nginx access-log lines', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'brook-')), 'access.log');
    writeFileSync(
      file,
      [
        '18:40:10 192.168.1.2',
        'garbage',
        '25:00:00 192.168.1.2',
        '192.168.1.2 - - [27/Nov/2026:18:40:11 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"',
        '18:40:12',
        '18:40:16 192.168.1.2',
      ].join('\n'),
    );
    const { stdout, result } = await runBoundedJob((env) => defineIpCountJob(env, { file }, 1), { parallelism: 1 });
    expect(stdout).toEqual(['18:40:10 192.168.1.2 2', '18:40:16 192.168.1.2 1']);
    expect(result.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0)).toBe(3);
    expect(inputSummary(result)).toBe('IpCount: 6 lines read, 3 malformed lines skipped, 0 late records dropped');
  });

  it('reports late records dropped, as brook run does', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const source = new TestSource<string>();
    ipCountPipeline(h.env.fromSource(source, undefined, 'Log lines'));
    await h.start();
    source.emit('18:40:01 192.168.1.2', '18:40:16 192.168.1.2');
    await h.advance(200); // periodic watermark 18:40:15.999: [18:40:00, 18:40:05) has fired
    source.emit('18:40:02 192.168.1.2', '18:40:02 192.168.1.3'); // behind the watermark: dropped
    source.end();
    const result = await h.result();
    await h.close();
    expect(inputSummary(result)).toBe('IpCount: 4 lines read, 0 malformed lines skipped, 2 late records dropped');
  });
});
