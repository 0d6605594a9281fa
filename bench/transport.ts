import { MessageChannel, Worker } from 'worker_threads';
import { NexmarkGenerator } from './nexmark/NexmarkGenerator';
import { formatRate, median } from './stats';

/**
 * How a batch should cross a MessagePort between TaskManager threads: structured clone of the
 * whole message, clone of the values with the timestamps in a transferred Float64Array, or the
 * values as JSON bytes in a transferred buffer. `node dist/bench/transport.js` measures records/s
 * end to end (encode, post, receive, decode) for text lines and Nexmark bids.
 */
type Codec = 'clone' | 'clone+f64' | 'json-bytes';

const RECEIVER = `
const { parentPort, workerData } = require('worker_threads');
const port = workerData.port;
const decoder = new TextDecoder();
let records = 0;
port.on('message', (m) => {
  if (m.type === 'end') { port.postMessage(records); return; }
  let values;
  if (m.codec === 'json-bytes') values = JSON.parse(decoder.decode(m.bytes));
  else values = m.values;
  const ts = m.codec === 'clone' ? m.timestamps : new Float64Array(m.timestamps);
  records += values.length + (ts.length - values.length);
});
`;

function encode(codec: Codec, values: unknown[], timestamps: number[]): { message: object; transfer: ArrayBuffer[] } {
  if (codec === 'clone') return { message: { type: 'records', codec, channel: 0, values, timestamps }, transfer: [] };
  const ts = Float64Array.from(timestamps);
  if (codec === 'clone+f64') return { message: { type: 'records', codec, channel: 0, values, timestamps: ts.buffer }, transfer: [ts.buffer] };
  const bytes = new TextEncoder().encode(JSON.stringify(values));
  return { message: { type: 'records', codec, channel: 0, bytes, timestamps: ts.buffer }, transfer: [bytes.buffer as ArrayBuffer, ts.buffer] };
}

async function measure(codec: Codec, make: (i: number) => unknown, batches: number, batchSize: number): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(RECEIVER, { eval: true, workerData: { port: port2 }, transferList: [port2] });
  const done = new Promise<number>((resolve) => port1.once('message', resolve));
  // Records are made before the clock starts: only encoding, posting and decoding are measured.
  const values: unknown[] = [];
  const timestamps: number[] = [];
  for (let i = 0; i < batchSize; i++) {
    values.push(make(i));
    timestamps.push(i);
  }
  const start = performance.now();
  for (let b = 0; b < batches; b++) {
    const { message, transfer } = encode(codec, values, timestamps);
    port1.postMessage(message, transfer);
  }
  port1.postMessage({ type: 'end' });
  const received = await done;
  const ms = performance.now() - start;
  await worker.terminate();
  port1.close();
  if (received !== batches * batchSize) throw new Error(`received ${received} of ${batches * batchSize}`);
  return (received / ms) * 1000;
}

async function main(): Promise<void> {
  const generator = new NexmarkGenerator();
  const kinds: Record<string, (i: number) => unknown> = {
    'text line': (i) => `12:00:${String(i % 60).padStart(2, '0')} 10.0.${(i >> 8) & 255}.${i & 255}`,
    'Nexmark event': (i) => generator.event(i),
  };
  for (const [kind, make] of Object.entries(kinds)) {
    for (const codec of ['clone', 'clone+f64', 'json-bytes'] as const) {
      const rates: number[] = [];
      for (let r = 0; r < 5; r++) rates.push(await measure(codec, make, 1000, 1024));
      process.stdout.write(`${kind.padEnd(14)} ${codec.padEnd(11)} ${formatRate(median(rates))}/s\n`);
    }
  }
}

if (require.main === module) void main();
