import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '../../connectors/source/Source';
import { MAX_WATERMARK, NO_TIMESTAMP } from '../../time/Watermark';
import { WatermarkStrategy } from '../../time/WatermarkStrategy';
import { AbstractStreamOperator } from '../AbstractStreamOperator';
import { OperatorStateSnapshot, StateInitializationContext, StateSnapshotContext } from '../state/OperatorStateSnapshot';
import { TimestampsAndWatermarksOperator } from './TimestampsAndWatermarksOperator';

/**
 * The head of a source task: polls its reader while the task has output credit. With a
 * watermark strategy (env.fromSource(source, strategy, name)) timestamps and watermarks are
 * produced inside the source, as in Flink; a bounded source that ends emits MAX_WATERMARK.
 */
export class SourceOperator<T> extends AbstractStreamOperator<never, T> implements ReaderOutput<T> {
  private reader!: SourceReader<T>;
  private watermarking: TimestampsAndWatermarksOperator<T> | undefined;
  private restoredSplits: readonly unknown[] | undefined;

  constructor(
    readonly source: Source<T>,
    private readonly strategy: WatermarkStrategy<T> | undefined,
    name: string,
  ) {
    super(name);
  }

  /** Called by the task with the hooks the reader needs. */
  createReader(
    ctx: Omit<SourceReaderContext, 'subtaskIndex' | 'parallelism' | 'clock' | 'log' | 'warn' | 'skipRecord' | 'metricGroup' | 'checkpointingMode'>,
  ): void {
    const { subtaskIndex, parallelism, clock, log, stderr, metrics, checkpointingMode } = this.context;
    this.reader = this.source.createReader({
      ...ctx,
      subtaskIndex,
      parallelism,
      clock,
      log,
      warn: (message) => stderr.write(`${this.name} (subtask ${subtaskIndex}): ${message}\n`),
      skipRecord: (reason) => {
        this.metrics.numRecordsSkipped++;
        stderr.write(`${this.name} (subtask ${subtaskIndex}): skipped ${reason}\n`);
      },
      metricGroup: { gauge: (name, read) => metrics.gauge(name, read) },
      restoredSplits: this.restoredSplits,
      checkpointingMode,
    });
  }

  /** Flink's SourceOperator keeps the reader's splits as operator list state (split round robin on rescale). */
  initializeState(context: StateInitializationContext): void {
    this.restoredSplits = context.isRestored ? context.operator : undefined;
  }

  snapshotState(context: StateSnapshotContext): OperatorStateSnapshot {
    return { operator: this.reader?.snapshotState?.(context.checkpointId) ?? [] };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.reader?.notifyCheckpointComplete?.(checkpointId);
  }

  override open(): void {
    if (this.strategy) {
      this.watermarking = new TimestampsAndWatermarksOperator(this.strategy);
      this.watermarking.setup(this.context, this.output);
      this.watermarking.open();
    }
  }

  startReader(): void {
    this.reader.start();
  }

  /** Emits up to `maxRecords` records. */
  emitNext(maxRecords: number): InputStatus {
    return this.reader.pollNext(this, maxRecords);
  }

  collect(value: T, timestamp?: number): void {
    const ts = timestamp ?? NO_TIMESTAMP;
    if (this.watermarking) this.watermarking.processElement(value, ts);
    else this.output.collect(value, ts);
  }

  processElement(): void {
    throw new Error(`source '${this.name}' has no input`);
  }

  /** The reader reached the end: flush watermarks, then MAX so every window downstream fires. */
  override endInput(): void {
    if (this.watermarking) {
      this.watermarking.endInput();
      this.watermarking.processWatermark(MAX_WATERMARK);
    } else {
      this.output.emitWatermark(MAX_WATERMARK);
    }
    this.metrics.currentOutputWatermark = MAX_WATERMARK;
  }

  override close(): void {
    this.watermarking?.close();
    this.reader?.close();
  }
}
