import { buildExecutionGraph } from '../../lib/graph/ExecutionGraph';
import { SlotPool } from '../../lib/controlplane/SlotPool';
import { NotEnoughSlotsError } from '../../lib/runtime/errors';
import { sourceOnlyJobGraph } from '../harness/CoordinatorHarness';

describe('SlotPool', () => {
  it('spreads shared slots round robin over TaskManagers and gives them back when the job ends', () => {
    const pool = new SlotPool();
    pool.registerTaskManager(1, 2);
    pool.registerTaskManager(0, 2);
    const jobGraph = sourceOnlyJobGraph(3);
    const slots = pool.allocate(jobGraph, buildExecutionGraph(jobGraph).executions);
    if (slots instanceof Error) throw slots;
    const vertex = jobGraph.vertices[0].id;
    expect([0, 1, 2].map((i) => slots.placement.get(`${vertex}.${i}`))).toEqual([0, 1, 0]);
    expect([...slots.slotsByTaskManager].sort()).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect(pool.overview()).toEqual([
      { id: 0, slots: 2, freeSlots: 0 },
      { id: 1, slots: 2, freeSlots: 1 },
    ]);
    pool.release(slots);
    expect(pool.overview().map((tm) => tm.freeSlots)).toEqual([2, 2]);
  });

  it('refuses a job that needs more slots than are free, saying how many of how many', () => {
    const pool = new SlotPool();
    pool.registerTaskManager(0, 2);
    const first = sourceOnlyJobGraph(1);
    expect(pool.allocate(first, buildExecutionGraph(first).executions)).not.toBeInstanceOf(Error);
    const second = sourceOnlyJobGraph(2);
    const refused = pool.allocate(second, buildExecutionGraph(second).executions);
    expect(refused).toBeInstanceOf(NotEnoughSlotsError);
    expect((refused as Error).message).toMatch(/needs 2 task slots .* but only 1 of 2 are free \(1 TaskManager\(s\)\)/);
    expect(pool.overview()).toEqual([{ id: 0, slots: 2, freeSlots: 1 }]);
  });
});
