import { execFileSync } from 'child_process';
import path from 'path';
import { defineOrdersJob, generateOrder } from '../../samples/orders/OrdersJob';
import { runBoundedJob } from '../harness/JobHarness';

/** What `npm run orders` prints: the flash-sale report, in event-time order. */
const EXPECTED = `11:59:55-12:00:05 0.7 orders/s
12:00:00-12:00:10 2.6 orders/s
12:00:05-12:00:15 4.5 orders/s
12:00:10-12:00:20 6.4 orders/s
12:00:15-12:00:25 8.8 orders/s
11:59:30-12:00:30 top 3: 1. mouse (91), 2. monitor (86), 3. headphones (80)
12:00:20-12:00:30 10.7 orders/s
12:00:25-12:00:35 12.3 orders/s
12:00:30-12:00:40 15.2 orders/s
12:00:35-12:00:45 17.5 orders/s
12:00:40-12:00:50 19.0 orders/s
12:00:45-12:00:55 21.0 orders/s
12:00:00-12:01:00 top 3: 1. keyboard (367), 2. monitor (364), 3. mouse (337)
12:00:50-12:01:00 23.1 orders/s
12:00:55-12:01:05 25.8 orders/s
12:01:00-12:01:10 27.2 orders/s
12:01:05-12:01:15 28.6 orders/s
12:01:10-12:01:20 32.0 orders/s
12:01:15-12:01:25 33.6 orders/s
12:00:30-12:01:30 top 3: 1. monitor (689), 2. mouse (657), 3. keyboard (634)
12:01:20-12:01:30 35.3 orders/s
12:01:25-12:01:35 38.5 orders/s
12:01:30-12:01:40 40.3 orders/s
12:01:35-12:01:45 42.3 orders/s
12:01:40-12:01:50 43.3 orders/s
12:01:45-12:01:55 45.1 orders/s
12:01:00-12:02:00 top 3: 1. webcam (990), 2. mouse (934), 3. charger (749)
12:01:50-12:02:00 44.9 orders/s
12:01:55-12:02:05 21.3 orders/s
12:01:30-12:02:30 top 3: 1. charger (588), 2. webcam (551), 3. mouse (523)`.split('\n');

describe('samples/orders (npm run orders)', () => {
  it('prints exactly the flash-sale report when run as a program', () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, '../../dist/samples/orders/main.js')], { encoding: 'utf8' });
    expect(out.trimEnd().split('\n')).toEqual(EXPECTED);
  });

  it.each([1, 3])('prints the same report at parallelism %i on the manual clock', async (parallelism) => {
    const { stdout } = await runBoundedJob((env) => defineOrdersJob(env, { parallelism }).print().setParallelism(1), { parallelism });
    expect(stdout).toEqual(EXPECTED);
  });

  it('the report agrees with counting the generated orders directly', () => {
    const orders = Array.from({ length: 3000 }, (_, i) => generateOrder(i, 3000));
    const inWindow = (start: number) => orders.filter((o) => o.t >= start && o.t < start + 10_000).length / 10;
    const line = EXPECTED.find((l) => l.startsWith('12:01:00-12:01:10'))!;
    expect(line).toBe(`12:01:00-12:01:10 ${inWindow(Date.UTC(2026, 10, 27, 12, 1, 0)).toFixed(1)} orders/s`);
    const minute = orders.filter((o) => o.t >= Date.UTC(2026, 10, 27, 12, 1, 0) && o.t < Date.UTC(2026, 10, 27, 12, 2, 0));
    const units = (p: string) => minute.filter((o) => o.product === p).reduce((n, o) => n + o.quantity, 0);
    expect(EXPECTED).toContain(`12:01:00-12:02:00 top 3: 1. webcam (${units('webcam')}), 2. mouse (${units('mouse')}), 3. charger (${units('charger')})`);
  });
});
