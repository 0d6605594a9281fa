import { SourceReader, SourceReaderContext } from '../../lib/connectors/source/Source';
import { TextFileSource } from '../../lib/connectors/source/TextFileSource';
import { ManualClock } from '../../lib/time/ManualClock';

export interface ReadResult {
  readonly lines: string[];
  readonly skipped: string[];
  readonly reader: SourceReader<string>;
  readonly ended: boolean;
}

export interface ReadOptions {
  /** Restored splits (a fresh start without). */
  readonly splits?: readonly unknown[];
  /** Stop after this many lines. */
  readonly max?: number;
  readonly maxLineBytes?: number;
  readonly splitBytes?: number;
}

/**
 * Reader `subtask` of `parallelism` of readTextFile(file) (or one restored with `splits`),
 * polled until its input ends or `max` lines, waiting for the file's reads in between. A
 * failure or a warning of the reader throws, even one reported after close.
 */
export async function readTextFileSplits(file: string, subtask: number, parallelism: number, options: ReadOptions = {}): Promise<ReadResult> {
  const { splits, max = Number.POSITIVE_INFINITY, maxLineBytes, splitBytes } = options;
  let wake: () => void = () => undefined;
  const skipped: string[] = [];
  const context: SourceReaderContext = {
    subtaskIndex: subtask,
    parallelism,
    clock: new ManualClock(0),
    log: Object.assign(() => undefined, { enabled: false }) as unknown as SourceReaderContext['log'],
    wakeup: () => wake(),
    fail: (e) => {
      throw e;
    },
    warn: (message) => {
      throw new Error(`unexpected warning: ${message}`);
    },
    skipRecord: (reason) => void skipped.push(reason),
    metricGroup: { gauge: () => undefined },
    restoredSplits: splits,
  };
  const reader = new TextFileSource(file, maxLineBytes, splitBytes).createReader(context);
  reader.start();
  const lines: string[] = [];
  const output = { collect: (l: string) => void lines.push(l) };
  let ended = false;
  while (lines.length < max) {
    const status = reader.pollNext(output, Math.min(max - lines.length, 1000));
    if (status === 'END_OF_INPUT') {
      ended = true;
      break;
    }
    if (status === 'NOTHING_AVAILABLE') await new Promise<void>((r) => (wake = r));
  }
  return { lines, skipped, reader, ended };
}
