import { BroadcastPartitioner } from '../../lib/partitioners/BroadcastPartitioner';
import { CustomPartitionerWrapper } from '../../lib/partitioners/CustomPartitionerWrapper';
import { ForwardPartitioner } from '../../lib/partitioners/ForwardPartitioner';
import { GlobalPartitioner } from '../../lib/partitioners/GlobalPartitioner';
import { KeyGroupStreamPartitioner } from '../../lib/partitioners/KeyGroupStreamPartitioner';
import { RebalancePartitioner } from '../../lib/partitioners/RebalancePartitioner';
import { RescalePartitioner } from '../../lib/partitioners/RescalePartitioner';
import { ShufflePartitioner } from '../../lib/partitioners/ShufflePartitioner';
import { SeededRandom } from '../../lib/util/SeededRandom';

const pick = <T>(p: { selectChannel(v: T): number }, values: T[]): number[] => values.map((v) => p.selectChannel(v));

describe('RebalancePartitioner', () => {
  it('starts at a seeded random channel and increments before each send (round robin)', () => {
    const start = new SeededRandom(7).nextInt(4);
    const p = new RebalancePartitioner<string>();
    p.setup(4, new SeededRandom(7));
    const first = (start + 1) % 4;
    expect(pick(p, ['a', 'b', 'c', 'd', 'e', 'f'])).toEqual([0, 1, 2, 3, 4, 5].map((i) => (first + i) % 4));
  });

  it('gives the same sequence for the same seed and spreads evenly', () => {
    const run = (seed: number): number[] => {
      const p = new RebalancePartitioner<number>();
      p.setup(3, new SeededRandom(seed));
      return pick(
        p,
        Array.from({ length: 300 }, (_, i) => i),
      );
    };
    expect(run(1)).toEqual(run(1));
    const counts = [0, 0, 0];
    run(1).forEach((c) => counts[c]++);
    expect(counts).toEqual([100, 100, 100]);
  });

  it('copies start fresh (state is per producing subtask)', () => {
    const p = new RebalancePartitioner<number>();
    const q = p.copy();
    expect(q).not.toBe(p);
    expect(q.shipStrategy).toBe('REBALANCE');
  });
});

describe('RescalePartitioner', () => {
  it('is pointwise and round robin over its local channels, starting at the first', () => {
    const p = new RescalePartitioner<number>();
    expect(p.isPointwise).toBe(true);
    p.setup(2);
    expect(pick(p, [1, 2, 3, 4, 5])).toEqual([0, 1, 0, 1, 0]);
  });
});

describe('ForwardPartitioner', () => {
  it('sends to the single local channel and refuses more', () => {
    const p = new ForwardPartitioner<number>();
    p.setup(1);
    expect(pick(p, [1, 2])).toEqual([0, 0]);
    expect(() => new ForwardPartitioner<number>().setup(2)).toThrow(/exactly one channel/);
  });
});

describe('BroadcastPartitioner', () => {
  it('is a broadcast and never selects a single channel', () => {
    const p = new BroadcastPartitioner<number>();
    expect(p.isBroadcast).toBe(true);
    expect(() => p.selectChannel()).toThrow(/all channels/);
  });
});

describe('GlobalPartitioner', () => {
  it('sends everything to subtask 0', () => {
    const p = new GlobalPartitioner<number>();
    p.setup();
    expect(pick(p, [1, 2, 3])).toEqual([0, 0, 0]);
  });
});

describe('ShufflePartitioner', () => {
  it('picks channels from the seeded random source, roughly uniformly', () => {
    const run = (seed: number): number[] => {
      const p = new ShufflePartitioner<number>();
      p.setup(4, new SeededRandom(seed));
      return pick(
        p,
        Array.from({ length: 4000 }, (_, i) => i),
      );
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    const counts = [0, 0, 0, 0];
    run(3).forEach((c) => counts[c]++);
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });
});

describe('KeyGroupStreamPartitioner (HASH)', () => {
  it('routes keys to the subtask owning their key group', () => {
    const p = new KeyGroupStreamPartitioner<{ ip: string }, string>((r) => r.ip);
    p.configure(128);
    p.setup(4);
    const ips = ['192.168.1.1', '192.168.1.2', '192.168.1.3', '192.168.1.4'];
    expect(
      pick(
        p,
        ips.map((ip) => ({ ip })),
      ),
    ).toEqual([3, 0, 2, 3]);
  });

  it('must be configured with the consumer max parallelism before use', () => {
    expect(() => new KeyGroupStreamPartitioner<number, number>((x) => x).setup(4)).toThrow(/maxParallelism/);
  });
});

describe('CustomPartitionerWrapper', () => {
  it('uses the user partitioner on the extracted key and checks its answer', () => {
    const p = new CustomPartitionerWrapper<{ n: number }, number>(
      (k, n) => k % n,
      (r) => r.n,
    );
    p.setup(3);
    expect(pick(p, [{ n: 4 }, { n: 5 }])).toEqual([1, 2]);
    const bad = new CustomPartitionerWrapper<number, number>(
      () => 7,
      (x) => x,
    );
    bad.setup(3);
    expect(() => bad.selectChannel(1)).toThrow(/returned 7/);
  });
});
