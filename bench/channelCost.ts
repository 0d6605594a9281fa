import net from 'net';
import { MessageChannel } from 'worker_threads';
import { ActorSystem } from '../actors/nact';
import { SubtaskMessage } from '../actors/messages';
import { decodeFromPort, encodeForPort } from '../actors/threads/channelCodec';
import { PeerFrame } from '../actors/processes/protocol';
import { FramedConnection } from '../lib/cluster/net/FramedConnection';
import { NexmarkGenerator } from './nexmark/NexmarkGenerator';
import { isBid } from './nexmark/model';
import { median } from './stats';

/**
 * What one record costs to cross a channel, side by side, for batches as tasks send them:
 *
 * - in process: the batch is told to the consumer's nact actor (by reference, as a
 *   TaskManager hands a batch to a subtask in its own process);
 * - between TaskManager threads: brook's channel codec, posted on a real MessagePort and
 *   decoded on the other side;
 * - over TCP: the same codec inside the data plane's frame (`PeerFrame` through
 *   `FramedConnection`: a 4-byte length and `v8.serialize`) over a loopback connection, then
 *   deframed and decoded.
 *
 * Both ends run in this one thread, so the CPU time (process.cpuUsage, user + system: the
 * kernel's loopback work included) is the sender's and the receiver's together; the batches
 * go in rounds of 32, each round waiting until the receiver has them all, as credits would.
 *
 *   node dist/bench/channelCost.js [--batches 2000]
 */
export type Path = 'in process' | 'threads (MessagePort)' | 'TCP loopback';
export const PATHS: readonly Path[] = ['in process', 'threads (MessagePort)', 'TCP loopback'];

const ROUND = 32;

/** A path set up once: `send` hands over a batch; `received` counts the records that arrived. */
interface Channel {
  send(message: SubtaskMessage): void;
  readonly received: () => number;
  /** Resolves once `count` records have arrived. */
  until(count: number): Promise<void>;
  close(): Promise<void>;
}

function waiter(): { until(count: number, current: () => number): Promise<void>; check(current: number): void } {
  let pending: { count: number; resolve: () => void } | undefined;
  return {
    until: (count, current) =>
      current() >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            pending = { count, resolve };
          }),
    check: (current) => {
      if (pending && current >= pending.count) {
        const p = pending;
        pending = undefined;
        p.resolve();
      }
    },
  };
}

function inProcess(): Channel {
  const system = new ActorSystem('channel-cost');
  let received = 0;
  const w = waiter();
  const consumer = system.spawn<SubtaskMessage>(system.root, 'consumer', {
    receive: (m) => {
      if (m.type === 'records') received += m.values.length;
      w.check(received);
    },
  });
  return {
    send: (m) => system.tell(consumer, m),
    received: () => received,
    until: (count) => w.until(count, () => received),
    close: async () => system.shutdown(),
  };
}

function threads(): Channel {
  const { port1, port2 } = new MessageChannel();
  let received = 0;
  const w = waiter();
  port2.on('message', (raw: unknown) => {
    const m = decodeFromPort(raw);
    if (m.type === 'records') received += m.values.length;
    w.check(received);
  });
  return {
    send: (m) => {
      const { message, transfer } = encodeForPort(m);
      port1.postMessage(message, transfer);
    },
    received: () => received,
    until: (count) => w.until(count, () => received),
    close: async () => {
      port1.close();
      port2.close();
    },
  };
}

async function tcp(): Promise<Channel> {
  let received = 0;
  const w = waiter();
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const sender = new FramedConnection<PeerFrame, PeerFrame>(socket);
  const receiver = new FramedConnection<PeerFrame, PeerFrame>(await accepted);
  receiver.onMessage((frame) => {
    if (frame.type !== 'channel') return;
    const m = decodeFromPort(frame.message);
    if (m.type === 'records') received += m.values.length;
    w.check(received);
  });
  return {
    send: (m) => sender.send({ type: 'channel', to: 'consumer', message: encodeForPort(m).message }),
    received: () => received,
    until: (count) => w.until(count, () => received),
    close: async () => {
      sender.close();
      receiver.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const open = (path: Path): Promise<Channel> | Channel => (path === 'in process' ? inProcess() : path === 'threads (MessagePort)' ? threads() : tcp());

export interface ChannelCost {
  readonly kind: string;
  readonly path: Path;
  /** CPU (user + system) per record, both ends together. */
  readonly cpuNanosPerRecord: number;
  /** Wall time per record (one thread does both ends: about the CPU time unless other load takes the core). */
  readonly wallNanosPerRecord: number;
}

async function measure(path: Path, values: readonly unknown[], batches: number): Promise<{ cpu: number; wall: number }> {
  const channel = await open(path);
  try {
    const timestamps = values.map((_, i) => i);
    const batch = (): SubtaskMessage => ({ type: 'records', channel: 0, values: [...values], timestamps: [...timestamps] });
    // Batches are made before the clock starts: only the crossing is measured.
    const prepared = Array.from({ length: batches }, batch);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let b = 0; b < batches; b += ROUND) {
      const end = Math.min(batches, b + ROUND);
      for (let i = b; i < end; i++) channel.send(prepared[i]);
      await channel.until(end * values.length);
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const records = batches * values.length;
    if (channel.received() !== records) throw new Error(`${path}: received ${channel.received()} of ${records} records`);
    return { cpu: ((cpu.user + cpu.system) * 1000) / records, wall: (wall * 1e6) / records };
  } finally {
    await channel.close();
  }
}

/** Record kinds as the benchmark jobs send them between tasks. */
export function recordKinds(): Record<string, (i: number) => unknown> {
  const generator = new NexmarkGenerator();
  const bids = Array.from({ length: 4096 }, (_, i) => generator.event(i)).filter(isBid);
  return {
    'IpCount record': (i) => ({ date: new Date(i * 1000), ip: `10.0.0.${i % 100}`, count: 1 }),
    'Nexmark bid': (i) => bids[i % bids.length],
  };
}

/** Median over `runs` of each record kind on each path, paths interleaved within a run. */
export async function measureChannelCosts(batches = 2000, batchSize = 1024, runs = 5): Promise<ChannelCost[]> {
  const out: ChannelCost[] = [];
  for (const [kind, make] of Object.entries(recordKinds())) {
    const values = Array.from({ length: batchSize }, (_, i) => make(i));
    const samples = new Map<Path, Array<{ cpu: number; wall: number }>>(PATHS.map((p) => [p, []]));
    // One warm-up run per path, not counted.
    for (const p of PATHS) await measure(p, values, Math.min(200, batches));
    for (let r = 0; r < runs; r++) for (const p of PATHS) samples.get(p)!.push(await measure(p, values, batches));
    for (const p of PATHS) {
      const s = samples.get(p)!;
      out.push({ kind, path: p, cpuNanosPerRecord: median(s.map((x) => x.cpu)), wallNanosPerRecord: median(s.map((x) => x.wall)) });
    }
  }
  return out;
}

export function renderChannelCosts(costs: readonly ChannelCost[]): string[] {
  const lines = ['| record | path | CPU ns/record (both ends) | wall ns/record |', '|---|---|---|---|'];
  for (const c of costs) lines.push(`| ${c.kind} | ${c.path} | ${c.cpuNanosPerRecord.toFixed(0)} | ${c.wallNanosPerRecord.toFixed(0)} |`);
  return lines;
}

if (require.main === module) {
  const i = process.argv.indexOf('--batches');
  const batches = i > 0 ? Number(process.argv[i + 1]) : 2000;
  measureChannelCosts(batches).then(
    (costs) => process.stdout.write(`batches of 1024 records, median of 5 runs\n${renderChannelCosts(costs).join('\n')}\n`),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
