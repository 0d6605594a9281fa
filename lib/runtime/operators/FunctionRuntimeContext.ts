import { RuntimeContext } from '../../core/process/RuntimeContext';
import { BackendStateStore, KeyedStateStore } from '../../core/state/KeyedStateStore';
import { HeapKeyedStateBackend } from '../state/HeapKeyedStateBackend';
import { OperatorContext } from '../StreamOperator';

/** A RuntimeContext over an operator's context and (for keyed operators) its keyed state backend. */
export function functionRuntimeContext(context: OperatorContext, backend: (() => HeapKeyedStateBackend<unknown>) | undefined): RuntimeContext {
  const noKeys = (): never => {
    throw new Error(`operator '${context.operatorName}': keyed state is only available on a keyed stream (use keyBy before this function)`);
  };
  const store: KeyedStateStore = backend
    ? new BackendStateStore<null>(
        { getPartitionedState: (d: never, n: never, r: never) => backend().getPartitionedState(d, n, r) },
        () => null,
        (p) => p as null,
      )
    : { getState: noKeys, getListState: noKeys, getMapState: noKeys, getReducingState: noKeys, getAggregatingState: noKeys };
  return {
    getTaskName: () => context.taskName,
    getIndexOfThisSubtask: () => context.subtaskIndex,
    getNumberOfParallelSubtasks: () => context.parallelism,
    getMaxNumberOfParallelSubtasks: () => context.maxParallelism,
    getState: (d) => store.getState(d),
    getListState: (d) => store.getListState(d),
    getMapState: (d) => store.getMapState(d),
    getReducingState: (d) => store.getReducingState(d),
    getAggregatingState: (d) => store.getAggregatingState(d),
  };
}
