import { NotEnoughSlotsError } from '../runtime/errors';
import { TaskMessage } from '../runtime/TaskMessage';
import { Clock } from '../time/Clock';
import { SlotAssignment } from './SlotPool';
import { SubtaskDeployment, SubtaskWiring } from './SubtaskWiring';

/**
 * What a JobMaster needs from the cluster that hosts it: reach TaskManagers and subtasks, run
 * work in the JobManager's mailbox. `R` is how the host addresses a deployed subtask. The nact
 * JobManager actor implements it; unit tests implement it with a script.
 */
export interface JobMasterHost<R> {
  readonly clock: Clock;
  /** Spawns these subtasks on a TaskManager; it answers with JobMaster.onDeployed. */
  deploy(taskManagerId: number, jobId: string, deployments: readonly SubtaskDeployment[]): void;
  /** Cancels and stops the job's subtasks on a TaskManager; it answers with JobMaster.onReleased. */
  release(taskManagerId: number, jobId: string): void;
  /** Tells a deployed subtask whom it reads from and writes to, and starts it. */
  startSubtask(subtask: R, wiring: SubtaskWiring<R>): void;
  /** Checkpoint triggers and notifications for a running subtask. */
  tellSubtask(subtask: R, message: TaskMessage): void;
  /** Runs `fn` as a later turn of the JobManager's mailbox (timers and async results come back this way). */
  post(fn: () => void): void;
  /** Async work (file reads and writes) that a test on the manual clock must wait for. */
  trackAsync(work: Promise<unknown>): void;
  /** The job reached a terminal state: its slots may be given back. */
  onTerminated(): void;
  /**
   * Gives back the job's slots and takes new ones on the TaskManagers registered now (after one
   * of its TaskManagers was lost), or says why there are not enough; the job then holds none.
   */
  reallocateSlots(): SlotAssignment | NotEnoughSlotsError;
  /** How long a restarting job waits for slots (a TaskManager to register) before it fails (Flink's slot.request.timeout). */
  readonly slotRequestTimeoutMs: number;
}
