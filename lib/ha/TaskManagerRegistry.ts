import createDebug from 'debug';
import { CoordinationLease, CoordinationStore, Unwatch } from './CoordinationStore';
import { Fence } from './FencingToken';
import { HaKeys } from './HaKeys';
import { checkFence, fencedTransaction } from './fencedTransaction';

const log = createDebug('brook:ha:taskmanagers');

export interface TaskManagerInfo {
  readonly id: string;
  /** host:port of its control and data connections. */
  readonly address: string;
  readonly slots: number;
}

/**
 * TaskManagers register under a lease, and the JobManager watches them: a TaskManager that stops
 * renewing its lease (crashed, paused past the TTL) disappears from the registry, and its
 * registration's fence no longer holds, so its late writes and commits are refused.
 */
export interface TaskManagerRegistry {
  register(info: TaskManagerInfo, options: TaskManagerRegistrationOptions): Promise<TaskManagerRegistration>;
  list(): Promise<TaskManagerInfo[]>;
  /** Calls the listener with the registered TaskManagers now and after every change. */
  watch(listener: (taskManagers: readonly TaskManagerInfo[]) => void): Promise<Unwatch>;
}

export interface TaskManagerRegistrationOptions {
  readonly ttlSeconds: number;
  /** The lease ended: this TaskManager is no longer registered and must stop acting. */
  readonly onLost: (reason: string) => void;
}

export interface TaskManagerRegistration {
  /** Presented by this TaskManager's fenced writes and commits. */
  readonly fence: Fence;
  /** Publishes new info (free slots) under the same registration; FencedError once it expired. */
  update(info: TaskManagerInfo): Promise<void>;
  /** Throws FencedError unless the registration still holds: call it right before an external commit. */
  check(action: string): Promise<void>;
  /** Deregisters now. */
  close(): Promise<void>;
}

export class DefaultTaskManagerRegistry implements TaskManagerRegistry {
  constructor(
    private readonly store: CoordinationStore,
    private readonly keys: HaKeys,
  ) {}

  async register(info: TaskManagerInfo, options: TaskManagerRegistrationOptions): Promise<TaskManagerRegistration> {
    const key = this.keys.taskManager(info.id);
    const lease = await this.store.grantLease(options.ttlSeconds, (reason) => {
      log('TaskManager %s lost its lease: %s', info.id, reason);
      options.onLost(reason);
    });
    // A restarted TaskManager with the same id replaces its earlier registration: that one's
    // fence no longer holds because the key is created anew.
    const existing = await this.store.get(key);
    if (existing) await this.store.transaction([{ key, createRevision: existing.createRevision }], [{ type: 'delete', key }]);
    const created = await this.store.transaction([{ key, createRevision: '0' }], [{ type: 'put', key, value: JSON.stringify(info), lease: lease.id }]);
    const kv = created ? await this.store.get(key) : undefined;
    if (!kv || kv.lease !== lease.id) {
      await lease.revoke();
      throw new Error(`TaskManager ${info.id} is registered twice at once; give each TaskManager its own id`);
    }
    log('TaskManager %s registered at revision %s', info.id, kv.createRevision);
    return new Registration(this.store, { key, token: kv.createRevision }, lease);
  }

  async list(): Promise<TaskManagerInfo[]> {
    return (await this.store.list(this.keys.taskManagerPrefix)).map((kv) => JSON.parse(kv.value) as TaskManagerInfo);
  }

  async watch(listener: (taskManagers: readonly TaskManagerInfo[]) => void): Promise<Unwatch> {
    let checks: Promise<void> = Promise.resolve();
    const check = (): void => {
      checks = checks.then(async () => listener(await this.list())).catch((e: unknown) => log('listing TaskManagers failed: %O', e));
    };
    const unwatch = await this.store.watch(this.keys.taskManagerPrefix, check);
    check();
    await checks;
    return async () => {
      await unwatch();
      await checks;
    };
  }
}

class Registration implements TaskManagerRegistration {
  constructor(
    private readonly store: CoordinationStore,
    readonly fence: Fence,
    private readonly lease: CoordinationLease,
  ) {}

  async update(info: TaskManagerInfo): Promise<void> {
    await fencedTransaction(
      this.store,
      this.fence,
      [{ type: 'put', key: this.fence.key, value: JSON.stringify(info), lease: this.lease.id }],
      `updating TaskManager ${info.id}`,
    );
  }

  check(action: string): Promise<void> {
    return checkFence(this.store, this.fence, action);
  }

  async close(): Promise<void> {
    await this.lease.revoke();
  }
}
