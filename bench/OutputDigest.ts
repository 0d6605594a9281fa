/**
 * An order-independent fingerprint of a job's output lines: how many, and a sum of 32-bit
 * hashes. Two runs of the same job (any parallelism, any runtime) must agree, which is how the
 * benchmark checks that every case did the same work.
 */
export class OutputDigest {
  count = 0;
  private sum = 0;

  /** `normalize` maps a line to what must agree between runs (drop what the job leaves open). */
  constructor(private readonly normalize: (line: string) => string = (l) => l) {}

  add(raw: string): void {
    const line = this.normalize(raw);
    let h = 0x811c9dc5;
    for (let i = 0; i < line.length; i++) h = Math.imul(h ^ line.charCodeAt(i), 0x01000193);
    this.sum = (this.sum + (h >>> 0)) % 0x1_0000_0000_0000;
    this.count++;
  }

  /** Feeds a number (cheaper than a line where a sink sees every record). */
  addNumber(n: number): void {
    this.sum = (this.sum + (Math.abs(Math.round(n)) % 0x1_0000_0000)) % 0x1_0000_0000_0000;
    this.count++;
  }

  /** Feeds every line of `text` (what a print sink writes). */
  addText(text: string): void {
    let start = 0;
    for (;;) {
      const at = text.indexOf('\n', start);
      if (at < 0) break;
      // A print sink at parallelism > 1 prefixes "k> ": the subtask is not part of the result.
      const line = text.slice(start, at);
      const gt = line.indexOf('> ');
      this.add(gt >= 0 && gt < 4 ? line.slice(gt + 2) : line);
      start = at + 1;
    }
  }

  /** State that another thread's digest can merge (order-independent, like the digest). */
  toData(): { readonly count: number; readonly sum: number } {
    return { count: this.count, sum: this.sum };
  }

  merge(data: { readonly count: number; readonly sum: number }): void {
    this.count += data.count;
    this.sum = (this.sum + data.sum) % 0x1_0000_0000_0000;
  }

  toString(): string {
    return `${this.count}:${this.sum.toString(16)}`;
  }
}
