/**
 * A small seedable PRNG (mulberry32). Flink picks random starting channels and shuffle
 * targets; brook draws them from here so a test can pin every choice with a seed.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Starts the sequence of `seed` again, without allocating (a generator seeded per event). */
  reseed(seed: number): void {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, bound). */
  nextInt(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** A new generator whose sequence depends on this seed and `salt`, for per-subtask streams. */
  derive(salt: number): SeededRandom {
    // murmur3's finaliser over seed and salt: nearby seeds give unrelated streams.
    let h = (this.state ^ Math.imul(salt + 1, 0x9e3779b9)) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return new SeededRandom(h >>> 0);
  }
}
