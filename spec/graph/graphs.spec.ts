import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { buildExecutionGraph, connectedConsumers } from '../../lib/graph/ExecutionGraph';
import { requiredSlots } from '../../lib/graph/JobGraph';
import { defineIpCountJob } from '../../samples/ipcount/IpCountJob';
import { SEED_EXPLAIN } from '../samples/seedLesson';

const env = (parallelism = 4): StreamExecutionEnvironment => StreamExecutionEnvironment.createLocalEnvironment({ parallelism });

describe('the seed job graph', () => {
  const seed = (): StreamExecutionEnvironment => {
    const e = env();
    defineIpCountJob(e, { host: 'localhost', port: 9999 }, 4);
    return e;
  };

  it('chains into 3 tasks: Source (1) -REBALANCE-> Map -> Map -> Timestamps/Watermarks (4) -HASH-> Window -> Map -> Sink (4)', () => {
    const job = seed().getJobGraph('Socket Window IpCount');
    expect(job.vertices.map((v) => [v.name, v.parallelism])).toEqual([
      ['Source: Socket Stream', 1],
      ['Map -> Map -> Timestamps/Watermarks', 4],
      ['Window(TumblingEventTimeWindows(5000), EventTimeTrigger, SumAggregator, PassThroughWindowFunction) -> Map -> Sink: Print to Std. Out', 4],
    ]);
    expect(job.edges.map((e) => [e.source.id, e.shipStrategy, e.target.id, e.pattern])).toEqual([
      [1, 'REBALANCE', 2, 'ALL_TO_ALL'],
      [2, 'HASH', 3, 'ALL_TO_ALL'],
    ]);
    expect(requiredSlots(job)).toBe(4);
  });

  it("renders Flink's execution plan JSON (keyBy uses up an id, sinks last)", () => {
    const plan = seed().getExecutionPlanObject();
    expect(plan.nodes.map((n) => [n.id, n.type, n.pact, n.parallelism, n.predecessors?.map((p) => `${p.id}:${p.ship_strategy}`)])).toEqual([
      [1, 'Source: Socket Stream', 'Data Source', 1, undefined],
      [2, 'Map', 'Operator', 4, ['1:REBALANCE']],
      [3, 'Map', 'Operator', 4, ['2:FORWARD']],
      [4, 'Timestamps/Watermarks', 'Operator', 4, ['3:FORWARD']],
      [6, 'Window(TumblingEventTimeWindows(5000), EventTimeTrigger, SumAggregator, PassThroughWindowFunction)', 'Operator', 4, ['4:HASH']],
      [7, 'Map', 'Operator', 4, ['6:FORWARD']],
      [8, 'Sink: Print to Std. Out', 'Data Sink', 4, ['7:FORWARD']],
    ]);
    expect(plan.nodes[1]).toMatchObject({ contents: 'Map', predecessors: [{ id: 1, ship_strategy: 'REBALANCE', side: 'second' }] });
    expect(JSON.parse(seed().getExecutionPlan())).toEqual(plan);
  });

  it('explains the DAG as text with edge labels', () => {
    expect(seed().explain('Socket Window IpCount')).toBe(SEED_EXPLAIN);
  });
});

describe("chaining (Flink's rule)", () => {
  const names = (e: StreamExecutionEnvironment): string[] => e.getJobGraph().vertices.map((v) => v.name);

  it('chains a source to a map of the same parallelism over a forward edge', () => {
    const e = env(1);
    e.fromElements(1, 2)
      .map((x) => x + 1)
      .print();
    expect(names(e)).toEqual(['Source: Collection Source -> Map -> Sink: Print to Std. Out']);
  });

  it('does not chain across a parallelism change, an explicit partitioner, or disabled chaining', () => {
    const e = env(2);
    const s = e.fromElements(1, 2); // non-parallel: 1
    s.map((x) => x)
      .name('A')
      .rebalance()
      .map((x) => x)
      .name('B')
      .disableChaining()
      .map((x) => x)
      .name('C')
      .print();
    expect(names(e)).toEqual(['Source: Collection Source', 'A', 'B', 'C -> Sink: Print to Std. Out']);
  });

  it('an operator and a sink take name, uid, parallelism, chaining and slot sharing group alike', () => {
    const e = env(2);
    const mapped = e
      .fromElements(1, 2)
      .map((x) => x)
      .name('M')
      .uid('m')
      .setParallelism(3)
      .disableChaining()
      .slotSharingGroup('g1');
    mapped.print().name('S').uid('s').setParallelism(1).disableChaining().slotSharingGroup('g2');
    const settings = [...e.getStreamGraph().nodes.values()]
      .filter((n) => n.kind !== 'source')
      .map((n) => [n.name, n.uid, n.parallelism, n.chainingStrategy, n.slotSharingGroup]);
    expect(settings).toEqual([
      ['M', 'm', 3, 'NEVER', 'g1'],
      ['Sink: S', 's', 1, 'NEVER', 'g2'],
    ]);
    expect(() => mapped.setParallelism(0)).toThrow('parallelism must be a positive integer, got 0');
  });

  it('starts a new chain at startNewChain and never chains operators with two inputs', () => {
    const e = env(1);
    const a = e
      .fromElements(1)
      .map((x) => x)
      .name('A');
    const b = e
      .fromElements(2)
      .map((x) => x)
      .name('B');
    a.map((x) => x)
      .name('C')
      .startNewChain()
      .map((x) => x)
      .name('D')
      .print();
    a.union(b)
      .map((x) => x)
      .name('U')
      .print();
    expect(names(e)).toEqual([
      'Source: Collection Source -> A',
      'Source: Collection Source -> B',
      'C -> D -> Sink: Print to Std. Out',
      'U -> Sink: Print to Std. Out',
    ]);
  });

  it('names a chain that branches "A -> (B, C)"', () => {
    const e = env(1);
    const a = e
      .fromElements(1)
      .map((x) => x)
      .name('A');
    a.map((x) => x)
      .name('B')
      .print();
    a.map((x) => x)
      .name('C')
      .print();
    expect(names(e)).toEqual(['Source: Collection Source -> A -> (B -> Sink: Print to Std. Out, C -> Sink: Print to Std. Out)']);
  });

  it('puts every operator in its own task when chaining is disabled for the job', () => {
    const e = env(1).disableOperatorChaining();
    e.fromElements(1)
      .map((x) => x)
      .print();
    expect(names(e)).toEqual(['Source: Collection Source', 'Map', 'Sink: Print to Std. Out']);
  });

  it('refuses a forward edge between different parallelisms, with the Flink message', () => {
    const e = env(4);
    e.fromElements(1)
      .forward()
      .map((x) => x)
      .print();
    expect(() => e.getJobGraph()).toThrow(/Forward partitioning does not allow change of parallelism/);
  });

  it('refuses parallelism above 1 for a non-parallel source', () => {
    expect(() => env(4).fromElements(1).setParallelism(2)).toThrow(/non parallel/);
  });
});

describe('ExecutionGraph wiring', () => {
  it('numbers channels: all-to-all producers × consumers, consumer channels in producer order', () => {
    const e = env(3);
    e.fromSequence(1, 10)
      .setParallelism(2)
      .rebalance()
      .map((x) => x)
      .print();
    const job = e.getJobGraph();
    const g = buildExecutionGraph(job);
    const consumer = g.get(2, 1);
    expect(consumer.inputChannels.map((c) => [c.index, c.producer.id, c.producerChannel])).toEqual([
      [0, '1.0', 1],
      [1, '1.1', 1],
    ]);
    expect(g.get(1, 1).outputEdges[0].channels.map((c) => [c.index, c.consumer.id, c.consumerChannel])).toEqual([
      [0, '2.0', 1],
      [1, '2.1', 1],
      [2, '2.2', 1],
    ]);
  });

  it('connects rescale edges pointwise, as Flink: 2 → 4 fans out, 4 → 2 fans in', () => {
    const up = env(2);
    up.fromSequence(1, 8)
      .setParallelism(2)
      .rescale()
      .map((x) => x)
      .setParallelism(4)
      .print();
    const edge = up.getJobGraph().edges[0];
    expect(edge.pattern).toBe('POINTWISE');
    expect([0, 1].map((i) => connectedConsumers(edge, i))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    const down = env(2);
    down
      .fromSequence(1, 8)
      .setParallelism(4)
      .rescale()
      .map((x) => x)
      .setParallelism(2)
      .print();
    const e2 = down.getJobGraph().edges[0];
    expect([0, 1, 2, 3].map((i) => connectedConsumers(e2, i))).toEqual([[0], [0], [1], [1]]);
    const g = buildExecutionGraph(down.getJobGraph());
    expect(g.get(2, 1).inputChannels.map((c) => c.producer.id)).toEqual(['1.2', '1.3']);
  });
});
