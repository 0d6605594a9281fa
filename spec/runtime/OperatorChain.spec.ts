import createDebug from 'debug';
import { OutputTag } from '../../lib/core/OutputTag';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { JobVertex } from '../../lib/graph/JobGraph';
import { AbstractStreamOperator } from '../../lib/runtime/AbstractStreamOperator';
import { MailboxTimerService } from '../../lib/runtime/MailboxTimerService';
import { OperatorChain } from '../../lib/runtime/OperatorChain';
import { OperatorContext } from '../../lib/runtime/StreamOperator';
import { OperatorMetrics } from '../../lib/runtime/TaskMetrics';
import { ManualClock } from '../../lib/time/ManualClock';

/** Everything the probes of one chain did, in order, as `operator:event`. */
type Log = string[];

/** Passes records on with its name appended, and writes its life down in the log. */
class Probe extends AbstractStreamOperator<string, string> {
  constructor(
    name: string,
    private readonly log: Log,
    private readonly failClose = false,
  ) {
    super(name);
  }

  override open(): void {
    this.log.push(`${this.name}:open`);
  }

  processElement(value: string, timestamp: number): void {
    this.log.push(`${this.name}:${value}@${timestamp}`);
    this.output.collect(`${value}>${this.name}`, timestamp + 1);
  }

  override endInput(): void {
    this.log.push(`${this.name}:endInput`);
    this.output.collect(`flushed by ${this.name}`, 0);
  }

  override close(): void {
    this.log.push(`${this.name}:close`);
    if (this.failClose) throw new Error(`${this.name} failed to close`);
  }
}

const evens = new OutputTag<string>('evens');

/** Sends values ending in an even digit to the side output `evens`, the rest on. */
class Splitter extends AbstractStreamOperator<string, string> {
  processElement(value: string, timestamp: number): void {
    if (Number(value.at(-1)) % 2 === 0) this.output.collectSide(evens, value, timestamp);
    else this.output.collect(value, timestamp);
  }
}

function contextFor(vertex: JobVertex): (node: { name: string }, metrics: OperatorMetrics) => OperatorContext {
  const clock = new ManualClock(0);
  const timers = new MailboxTimerService(clock, () => undefined);
  return (node, metrics) => ({
    operatorName: node.name,
    taskName: vertex.name,
    subtaskIndex: 0,
    parallelism: 1,
    maxParallelism: 128,
    attemptNumber: 0,
    clock,
    processingTimeService: timers,
    metrics,
    log: createDebug('brook:spec:chain'),
    stdout: { write: () => undefined },
    stderr: { write: () => undefined },
    autoWatermarkInterval: 200,
  });
}

/** The vertex whose head operator is `head`, from a job built by `define`. */
function vertexOf(define: (env: StreamExecutionEnvironment) => void, head: string): JobVertex {
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1, clock: new ManualClock(0) });
  define(env);
  const vertex = env.getJobGraph().vertices.find((v) => v.headNode.name === head);
  if (!vertex) throw new Error(`no vertex with head ${head}`);
  return vertex;
}

function chainOf(vertex: JobVertex): OperatorChain {
  return new OperatorChain(vertex, new Map(), contextFor(vertex));
}

describe('OperatorChain', () => {
  const log: Log = [];
  const sunk: string[] = [];
  beforeEach(() => {
    log.length = 0;
    sunk.length = 0;
  });

  /** rebalance → A → B → sink, all in one task. */
  const threeInARow = (failClose = false): JobVertex =>
    vertexOf(
      (env) =>
        env
          .fromGenerator((i) => String(i), 0)
          .rebalance()
          .transform<string>('A', (name) => new Probe(name, log))
          .transform<string>('B', (name) => new Probe(name, log, failClose))
          .addSink((v: string) => void sunk.push(v)),
      'A',
    );

  it('holds the operators of the vertex head first, each wired to the next by plain calls', () => {
    const chain = chainOf(threeInARow());
    expect(chain.operators.map((o) => o.node.name)).toEqual(['A', 'B', expect.stringMatching(/^Sink/)]);
    expect(chain.head.node.name).toBe('A');
    expect(chain.sourceOperator).toBeUndefined();
    chain.open();
    chain.head.operator.processElement('x', 10);
    // Synchronously through the whole chain: B saw A's output, the sink B's.
    expect(log).toEqual(['B:open', 'A:open', 'A:x@10', 'B:x>A@11']);
    expect(sunk).toEqual(['x>A>B']);
    expect(chain.operators.map((o) => [o.metrics.numRecordsIn, o.metrics.numRecordsOut])).toEqual([
      [0, 1],
      [1, 1],
      [1, 0],
    ]);
  });

  it('opens tail first, ends input head first (what a producer flushes at the end still reaches its consumers)', () => {
    const chain = chainOf(threeInARow());
    chain.open();
    log.length = 0;
    chain.endInput();
    expect(log).toEqual(['A:endInput', 'B:flushed by A@0', 'B:endInput']);
    expect(sunk).toEqual(['flushed by A>B', 'flushed by B']);
  });

  it('closes every operator even when one fails to close, and returns the errors', () => {
    const chain = chainOf(threeInARow(true));
    chain.open();
    log.length = 0;
    const errors = chain.close();
    expect(log).toEqual(['A:close', 'B:close']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['B failed to close']);
  });

  it('routes side outputs to the operators chained on their tag', () => {
    const side: string[] = [];
    const vertex = vertexOf((env) => {
      const split = env
        .fromGenerator((i) => String(i), 0)
        .rebalance()
        .transform<string>('Splitter', (name) => new Splitter(name));
      split.getSideOutput(evens).addSink((v: string) => void side.push(v));
      split.addSink((v: string) => void sunk.push(v));
    }, 'Splitter');
    const chain = chainOf(vertex);
    chain.open();
    for (const v of ['v1', 'v2', 'v3', 'v4']) chain.head.operator.processElement(v, 0);
    expect(sunk).toEqual(['v1', 'v3']);
    expect(side).toEqual(['v2', 'v4']);
  });

  it('names the edge and the task when an output of the chain has no record writer', () => {
    const vertex = vertexOf(
      (env) =>
        env
          .fromGenerator((i) => String(i), 0)
          .rebalance()
          .transform<string>('A', (name) => new Probe(name, log))
          .rebalance()
          .addSink(() => undefined),
      'A',
    );
    expect(() => chainOf(vertex)).toThrow(new RegExp(`no record writer for edge .* of task '${vertex.name}'`));
  });

  it('a chain that starts with a source has a source operator', () => {
    const vertex = vertexOf((env) => env.fromGenerator((i) => String(i), 3).addSink(() => undefined), 'Source: Generator Source');
    expect(chainOf(vertex).sourceOperator).toBeDefined();
  });
});
