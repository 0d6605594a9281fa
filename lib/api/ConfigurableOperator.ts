import { OperatorSettings } from '../graph/Transformation';

/**
 * The settings a user sets on the operator behind a handle: name, uid, parallelism, chaining and
 * slot sharing group. DataStreamSink extends it; SingleOutputStreamOperator, a DataStream and so
 * unable to extend it too, takes its methods with `withConfigurableOperator`.
 */
export abstract class ConfigurableOperator {
  protected abstract readonly settings: OperatorSettings;

  name(name: string): this {
    this.settings.name = name;
    return this;
  }

  /** A stable id for this operator's state across job versions (savepoints). */
  uid(uid: string): this {
    this.settings.uid = uid;
    return this;
  }

  setParallelism(parallelism: number): this {
    checkParallelism(parallelism);
    this.settings.parallelism = parallelism;
    return this;
  }

  /** This operator will not be chained to its predecessor or successor. */
  disableChaining(): this {
    this.settings.chainingStrategy = 'NEVER';
    return this;
  }

  slotSharingGroup(group: string): this {
    this.settings.slotSharingGroup = group;
    return this;
  }
}

const SETTERS = ['name', 'uid', 'setParallelism', 'disableChaining', 'slotSharingGroup'] as const;

/**
 * Gives a class that keeps its OperatorSettings in `settings` ConfigurableOperator's methods (its
 * type says so by merging an interface `extends ConfigurableOperator` into the class).
 */
export function withConfigurableOperator(target: { prototype: object }): void {
  for (const setter of SETTERS) {
    Object.defineProperty(target.prototype, setter, {
      value: ConfigurableOperator.prototype[setter],
      writable: true,
      configurable: true,
    });
  }
}

export function checkParallelism(parallelism: number): void {
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new RangeError(`parallelism must be a positive integer, got ${parallelism}`);
  }
}
