import { createClient } from 'redis';
import { ChaosInput, totalLines } from './ChaosInput';

const TICK_MS = 100;
const RETRY_MS = 100;

/**
 * Appends a round's input to its source streams over `durationMs`, as a live service would,
 * and goes on through Redis outages. Entry `i` of a stream gets the explicit id `i+1-0`, so
 * after a lost connection the producer asks each stream for its last id and continues after
 * it: a batch that reached Redis before the outage is never added twice, one that did not is
 * added again. The streams are field `line`, as `npm run produce` writes them.
 */
export async function producePaced(url: string, streamNames: readonly string[], input: ChaosInput, durationMs: number, deadlineMs: number): Promise<number> {
  const started = Date.now();
  const total = totalLines(input);
  let reconnects = 0;
  for (;;) {
    if (Date.now() > deadlineMs) throw new Error(`producer did not finish in time (${reconnects} reconnects)`);
    const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const next: number[] = [];
      for (const name of streamNames) {
        const last = await client.xRevRange(name, '+', '-', { COUNT: 1 });
        next.push(last.length === 0 ? 0 : Number(last[0].id.split('-')[0]));
      }
      for (;;) {
        if (Date.now() > deadlineMs) throw new Error('producer did not finish in time');
        const share = Math.min(1, (Date.now() - started) / durationMs);
        const multi = client.multi();
        let pending = 0;
        input.streams.forEach((lines, s) => {
          const upTo = Math.min(lines.length, Math.ceil(lines.length * share));
          for (let i = next[s]; i < upTo; i++, pending++) multi.xAdd(streamNames[s], `${i + 1}-0`, { line: lines[i] });
          next[s] = Math.max(next[s], upTo);
        });
        if (pending > 0) await multi.exec();
        if (next.reduce((a, b) => a + b, 0) === total) return total;
        await new Promise((r) => setTimeout(r, TICK_MS));
      }
    } catch (e) {
      if (Date.now() > deadlineMs) throw e;
      reconnects++;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    } finally {
      if (client.isOpen) client.destroy();
    }
  }
}
