import { JobVertex } from '../graph/JobGraph';
import { StreamNode } from '../graph/StreamGraph';
import { SourceOperator } from './operators/SourceOperator';
import { ChainingOutput, OperatorOutput } from './OperatorOutput';
import { RecordWriterOutput } from './RecordWriterOutput';
import { OperatorContext, Output, StreamOperator } from './StreamOperator';
import { OperatorMetrics } from './TaskMetrics';

export interface ChainedOperator {
  readonly node: StreamNode;
  readonly operator: StreamOperator<unknown, unknown>;
  readonly metrics: OperatorMetrics;
}

/**
 * The operators of one task, wired by plain calls: each operator's output calls the next
 * operator's processElement directly, and the chain's exits are record writers. Operators
 * are opened tail first (a consumer is ready before its producer runs) and finished head
 * first (what a producer flushes on end of input still reaches its consumers).
 */
export class OperatorChain {
  readonly operators: readonly ChainedOperator[];
  readonly head: ChainedOperator;
  /** Operators that may refuse input (async I/O): checked before every input batch. */
  private readonly blockable: readonly StreamOperator<unknown, unknown>[];
  /** Operators that have finished end of input; endInput was called on operators[0..endInputCalled). */
  private inputEnded = 0;
  private endInputCalled = 0;

  constructor(
    vertex: JobVertex,
    recordWriters: ReadonlyMap<string, RecordWriterOutput>,
    contextFor: (node: StreamNode, metrics: OperatorMetrics) => OperatorContext,
  ) {
    const byNode = new Map<number, ChainedOperator>();
    const operators = vertex.nodes.map((node) => {
      const metrics = new OperatorMetrics(node.name);
      const chained: ChainedOperator = { node, operator: createOperator(node), metrics };
      byNode.set(node.id, chained);
      return chained;
    });
    const chainedEdgeIds = new Set(vertex.chainedEdges.map((e) => e.id));
    for (const op of operators) {
      const main: Output<unknown>[] = [];
      const side = new Map<string, Output<unknown>[]>();
      for (const edge of op.node.outEdges) {
        let target: Output<unknown>;
        if (chainedEdgeIds.has(edge.id)) {
          const next = byNode.get(edge.targetId)!;
          target = new ChainingOutput(next.operator, next.metrics);
        } else {
          const writer = recordWriters.get(edge.id);
          if (!writer) throw new Error(`no record writer for edge ${edge.id} of task '${vertex.name}'`);
          target = writer;
        }
        if (edge.outputTag) {
          const list = side.get(edge.outputTag.id) ?? [];
          list.push(target);
          side.set(edge.outputTag.id, list);
        } else {
          main.push(target);
        }
      }
      op.operator.setup(contextFor(op.node, op.metrics), new OperatorOutput(main, side, op.metrics));
    }
    this.operators = operators;
    this.head = operators[0];
    this.blockable = operators.map((o) => o.operator).filter((o) => o.isInputBlocked !== undefined);
  }

  get sourceOperator(): SourceOperator<unknown> | undefined {
    return this.head.operator instanceof SourceOperator ? this.head.operator : undefined;
  }

  open(): void {
    for (let i = this.operators.length - 1; i >= 0; i--) this.operators[i].operator.open();
  }

  /**
   * End of input, head first. An operator with work still pending (async requests in flight)
   * holds back the operators after it: returns false, and the task calls again after each
   * mailbox action until every operator has ended (true).
   */
  endInput(): boolean {
    for (; this.inputEnded < this.operators.length; this.inputEnded++) {
      const operator = this.operators[this.inputEnded].operator;
      if (this.endInputCalled === this.inputEnded) {
        this.endInputCalled++;
        operator.endInput();
      }
      if (operator.hasPendingWork?.()) return false;
    }
    return true;
  }

  /** Some operator refuses input for now (its async queue is full). */
  isInputBlocked(): boolean {
    for (const op of this.blockable) if (op.isInputBlocked!()) return true;
    return false;
  }

  flush(): void {
    for (const op of this.operators) op.operator.flush();
  }

  /** Closes every operator; errors are collected so one failing close does not leak the rest. */
  close(): unknown[] {
    const errors: unknown[] = [];
    for (const op of this.operators) {
      try {
        op.operator.close();
      } catch (e) {
        errors.push(e);
      }
    }
    return errors;
  }
}

function createOperator(node: StreamNode): StreamOperator<unknown, unknown> {
  if (node.kind === 'source') {
    return new SourceOperator<unknown>(node.source!, node.watermarkStrategy, node.name);
  }
  return node.operatorFactory!(node.name);
}
