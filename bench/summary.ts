import { median } from './stats';

/** One run of one case, as its process reports it. */
export interface Sample {
  readonly records: number;
  readonly digest: string;
  readonly maxRecordsInFlight?: number;
  readonly elapsedMs: number;
  /** Start to the end of output, when the run then waits for something that is not throughput (a final checkpoint). */
  readonly processingMs?: number;
  readonly peakRssMb: number;
  /** Main thread: time in GC pauses, and time the event loop was busy (not idle). */
  readonly gcMs?: number;
  readonly busyMs?: number;
  /** Checkpoints triggered before the end of output and completed, for the cases that checkpoint. */
  readonly checkpointsCompleted?: number;
}

/** A case over all its runs. */
export interface CaseSummary {
  readonly name: string;
  readonly group: string;
  readonly description: string;
  readonly cores: number;
  /** The case without checkpoints that this one repeats with them (rendered as a column of it). */
  readonly withCheckpointsOf?: string;
  readonly samples: readonly Sample[];
  readonly failures: readonly string[];
  readonly recordsPerSecond: number;
  readonly spread: number;
  readonly peakRssMb: number;
  readonly digestsAgree: boolean | undefined;
  readonly flinkPerCore: number | undefined;
}

export const sampleRate = (x: Sample): number => (x.records / (x.processingMs ?? x.elapsedMs)) * 1000;

/** GC pauses as a share of the main thread's busy time, or undefined when not measured. */
export function gcShare(x: Sample): number | undefined {
  return x.gcMs === undefined || x.busyMs === undefined || x.busyMs <= 0 ? undefined : x.gcMs / x.busyMs;
}

/**
 * f(a's run r, b's run r) over runs, median. Cases run interleaved, so run r of every case saw
 * about the same load; the median of per-run ratios is steadier than the ratio of medians on a
 * shared machine. When the runs do not pair up (a failed run), the ratio of the medians.
 */
export function pairedMedian(
  a: CaseSummary | undefined,
  b: CaseSummary | undefined,
  f: (x: Sample, y: Sample) => number | undefined,
  unpaired: (a: CaseSummary, b: CaseSummary) => number | undefined,
): number | undefined {
  if (!a || !b || a.samples.length === 0 || b.samples.length === 0) return undefined;
  if (a.samples.length !== b.samples.length || a.failures.length > 0 || b.failures.length > 0) return unpaired(a, b);
  const ratios = a.samples.map((x, i) => f(x, b.samples[i]));
  if (ratios.some((r) => r === undefined)) return undefined;
  return median(ratios as number[]);
}

/** a's records/s over b's, paired by run. */
export function pairedRatio(a: CaseSummary | undefined, b: CaseSummary | undefined): number | undefined {
  return pairedMedian(
    a,
    b,
    (x, y) => sampleRate(x) / sampleRate(y),
    (x, y) => x.recordsPerSecond / y.recordsPerSecond,
  );
}
