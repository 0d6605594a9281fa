import { randomUUID } from 'crypto';
import createDebug from 'debug';
import os from 'os';
import { parseAddress } from '../../lib/cluster/net/FramedConnection';
import { HaTaskManagerOptions, RunningTaskManager } from '../../lib/cluster/ProcessRoles';
import { FencedError } from '../../lib/ha/FencedError';
import { LeaderInformation, LeaderRetrieval } from '../../lib/ha/LeaderRetrieval';
import { TaskManagerRegistration, TaskManagerRegistry } from '../../lib/ha/TaskManagerRegistry';
import { Clock, TimerHandle } from '../../lib/time/Clock';
import { systemClock } from '../../lib/time/SystemClock';
import { TaskManagerProcess } from './TaskManagerProcess';

const log = createDebug('brook:taskmanager-process:ha');

/** How long a TaskManager waits before registering again with a leader that refused or dropped it. */
export const RECONNECT_DELAY_MS = 500;

/** A TaskManager's registration in the coordination service, under a lease it keeps alive. */
export interface TaskManagerLease {
  readonly registry: TaskManagerRegistry;
  readonly ttlSeconds: number;
}

export interface LeaderFollowingOptions extends Omit<HaTaskManagerOptions, 'ha'> {
  readonly clock?: Clock;
  /** Registers under a lease; without, the TaskManager is known to the leader by its connection only. */
  readonly lease?: TaskManagerLease;
}

/** Registration ids must differ between the TaskManagers of one process (tests run several). */
let registrations = 0;

/**
 * A TaskManager that follows the leading JobManager, as Flink's TaskExecutor does through its
 * leader retrieval service: it registers with whoever leads, and when the leader changes it
 * drops everything it ran for the old one (its subtasks are cancelled, its channel connections
 * closed) and registers anew with the new one, which redeploys from its checkpoints. A leader
 * that refuses it (it does not lead yet in its own view) or drops it is tried again while it is
 * still the one published.
 *
 * With a lease, it is also registered in the coordination service, which the leader watches.
 * When the lease ends (the process was paused past its TTL, or cut off from the service) the
 * leader may already have declared it lost and failed its subtasks over elsewhere: it is fenced
 * out, so it stops acting at once (its subtasks are cancelled, its JobManager connection
 * dropped, and a subtask still about to commit is refused by the fence) and registers anew as a
 * fresh TaskManager, as Flink's TaskExecutor does when its JobManager connection is lost.
 */
export class LeaderFollowingTaskManager implements RunningTaskManager {
  readonly registered: Promise<number>;
  readonly closed: Promise<Error | undefined>;
  private markRegistered!: (id: number) => void;
  private finish!: (reason: Error | undefined) => void;
  private leader: LeaderInformation | undefined;
  private current: TaskManagerProcess | undefined;
  private retry: TimerHandle | undefined;
  /** While fenced: the next attempt to register anew in the coordination service. */
  private reRegistration: TimerHandle | undefined;
  private stopping = false;
  private readonly clock: Clock;
  /** With a lease: the registration this TaskManager acts under; undefined while fenced and registering anew. */
  private registration: TaskManagerRegistration | undefined;

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
    if (options.lease) await tm.registerLease(options.lease);
    await retrieval.start((leader) => tm.follow(leader));
    return tm;
  }

  /** The TaskManager serving the current leader, if it is registered or registering. */
  get serving(): TaskManagerProcess | undefined {
    return this.current;
  }

  /** Its id in the coordination service (a fresh one after each fencing); undefined without a lease. */
  get registrationId(): string | undefined {
    return this.registration?.fence.key.slice(this.registration.fence.key.lastIndexOf('/') + 1);
  }

  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.retry !== undefined) this.clock.clearTimeout(this.retry);
    if (this.reRegistration !== undefined) this.clock.clearTimeout(this.reRegistration);
    const last = this.current;
    this.current = undefined;
    last?.stop();
    const registration = this.registration;
    this.registration = undefined;
    // Deregistered at once: the leader need not wait for the lease to end.
    const deregistered = registration?.close().catch((e: unknown) => log('deregistering failed: %O', e));
    void Promise.all([this.retrieval.stop(), last?.closed, deregistered]).then(() => this.finish(undefined));
  }

  private async registerLease(lease: TaskManagerLease): Promise<void> {
    const id = `${os.hostname()}-${process.pid}-${++registrations}-${randomUUID().slice(0, 8)}`;
    // The lease may end before register() returns: told then, it fails the registration.
    const granted: { registration?: TaskManagerRegistration; lostEarly?: string } = {};
    const registration = await lease.registry.register(
      { id, address: this.options.dataHost ?? '127.0.0.1', slots: this.options.slots },
      {
        ttlSeconds: lease.ttlSeconds,
        onLost: (reason) => {
          if (granted.registration) this.fenced(granted.registration, reason);
          else granted.lostEarly = reason;
        },
      },
    );
    granted.registration = registration;
    if (this.stopping || granted.lostEarly !== undefined) {
      await registration.close();
      if (granted.lostEarly !== undefined) throw new Error(`its lease ended while it registered: ${granted.lostEarly}`);
      return;
    }
    this.registration = registration;
    log('registered as %s under a lease of %d s', id, lease.ttlSeconds);
  }

  /** The lease ended: nothing this TaskManager runs may act any more; it starts over as a new one. */
  private fenced(registration: TaskManagerRegistration, reason: string): void {
    if (this.stopping || this.registration !== registration) return;
    this.registration = undefined;
    const lease = this.options.lease!;
    log('fenced out: %s', reason);
    this.options.onFenced?.(reason);
    if (this.retry !== undefined) this.clock.clearTimeout(this.retry);
    this.retry = undefined;
    const old = this.current;
    this.current = undefined;
    old?.stop(new Error(`fenced out: its registration's lease ended (${reason})`));
    this.registerAnew(lease);
  }

  private registerAnew(lease: TaskManagerLease): void {
    this.reRegistration = undefined;
    if (this.stopping) return;
    this.registerLease(lease).then(
      () => {
        if (this.leader && !this.current) void this.register(this.leader);
      },
      (e: unknown) => {
        log('cannot register anew: %s; trying again in %d ms', e instanceof Error ? e.message : String(e), RECONNECT_DELAY_MS);
        if (!this.stopping) this.reRegistration = this.clock.setTimeout(() => this.registerAnew(lease), RECONNECT_DELAY_MS);
      },
    );
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
    const registration = this.registration;
    // Fenced and registering anew: registers with the leader once it has a new registration.
    if (this.stopping || this.leader !== leader || (this.options.lease && !registration)) return;
    const { host, port } = parseAddress(leader.address);
    let tm: TaskManagerProcess;
    try {
      tm = await TaskManagerProcess.start({
        ...this.options,
        jobManagerHost: host,
        jobManagerPort: port,
        registration: registration && this.registrationId,
        checkFence:
          registration &&
          (async (action) => {
            // Known here first when the lease ended; else etcd tells, for a pause not noticed yet.
            if (this.registration !== registration) throw new FencedError(registration.fence, action);
            await registration.check(action);
          }),
      });
    } catch (e) {
      log('cannot reach the leader at %s: %s', leader.address, (e as Error).message);
      this.registerLater(leader);
      return;
    }
    if (this.stopping || this.leader !== leader || this.registration !== registration) {
      tm.stop();
      return;
    }
    this.current = tm;
    if (registration) {
      const info = { id: this.registrationId!, address: `${this.options.dataHost ?? '127.0.0.1'}:${tm.dataPort}`, slots: this.options.slots };
      registration.update(info).catch((e: unknown) => log('publishing its address failed: %s', e instanceof Error ? e.message : String(e)));
    }
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
