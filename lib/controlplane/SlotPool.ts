import { ExecutionVertex } from '../graph/ExecutionGraph';
import { JobGraph, requiredSlots } from '../graph/JobGraph';
import { NotEnoughSlotsError } from '../runtime/errors';

export interface TaskManagerSlots {
  readonly id: number;
  readonly slots: number;
  readonly freeSlots: number;
}

/** The slots one job holds: which TaskManager runs each execution, and how many slots it holds on each. */
export interface SlotAssignment {
  /** TaskManager id per execution key (`vertexId.subtask`); fixed for the job's lifetime. */
  readonly placement: ReadonlyMap<string, number>;
  readonly slotsByTaskManager: ReadonlyMap<number, number>;
}

/**
 * The JobManager's view of the TaskManagers' slots (Flink's SlotPool with its scheduler): places
 * one subtask of each task per shared slot, with slots spread round robin over TaskManagers so
 * that work lands on every TaskManager.
 */
export class SlotPool {
  private readonly taskManagers = new Map<number, { slots: number; used: number }>();

  registerTaskManager(id: number, slots: number): void {
    this.taskManagers.set(id, { slots, used: 0 });
  }

  /** A TaskManager that is gone: its slots are no longer offered (a job holding some gives them back to nobody). */
  removeTaskManager(id: number): void {
    this.taskManagers.delete(id);
  }

  overview(): TaskManagerSlots[] {
    return [...this.taskManagers].sort(([a], [b]) => a - b).map(([id, tm]) => ({ id, slots: tm.slots, freeSlots: tm.slots - tm.used }));
  }

  /** Takes the slots `jobGraph` needs, or says why there are not enough. */
  allocate(jobGraph: JobGraph, executions: readonly ExecutionVertex[]): SlotAssignment | NotEnoughSlotsError {
    const needed = requiredSlots(jobGraph);
    const tms = [...this.taskManagers].sort(([a], [b]) => a - b);
    const free = tms.reduce((n, [, tm]) => n + tm.slots - tm.used, 0);
    if (needed > free) {
      const total = tms.reduce((n, [, tm]) => n + tm.slots, 0);
      return new NotEnoughSlotsError(
        needed,
        free,
        `job '${jobGraph.jobName}' needs ${needed} task slots (its highest parallelism, with slot sharing) but only ${free} ` +
          `of ${total} are free (${tms.length} TaskManager(s)). Lower the parallelism, or start more TaskManagers ` +
          'or slots per TaskManager.',
      );
    }
    // Shared slot s holds subtask s of every task of its slot sharing group.
    const slotOwner: number[] = [];
    const slotsByTaskManager = new Map<number, number>();
    let cursor = 0;
    for (let s = 0; s < needed; s++) {
      while (tms[cursor % tms.length][1].used >= tms[cursor % tms.length][1].slots) cursor++;
      const [id, tm] = tms[cursor % tms.length];
      tm.used++;
      slotsByTaskManager.set(id, (slotsByTaskManager.get(id) ?? 0) + 1);
      slotOwner.push(id);
      cursor++;
    }
    const groupOffset = new Map<string, number>();
    let offset = 0;
    for (const v of jobGraph.vertices) {
      if (!groupOffset.has(v.slotSharingGroup)) {
        groupOffset.set(v.slotSharingGroup, offset);
        offset += Math.max(...jobGraph.vertices.filter((x) => x.slotSharingGroup === v.slotSharingGroup).map((x) => x.parallelism));
      }
    }
    const placement = new Map<string, number>();
    for (const execution of executions) {
      placement.set(execution.id, slotOwner[groupOffset.get(execution.vertex.slotSharingGroup)! + execution.subtaskIndex]);
    }
    return { placement, slotsByTaskManager };
  }

  /** Gives back the slots of a job that terminated. */
  release(assignment: SlotAssignment): void {
    for (const [id, n] of assignment.slotsByTaskManager) {
      const tm = this.taskManagers.get(id);
      if (tm) tm.used -= n;
    }
  }
}
