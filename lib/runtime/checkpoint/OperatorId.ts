import { StreamNode } from '../../graph/StreamGraph';

/**
 * How an operator's state is found again on restore: its uid when the user set one (as Flink
 * recommends), else its position in the program (the stream node id), which stays the same as
 * long as the program declares the same operators in the same order.
 */
export function operatorIdOf(node: StreamNode): string {
  return node.uid ?? `node-${node.id}`;
}
