import fs from 'fs';
import os from 'os';
import path from 'path';
import v8 from 'v8';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { JobGraph } from '../../lib/graph/JobGraph';
import { CheckpointMetadata } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import { persistSubtaskState } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { assignStates, LoadedCheckpoint, loadCheckpoint, TaskRestore } from '../../lib/runtime/checkpoint/StateAssignment';
import { OperatorStateSnapshot } from '../../lib/runtime/state/OperatorStateSnapshot';
import { TestSource } from '../harness/TestSource';

/** A source (uid `source`) and a keyed reduce (uid `counter`), each its own vertex: 1 and 2. */
function keyedJob(parallelism: number, maxParallelism = 128, extra?: string): JobGraph {
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism });
  env.setMaxParallelism(maxParallelism);
  const keyed = env
    .fromSource(new TestSource<string>(parallelism), undefined, 'Source')
    .uid('source')
    .keyBy((s) => s)
    .reduce((a, b) => a + b)
    .uid('counter');
  if (extra !== undefined) keyed.map((s) => s).uid(extra);
  return env.getJobGraph('assignment test');
}

/** The operators' state of checkpoint 7, as loadCheckpoint returns it. */
function checkpoint7(
  operators: Record<string, { parallelism: number; maxParallelism?: number; taskName?: string; subtasks: Array<OperatorStateSnapshot | undefined> }>,
): LoadedCheckpoint {
  const map = new Map(
    Object.entries(operators).map(([id, o]) => [
      id,
      { taskName: o.taskName ?? id, parallelism: o.parallelism, maxParallelism: o.maxParallelism ?? 128, subtasks: o.subtasks },
    ]),
  );
  return { checkpointId: 7, operators: map };
}

/** What subtasks `1.0`, `1.1`, … (vertex 1: the source) restore for operator `id`. */
function restoredOf(assignments: Map<string, TaskRestore>, vertex: number, id: string): Array<TaskRestore['operators'][string]> {
  return [...assignments.entries()].filter(([key]) => key.startsWith(`${vertex}.`)).map(([, r]) => r.operators[id]);
}

describe('state assignment on restore', () => {
  it('gives every subtask its own state when the parallelism is unchanged, and the id of the checkpoint', () => {
    const checkpoint = checkpoint7({
      source: { parallelism: 2, subtasks: [{ operator: ['p0a', 'p0b'] }, { operator: ['p1'] }] },
      counter: { parallelism: 2, subtasks: [{ keyed: new Map([[3, 'three']]) }, { keyed: new Map([[100, 'hundred']]) }] },
    });
    const assignments = assignStates(checkpoint, keyedJob(2));
    expect([...assignments.keys()]).toEqual(['1.0', '1.1', '2.0', '2.1']);
    for (const restore of assignments.values()) expect(restore.checkpointId).toBe(7);
    expect(restoredOf(assignments, 1, 'source')).toEqual([
      { isRestored: true, restoredCheckpointId: 7, keyGroupRange: { start: 0, end: 63 }, keyed: new Map(), operator: ['p0a', 'p0b'] },
      { isRestored: true, restoredCheckpointId: 7, keyGroupRange: { start: 64, end: 127 }, keyed: new Map(), operator: ['p1'] },
    ]);
    expect(restoredOf(assignments, 2, 'counter')).toEqual([
      { isRestored: true, restoredCheckpointId: 7, keyGroupRange: { start: 0, end: 63 }, keyed: new Map([[3, 'three']]), operator: [] },
      { isRestored: true, restoredCheckpointId: 7, keyGroupRange: { start: 64, end: 127 }, keyed: new Map([[100, 'hundred']]), operator: [] },
    ]);
  });

  it('hands out copies of the operator state: what a restored operator changes is not the checkpoint', () => {
    const entries = ['p0'];
    const checkpoint = checkpoint7({ source: { parallelism: 1, subtasks: [{ operator: entries }] } });
    const restored = restoredOf(assignStates(checkpoint, keyedJob(1)), 1, 'source')[0].operator;
    expect(restored).toEqual(['p0']);
    expect(restored).not.toBe(entries);
  });

  it('on rescaling, gives each key group to the subtask whose range holds it, from whichever subtask had it', () => {
    // Ranges at parallelism 3 of 128 key groups: [0, 42], [43, 85], [86, 127].
    const checkpoint = checkpoint7({
      counter: {
        parallelism: 2,
        subtasks: [
          {
            keyed: new Map<number, unknown>([
              [0, 'kg0'],
              [42, 'kg42'],
              [43, 'kg43'],
              [63, 'kg63'],
            ]),
          },
          {
            keyed: new Map<number, unknown>([
              [64, 'kg64'],
              [85, 'kg85'],
              [86, 'kg86'],
              [127, 'kg127'],
            ]),
          },
        ],
      },
    });
    const restored = restoredOf(assignStates(checkpoint, keyedJob(3)), 2, 'counter');
    expect(restored.map((r) => r.keyGroupRange)).toEqual([
      { start: 0, end: 42 },
      { start: 43, end: 85 },
      { start: 86, end: 127 },
    ]);
    expect(restored.map((r) => [...r.keyed.keys()].sort((a, b) => a - b))).toEqual([
      [0, 42],
      [43, 63, 64, 85],
      [86, 127],
    ]);
    expect(restored[1].keyed.get(85)).toBe('kg85');
  });

  it('on rescaling, deals the operator state entries of every old subtask out round robin', () => {
    const checkpoint = checkpoint7({
      source: { parallelism: 3, subtasks: [{ operator: ['a', 'b', 'c'] }, undefined, { operator: ['d', 'e'] }] },
    });
    expect(restoredOf(assignStates(checkpoint, keyedJob(2)), 1, 'source').map((r) => r.operator)).toEqual([
      ['a', 'c', 'e'],
      ['b', 'd'],
    ]);
    expect(restoredOf(assignStates(checkpoint, keyedJob(4)), 1, 'source').map((r) => r.operator)).toEqual([['a', 'e'], ['b'], ['c'], ['d']]);
  });

  it('starts an operator the checkpoint does not know fresh, and still tells it which checkpoint the job restored', () => {
    const checkpoint = checkpoint7({ source: { parallelism: 1, subtasks: [{ operator: ['p0'] }] } });
    const assignments = assignStates(checkpoint, keyedJob(1, 128, 'new-map'));
    expect(assignments.get('2.0')!.operators['new-map']).toEqual({
      isRestored: false,
      restoredCheckpointId: 7,
      keyGroupRange: { start: 0, end: 127 },
      keyed: new Map(),
      operator: [],
    });
    expect(assignments.get('2.0')!.operators.counter.isRestored).toBe(false);
  });

  it('refuses state of operators the job no longer has, naming them, unless non-restored state is allowed', () => {
    const checkpoint = checkpoint7({
      source: { parallelism: 1, subtasks: [{ operator: ['p0'] }] },
      'old-map': { parallelism: 2, taskName: 'Old Map', subtasks: [undefined, { operator: ['x'] }] },
      'old-counter': { parallelism: 1, taskName: 'Old Counter', subtasks: [{ keyed: new Map([[1, 1]]) }] },
    });
    expect(() => assignStates(checkpoint, keyedJob(1))).toThrow(
      "checkpoint 7 has state for operators that are not in this job: old-map (in 'Old Map'), old-counter (in 'Old Counter'). " +
        'Give operators the same uid as before, or allow non-restored state to drop it.',
    );
    expect(restoredOf(assignStates(checkpoint, keyedJob(1), true), 1, 'source')[0].operator).toEqual(['p0']);
  });

  it('lets an operator the job no longer has go when it had no state', () => {
    const checkpoint = checkpoint7({
      'old-map': { parallelism: 3, subtasks: [undefined, {}, { keyed: new Map(), operator: [] }] },
    });
    expect(restoredOf(assignStates(checkpoint, keyedJob(1)), 1, 'source')[0].isRestored).toBe(false);
  });

  it('restores keyed state when some old subtasks had none (no key reached them)', () => {
    const checkpoint = checkpoint7({
      counter: { parallelism: 3, subtasks: [undefined, { operator: ['o'] }, { keyed: new Map([[100, 'hundred']]) }] },
    });
    expect(restoredOf(assignStates(checkpoint, keyedJob(2)), 2, 'counter').map((r) => r.keyed)).toEqual([new Map(), new Map([[100, 'hundred']])]);
    expect(() => assignStates(checkpoint, keyedJob(2, 256))).toThrow(
      /cannot restore keyed state of operator counter: its maximum parallelism was 128 and is now 256/,
    );
  });

  it('refuses keyed state across a different maximum parallelism, but not an operator without keyed state', () => {
    const keyed = checkpoint7({ counter: { parallelism: 1, subtasks: [{ keyed: new Map([[5, 'five']]) }] } });
    expect(() => assignStates(keyed, keyedJob(1, 256))).toThrow(
      'cannot restore keyed state of operator counter: its maximum parallelism was 128 and is now 256; ' +
        'key groups cannot be redistributed across a different maximum parallelism (set it back with setMaxParallelism).',
    );
    const noKeyed = checkpoint7({ counter: { parallelism: 2, subtasks: [{ keyed: new Map(), operator: ['o'] }, undefined] } });
    expect(restoredOf(assignStates(noKeyed, keyedJob(1, 256)), 2, 'counter')[0]).toMatchObject({ isRestored: true, keyed: new Map(), operator: ['o'] });
  });
});

describe('loading a checkpoint', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-assignment-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('groups every subtask state by operator, a chain read from one blob per subtask', async () => {
    const blob = (o: Record<string, OperatorStateSnapshot>): { kind: 'bytes'; bytes: Uint8Array } => ({ kind: 'bytes', bytes: v8.serialize(o) });
    const metadata: CheckpointMetadata = {
      version: 2,
      jobName: 'j',
      checkpointId: 7,
      timestamp: 0,
      kind: 'CHECKPOINT',
      tasks: [
        {
          vertexId: 1,
          name: 'Source -> Map',
          parallelism: 3,
          maxParallelism: 128,
          operatorIds: ['source', 'map'],
          subtasks: [blob({ source: { operator: ['p0'] }, map: { operator: ['m0'] } }), null, blob({ source: { operator: ['p2'] } })],
        },
        {
          vertexId: 2,
          name: 'Counter',
          parallelism: 1,
          maxParallelism: 256,
          operatorIds: ['counter'],
          subtasks: [blob({ counter: { keyed: new Map([[1, 'one']]) } })],
        },
      ],
    };
    const loaded = await loadCheckpoint(metadata, undefined);
    expect(loaded.checkpointId).toBe(7);
    expect(Object.fromEntries(loaded.operators)).toEqual({
      source: { taskName: 'Source -> Map', parallelism: 3, maxParallelism: 128, subtasks: [{ operator: ['p0'] }, undefined, { operator: ['p2'] }] },
      map: { taskName: 'Source -> Map', parallelism: 3, maxParallelism: 128, subtasks: [{ operator: ['m0'] }, undefined, undefined] },
      counter: { taskName: 'Counter', parallelism: 1, maxParallelism: 256, subtasks: [{ keyed: new Map([[1, 'one']]) }] },
    });
    expect(loaded.operators.get('map')!.subtasks).toHaveLength(3);
  });

  it('reads a state file around a damaged copy, warning with the name of the checkpoint', async () => {
    const handle = await persistSubtaskState({ directory: dir, replicas: 2 }, 'subtask-0.state', v8.serialize({ source: { operator: ['p0'] } }));
    fs.writeFileSync(path.join(dir, 'subtask-0.state'), 'torn');
    const metadata: CheckpointMetadata = {
      version: 2,
      jobName: 'j',
      checkpointId: 7,
      timestamp: 0,
      kind: 'SAVEPOINT',
      tasks: [{ vertexId: 1, name: 'Source', parallelism: 1, maxParallelism: 128, operatorIds: ['source'], subtasks: [handle] }],
    };
    const warnings: string[] = [];
    const loaded = await loadCheckpoint(metadata, dir, (w) => warnings.push(w));
    expect(loaded.operators.get('source')!.subtasks).toEqual([{ operator: ['p0'] }]);
    expect(warnings).toEqual([
      expect.stringMatching(/^savepoint 7: state file .*\/subtask-0\.state is corrupt: .*; reading its copy subtask-0\.state\.replica-1 instead$/),
    ]);
  });
});
