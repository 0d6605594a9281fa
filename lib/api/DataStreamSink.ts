import { OperatorSettings } from '../graph/Transformation';

/** The end of a stream: a sink whose name, uid, parallelism and chaining can be set. */
export class DataStreamSink<T> {
  /** Phantom member: a sink of T is not a sink of anything else. */
  declare readonly __element?: (value: T) => T;

  constructor(private readonly settings: OperatorSettings) {}

  name(name: string): this {
    this.settings.name = name;
    return this;
  }

  uid(uid: string): this {
    this.settings.uid = uid;
    return this;
  }

  setParallelism(parallelism: number): this {
    checkParallelism(parallelism);
    this.settings.parallelism = parallelism;
    return this;
  }

  disableChaining(): this {
    this.settings.chainingStrategy = 'NEVER';
    return this;
  }

  slotSharingGroup(group: string): this {
    this.settings.slotSharingGroup = group;
    return this;
  }
}

export function checkParallelism(parallelism: number): void {
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new RangeError(`parallelism must be a positive integer, got ${parallelism}`);
  }
}
