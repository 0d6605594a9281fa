/**
 * A test hook that makes a chosen subtask fail at a chosen point, to exercise recovery:
 * after N records, when its Nth checkpoint was acknowledged (between the barrier and the commit),
 * or in its sink's Nth commit. Plain data, so it travels with the job's settings.
 */
export interface FaultSpec {
  /** A task whose name contains this text ("Window", "Source: Redis"…). */
  readonly task: string;
  readonly subtask: number;
  /** The attempt that fails (0: the first run; a restarted attempt then runs clean). */
  readonly attempt?: number;
  readonly trigger: FaultTrigger;
  readonly action: FaultAction;
}

export type FaultTrigger =
  /** After the subtask processed (a source: emitted) at least N records. */
  | { readonly afterRecords: number }
  /** Right after the subtask acknowledged its Nth checkpoint: the barrier passed, nothing is committed yet. */
  | { readonly afterCheckpoint: number }
  /** In the Nth commit of a two-phase-commit sink: before it is applied, or after it was applied but not recorded. */
  | { readonly inCommit: number; readonly phase?: 'before' | 'after' };

/**
 * throw: the task fails (reported as a task failure); crashActor: the error escapes the subtask's
 * actor, so nact's supervision reports it; killProcess: SIGKILL to this process, as a power cut.
 */
export type FaultAction = 'throw' | 'crashActor' | 'killProcess';

export class InjectedFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InjectedFault';
  }
}

/** Thrown out of the actor's receive rather than caught by the task: the actor dies. */
export class InjectedActorCrash extends InjectedFault {
  constructor(message: string) {
    super(message);
    this.name = 'InjectedActorCrash';
  }
}

/** The faults that apply to one subtask attempt. */
export class FaultInjector {
  private records = 0;
  private checkpoints = 0;
  private commits = 0;
  private readonly fired = new Set<FaultSpec>();

  private constructor(
    private readonly specs: readonly FaultSpec[],
    private readonly where: string,
    /** Makes the actor crash from outside a message handler (an async commit). */
    private readonly crashActorLater: (error: InjectedActorCrash) => void,
  ) {}

  static create(
    specs: readonly FaultSpec[] | undefined,
    taskName: string,
    subtask: number,
    attempt: number,
    crashActorLater: (error: InjectedActorCrash) => void,
  ): FaultInjector | undefined {
    const mine = (specs ?? []).filter((s) => taskName.includes(s.task) && s.subtask === subtask && (s.attempt ?? 0) === attempt);
    return mine.length === 0 ? undefined : new FaultInjector(mine, `'${taskName}' subtask ${subtask} attempt ${attempt}`, crashActorLater);
  }

  onRecords(n: number): void {
    this.records += n;
    for (const s of this.specs) if ('afterRecords' in s.trigger && this.records >= s.trigger.afterRecords) this.fire(s, `after ${this.records} records`, true);
  }

  onCheckpointAcknowledged(checkpointId: number): void {
    this.checkpoints++;
    for (const s of this.specs) {
      if ('afterCheckpoint' in s.trigger && this.checkpoints === s.trigger.afterCheckpoint) this.fire(s, `after acknowledging checkpoint ${checkpointId}`, true);
    }
  }

  /** Called by a two-phase-commit sink around each commit (off the mailbox: a throw rejects the commit). */
  onCommit(phase: 'before' | 'after'): void {
    if (phase === 'before') this.commits++;
    for (const s of this.specs) {
      if ('inCommit' in s.trigger && this.commits === s.trigger.inCommit && (s.trigger.phase ?? 'after') === phase) {
        this.fire(s, `${phase} commit ${this.commits}`, false);
      }
    }
  }

  private fire(spec: FaultSpec, when: string, insideHandler: boolean): void {
    if (this.fired.has(spec)) return;
    this.fired.add(spec);
    const message = `injected fault in ${this.where} ${when}`;
    switch (spec.action) {
      case 'killProcess':
        process.kill(process.pid, 'SIGKILL');
        return;
      case 'throw':
        throw new InjectedFault(message);
      case 'crashActor': {
        const error = new InjectedActorCrash(message);
        if (insideHandler) throw error;
        this.crashActorLater(error);
        return;
      }
    }
  }
}
