import createDebug from 'debug';
import { parseAddress } from '../../lib/cluster/net/FramedConnection';
import { HaTaskManagerOptions, RunningTaskManager } from '../../lib/cluster/ProcessRoles';
import { LeaderInformation, LeaderRetrieval } from '../../lib/ha/LeaderRetrieval';
import { Clock, TimerHandle } from '../../lib/time/Clock';
import { systemClock } from '../../lib/time/SystemClock';
import { TaskManagerProcess } from './TaskManagerProcess';

const log = createDebug('brook:taskmanager-process:ha');

/** How long a TaskManager waits before registering again with a leader that refused or dropped it. */
export const RECONNECT_DELAY_MS = 500;

export interface LeaderFollowingOptions extends Omit<HaTaskManagerOptions, 'ha'> {
  readonly clock?: Clock;
}

/**
 * A TaskManager that follows the leading JobManager, as Flink's TaskExecutor does through its
 * leader retrieval service: it registers with whoever leads, and when the leader changes it
 * drops everything it ran for the old one (its subtasks are cancelled, its channel connections
 * closed) and registers anew with the new one, which redeploys from its checkpoints. A leader
 * that refuses it (it does not lead yet in its own view) or drops it is tried again while it is
 * still the one published.
 */
export class LeaderFollowingTaskManager implements RunningTaskManager {
  readonly registered: Promise<number>;
  readonly closed: Promise<Error | undefined>;
  private markRegistered!: (id: number) => void;
  private finish!: (reason: Error | undefined) => void;
  private leader: LeaderInformation | undefined;
  private current: TaskManagerProcess | undefined;
  private retry: TimerHandle | undefined;
  private stopping = false;
  private readonly clock: Clock;

  private constructor(
    private readonly options: LeaderFollowingOptions,
    private readonly retrieval: LeaderRetrieval,
  ) {
    this.clock = options.clock ?? systemClock;
    this.registered = new Promise((resolve) => (this.markRegistered = resolve));
    this.closed = new Promise((resolve) => (this.finish = resolve));
  }

  static async start(options: LeaderFollowingOptions, retrieval: LeaderRetrieval): Promise<LeaderFollowingTaskManager> {
    const tm = new LeaderFollowingTaskManager(options, retrieval);
    await retrieval.start((leader) => tm.follow(leader));
    return tm;
  }

  /** The TaskManager serving the current leader, if it is registered or registering. */
  get serving(): TaskManagerProcess | undefined {
    return this.current;
  }

  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.retry !== undefined) this.clock.clearTimeout(this.retry);
    const last = this.current;
    this.current = undefined;
    last?.stop();
    void Promise.all([this.retrieval.stop(), last?.closed]).then(() => this.finish(undefined));
  }

  private follow(leader: LeaderInformation | undefined): void {
    if (this.stopping || leader?.token === this.leader?.token) return;
    log('leader: %o (was %o)', leader, this.leader);
    this.leader = leader;
    if (this.retry !== undefined) this.clock.clearTimeout(this.retry);
    this.retry = undefined;
    // Whatever ran for the old leader stops now: the new one redeploys from its checkpoints.
    const old = this.current;
    this.current = undefined;
    old?.stop(new Error('the JobManager leader changed'));
    if (leader) void this.register(leader);
  }

  private async register(leader: LeaderInformation): Promise<void> {
    if (this.stopping || this.leader !== leader) return;
    const { host, port } = parseAddress(leader.address);
    let tm: TaskManagerProcess;
    try {
      tm = await TaskManagerProcess.start({ ...this.options, jobManagerHost: host, jobManagerPort: port });
    } catch (e) {
      log('cannot reach the leader at %s: %s', leader.address, (e as Error).message);
      this.registerLater(leader);
      return;
    }
    if (this.stopping || this.leader !== leader) {
      tm.stop();
      return;
    }
    this.current = tm;
    void tm.registered.then((id) => {
      this.markRegistered(id);
      this.options.onRegistered?.(id, leader.address);
    });
    void tm.closed.then((reason) => {
      if (this.current !== tm) return;
      this.current = undefined;
      log('left the JobManager at %s: %s', leader.address, reason?.message);
      this.registerLater(leader);
    });
  }

  private registerLater(leader: LeaderInformation): void {
    if (this.stopping || this.leader !== leader) return;
    this.retry = this.clock.setTimeout(() => {
      this.retry = undefined;
      void this.register(leader);
    }, RECONNECT_DELAY_MS);
  }
}
