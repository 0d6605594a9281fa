import { AbstractStreamOperator } from '../../lib/runtime/AbstractStreamOperator';
import { assignToKeyGroup } from '../../lib/partitioners/keyGroups';
import { OperatorStateSnapshot, StateInitializationContext } from '../../lib/runtime/state/OperatorStateSnapshot';

export interface KeyCount {
  readonly key: string;
  readonly count: number;
}

/**
 * A keyed operator with checkpointed state, for checkpoint tests: counts elements per key and
 * emits (key, running count). State is kept by key group, so it redistributes on rescale.
 * Exactly once end to end means: the committed output of key k is exactly 1, 2, …, n_k.
 */
export class KeyedCounter extends AbstractStreamOperator<string, KeyCount> {
  private readonly counts = new Map<number, Map<string, number>>();

  constructor() {
    super('Keyed Counter');
  }

  initializeState(context: StateInitializationContext): void {
    for (const [kg, state] of context.keyed) {
      if (kg < context.keyGroupRange.start || kg > context.keyGroupRange.end) throw new Error(`key group ${kg} is not mine`);
      this.counts.set(kg, new Map(state as Map<string, number>));
    }
  }

  processElement(key: string, timestamp: number): void {
    const kg = assignToKeyGroup(key, this.context.maxParallelism);
    let group = this.counts.get(kg);
    if (!group) this.counts.set(kg, (group = new Map()));
    const count = (group.get(key) ?? 0) + 1;
    group.set(key, count);
    this.output.collect({ key, count }, timestamp);
  }

  snapshotState(): OperatorStateSnapshot {
    // A copy: the maps go on changing after the barrier.
    const keyed = new Map<number, Map<string, number>>();
    for (const [kg, m] of this.counts) keyed.set(kg, new Map(m));
    return { keyed };
  }
}
