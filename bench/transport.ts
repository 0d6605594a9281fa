import { decodeFromPort, encodeForPort } from '../actors/threads/channelCodec';
import { NexmarkGenerator } from './nexmark/NexmarkGenerator';
import { isBid } from './nexmark/model';
import { median } from './stats';

/**
 * What a batch costs to cross a MessagePort between TaskManager threads, in CPU time per
 * record, sender and receiver together (both run on the 2 cores a job has): structured clone
 * of the values with the timestamps transferred (the first design), or brook's channel codec
 * (columns for batches of one flat shape, clone otherwise). Measured in one thread with
 * structuredClone and the same transfer list, which runs the same V8 serializer as postMessage.
 *
 *   node dist/bench/transport.js
 */
type Codec = 'clone' | 'channel codec';

function roundTrip(codec: Codec, values: unknown[], timestamps: number[]): unknown[] {
  if (codec === 'clone') {
    const ts = new Float64Array(timestamps);
    const copy = structuredClone({ values, timestamps: ts }, { transfer: [ts.buffer] });
    return copy.values;
  }
  const { message, transfer } = encodeForPort({ type: 'records', channel: 0, values, timestamps });
  const decoded = decodeFromPort(structuredClone(message, { transfer }));
  return decoded.type === 'records' ? decoded.values : [];
}

function nanosPerRecord(codec: Codec, make: (i: number) => unknown, batches: number, batchSize: number): number {
  // Records are made before the clock starts: only encoding, cloning and decoding are measured.
  const values = Array.from({ length: batchSize }, (_, i) => make(i));
  const timestamps = values.map((_, i) => i);
  let received = 0;
  const start = performance.now();
  for (let b = 0; b < batches; b++) received += roundTrip(codec, values, timestamps).length;
  const ms = performance.now() - start;
  if (received !== batches * batchSize) throw new Error(`received ${received} of ${batches * batchSize}`);
  return (ms * 1e6) / received;
}

function main(): void {
  const generator = new NexmarkGenerator();
  const bids = Array.from({ length: 4096 }, (_, i) => generator.event(i)).filter(isBid);
  const kinds: Record<string, (i: number) => unknown> = {
    'text line': (i) => `12:00:${String(i % 60).padStart(2, '0')} 10.0.${(i >> 8) & 255}.${i & 255}`,
    'IpCount record': (i) => ({ date: new Date(i * 1000), ip: `10.0.0.${i % 100}`, count: 1 }),
    'Nexmark bid': (i) => bids[i % bids.length],
    'Nexmark event': (i) => generator.event(i),
  };
  process.stdout.write('CPU per record to cross a port (encode, serialize, deserialize, decode), median of 5 runs of 300 batches of 1024\n');
  for (const [kind, make] of Object.entries(kinds)) {
    for (const codec of ['clone', 'channel codec'] as const) {
      const runs: number[] = [];
      for (let r = 0; r < 5; r++) runs.push(nanosPerRecord(codec, make, 300, 1024));
      process.stdout.write(`${kind.padEnd(15)} ${codec.padEnd(14)} ${median(runs).toFixed(0).padStart(5)} ns\n`);
    }
  }
}

if (require.main === module) main();
