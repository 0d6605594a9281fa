import { OperatorSettings } from '../graph/Transformation';
import { copyMethods } from '../util/copyMethods';

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

/** Gives `target`, a class keeping its OperatorSettings in `settings`, ConfigurableOperator's methods. */
export function withConfigurableOperator(target: { prototype: object }): void {
  copyMethods(target, ConfigurableOperator, ['name', 'uid', 'setParallelism', 'disableChaining', 'slotSharingGroup']);
}

export function checkParallelism(parallelism: number): void {
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new RangeError(`parallelism must be a positive integer, got ${parallelism}`);
  }
}
