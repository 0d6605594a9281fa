import { execFileSync } from 'child_process';
import path from 'path';
import { defineSessionsJob } from '../../samples/sessions/SessionsJob';
import { TRACKING_EVENTS } from '../../samples/sessions/trackingEvents';
import { runBoundedJob } from '../harness/JobHarness';

/** What `npm run sessions` prints. */
const EXPECTED = [
  'bob 09:00:20-09:01:02 (42s) 3 events: open > view > close',
  'ann 09:00:00-09:01:30 (1m30s) 7 events, purchased: open > search > view > view > cart > purchase > close',
  'late event: bob view at 09:01:10 (watermark at 09:02:46)',
  'cat 09:01:00-09:02:20 (1m20s) 5 events: open > view > view > search > close',
  'late event: cat view at 09:02:30 (watermark at 09:03:54)',
  'bob 09:02:30-09:03:55 (1m25s) 5 events, purchased: open > search > cart > purchase > close',
  'ann 09:04:00-09:04:25 (25s) 4 events: open > view > view > close',
];

describe('samples/sessions (npm run sessions)', () => {
  it('prints exactly the sessions report when run as a program', () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, '../../dist/samples/sessions/main.js')], { encoding: 'utf8' });
    expect(out.trimEnd().split('\n')).toEqual(EXPECTED);
  });

  it.each([1, 2, 4])('prints the same report at parallelism %i (late events too)', async (parallelism) => {
    const { stdout, result } = await runBoundedJob((env) => defineSessionsJob(env, TRACKING_EVENTS, parallelism).print().setParallelism(1), { parallelism });
    expect(stdout).toEqual(EXPECTED);
    expect(result.vertices.reduce((n, v) => n + v.numLateRecordsDropped, 0)).toBe(0); // reported, not dropped
  });
});
