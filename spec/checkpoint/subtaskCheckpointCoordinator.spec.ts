import fs from 'fs';
import os from 'os';
import path from 'path';
import v8 from 'v8';
import { StreamNode } from '../../lib/graph/StreamGraph';
import { CheckpointBarrier } from '../../lib/runtime/checkpoint/CheckpointBarrier';
import { StateHandle, SubtaskCheckpointStats } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import { SubtaskCheckpointCoordinator } from '../../lib/runtime/checkpoint/SubtaskCheckpointCoordinator';
import { ChainedOperator } from '../../lib/runtime/OperatorChain';
import { RecordWriterOutput } from '../../lib/runtime/RecordWriterOutput';
import { OperatorStateSnapshot } from '../../lib/runtime/state/OperatorStateSnapshot';
import { StreamOperator } from '../../lib/runtime/StreamOperator';
import { ManualClock } from '../../lib/time/ManualClock';
import { TraceLog } from '../../lib/util/TraceLog';

const silent: TraceLog = Object.assign(() => undefined, { enabled: false, namespace: 'test' });

/** One operator of a chain: only what the subtask's checkpoint part calls. */
function chained(uid: string | undefined, id: number, name: string, operator: Partial<StreamOperator<unknown, unknown>>): ChainedOperator {
  return { node: { id, uid, name } as StreamNode, operator: operator as StreamOperator<unknown, unknown>, metrics: {} as ChainedOperator['metrics'] };
}

describe("a subtask's part of a checkpoint", () => {
  let clock: ManualClock;
  let events: string[];
  let acks: Array<{ checkpointId: number; state: StateHandle | undefined; stats: SubtaskCheckpointStats }>;
  let declines: Array<{ checkpointId: number; reason: string; countsAsFailure: boolean }>;
  let work: Array<Promise<unknown>>;
  let coordinator: SubtaskCheckpointCoordinator;
  let dir: string;

  const writer = (name: string): RecordWriterOutput =>
    ({ broadcastBarrier: (b: CheckpointBarrier) => events.push(`${name} barrier ${b.checkpointId}`) }) as unknown as RecordWriterOutput;
  const barrier = (checkpointId: number, location?: CheckpointBarrier['location']): CheckpointBarrier => ({
    checkpointId,
    timestamp: 1000 + checkpointId,
    kind: 'CHECKPOINT',
    location,
  });
  const settled = async (): Promise<void> => void (await Promise.all(work));
  const decoded = (handle: StateHandle | undefined): Record<string, OperatorStateSnapshot> => {
    if (handle?.kind !== 'bytes') throw new Error(`expected bytes, got ${JSON.stringify(handle)}`);
    return v8.deserialize(handle.bytes) as Record<string, OperatorStateSnapshot>;
  };

  beforeEach(() => {
    clock = new ManualClock(5000);
    events = [];
    acks = [];
    declines = [];
    work = [];
    coordinator = new SubtaskCheckpointCoordinator(
      '2-0.state',
      clock,
      {
        acknowledgeCheckpoint: (checkpointId, state, stats) => {
          events.push(`ack ${checkpointId}`);
          acks.push({ checkpointId, state, stats });
        },
        declineCheckpoint: (checkpointId, reason, countsAsFailure) => {
          events.push(`decline ${checkpointId}`);
          declines.push({ checkpointId, reason, countsAsFailure });
        },
      },
      silent,
      (w) => void work.push(w),
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-subtask-checkpoint-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('snapshots every operator of the chain at the barrier, then sends the barrier on, then pre-commits; acknowledges the state once every pre-commit is done', async () => {
    let commit!: () => void;
    const operators = [
      chained('source', 1, 'Source', {
        snapshotState: (c) => {
          events.push(`snapshot source ${c.checkpointId} at ${c.timestamp}`);
          return { operator: ['position-7'] };
        },
      }),
      chained(undefined, 4, 'Map', { snapshotState: () => (events.push('snapshot map'), { keyed: new Map([[3, 'three']]) }) }),
      chained('stateless', 5, 'Filter', { snapshotState: () => (events.push('snapshot filter'), { keyed: new Map(), operator: [] }) }),
      chained('no-snapshot', 6, 'Print', {}),
      chained('sink', 7, 'Sink', {
        snapshotState: () => (events.push('snapshot sink'), {}),
        preCommit: (id) => {
          events.push(`pre-commit ${id}`);
          return new Promise<void>((resolve) => (commit = resolve));
        },
      }),
    ];
    coordinator.checkpointState(barrier(3), operators, [writer('out-0'), writer('out-1')], 0);
    expect(events).toEqual([
      'snapshot source 3 at 1003',
      'snapshot map',
      'snapshot filter',
      'snapshot sink',
      'out-0 barrier 3',
      'out-1 barrier 3',
      'pre-commit 3',
    ]);
    expect(work).toHaveLength(1);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(acks).toEqual([]);
    commit();
    await settled();
    expect(events.slice(-1)).toEqual(['ack 3']);
    expect(acks[0].checkpointId).toBe(3);
    // Only operators with state are in it, by uid, else by stream node id.
    expect(decoded(acks[0].state)).toEqual({ source: { operator: ['position-7'] }, 'node-4': { keyed: new Map([[3, 'three']]) } });
    expect(declines).toEqual([]);
  });

  it('acknowledges without state when no operator has any', async () => {
    coordinator.checkpointState(barrier(1), [chained('a', 1, 'A', { snapshotState: () => ({}) }), chained('b', 2, 'B', {})], [writer('out')], 0);
    await settled();
    expect(acks).toEqual([{ checkpointId: 1, state: undefined, stats: { alignmentDurationMs: 0, syncDurationMs: 0, asyncDurationMs: 0, stateSize: 0 } }]);
  });

  it('reports how long alignment, the snapshots and the asynchronous part took, and the state size', async () => {
    let commit!: () => void;
    const operators = [
      chained('source', 1, 'Source', {
        snapshotState: () => {
          clock.advance(30);
          return { operator: ['x'] };
        },
        preCommit: () => new Promise<void>((resolve) => (commit = resolve)),
      }),
    ];
    coordinator.checkpointState(barrier(2), operators, [], 12);
    clock.advance(200);
    commit();
    await settled();
    expect(acks[0].stats).toEqual({
      alignmentDurationMs: 12,
      syncDurationMs: 30,
      asyncDurationMs: 200,
      stateSize: v8.serialize({ source: { operator: ['x'] } }).length,
    });
  });

  it("writes the state to the checkpoint's directory when the barrier has one, under the subtask's file name", async () => {
    coordinator.checkpointState(
      barrier(5, { directory: dir, replicas: 2 }),
      [chained('source', 1, 'Source', { snapshotState: () => ({ operator: ['p'] }) })],
      [],
      0,
    );
    await settled();
    expect(acks[0].state).toEqual({ kind: 'file', file: '2-0.state', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), replicas: ['2-0.state.replica-1'] });
    expect(v8.deserialize(fs.readFileSync(path.join(dir, '2-0.state')))).toEqual({ source: { operator: ['p'] } });
  });

  it('declines, as a failure with its reason, when a pre-commit fails or the state cannot be written', async () => {
    coordinator.checkpointState(barrier(1), [chained('sink', 1, 'Sink', { preCommit: () => Promise.reject(new Error('flush failed: disk full')) })], [], 0);
    coordinator.checkpointState(barrier(2), [chained('sink', 1, 'Sink', { preCommit: () => Promise.reject('connection reset') })], [], 0);
    const notADirectory = path.join(dir, 'a-file');
    fs.writeFileSync(notADirectory, '');
    coordinator.checkpointState(
      barrier(3, { directory: notADirectory, replicas: 1 }),
      [chained('source', 1, 'Source', { snapshotState: () => ({ operator: ['p'] }) })],
      [],
      0,
    );
    await Promise.allSettled(work);
    expect(acks).toEqual([]);
    expect(declines).toEqual([
      { checkpointId: 1, reason: 'flush failed: disk full', countsAsFailure: true },
      { checkpointId: 2, reason: 'connection reset', countsAsFailure: true },
      { checkpointId: 3, reason: expect.stringMatching(/ENOTDIR: .*a-file\/2-0\.state'$/), countsAsFailure: true },
    ]);
  });

  it('declines a snapshot that cannot be serialized, naming the operator and the entry', async () => {
    coordinator.checkpointState(barrier(1), [chained('source', 1, 'My Source', { snapshotState: () => ({ operator: ['ok', () => 'a function'] }) })], [], 0);
    coordinator.checkpointState(
      barrier(2),
      [chained(undefined, 3, 'Keyed', { snapshotState: () => ({ keyed: new Map([[1, Symbol('not cloneable')]]) }) })],
      [],
      0,
    );
    await settled();
    expect(declines).toEqual([
      { checkpointId: 1, reason: expect.stringMatching(/^operator state entry 1 in operator 'My Source' could not be cloned: /), countsAsFailure: true },
      // Not a state value it can name: the serializer's own error.
      { checkpointId: 2, reason: expect.stringMatching(/could not be cloned/), countsAsFailure: true },
    ]);
  });

  it('lets the records behind the barrier go on before it serializes the state', async () => {
    coordinator.checkpointState(barrier(1), [chained('source', 1, 'Source', { snapshotState: () => ({ operator: ['p'] }) })], [], 0);
    setImmediate(() => events.push('a record behind the barrier'));
    await settled();
    expect(events).toEqual(['a record behind the barrier', 'ack 1']);
  });
});
