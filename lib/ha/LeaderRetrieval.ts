import createDebug from 'debug';
import { CoordinationStore, Unwatch } from './CoordinationStore';
import { FencingToken } from './FencingToken';
import { currentLeader } from './currentLeader';

const log = createDebug('brook:ha:retrieval');

export interface LeaderInformation {
  readonly address: string;
  readonly token: FencingToken;
}

/**
 * Tells TaskManagers and clients who leads a service, and every change, as Flink's
 * LeaderRetrievalService: `undefined` while no contender leads.
 */
export interface LeaderRetrieval {
  start(listener: (leader: LeaderInformation | undefined) => void): Promise<void>;
  current(): LeaderInformation | undefined;
  stop(): Promise<void>;
}

export class DefaultLeaderRetrieval implements LeaderRetrieval {
  private leader: LeaderInformation | undefined;
  private unwatch: Unwatch | undefined;
  private listener: ((leader: LeaderInformation | undefined) => void) | undefined;
  private checks: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CoordinationStore,
    private readonly prefix: string,
  ) {}

  async start(listener: (leader: LeaderInformation | undefined) => void): Promise<void> {
    this.listener = listener;
    this.unwatch = await this.store.watch(this.prefix, () => this.scheduleCheck());
    this.scheduleCheck();
    await this.checks;
  }

  current(): LeaderInformation | undefined {
    return this.leader;
  }

  async stop(): Promise<void> {
    this.listener = undefined;
    await this.unwatch?.();
    await this.checks;
  }

  private scheduleCheck(): void {
    this.checks = this.checks.then(() => this.check()).catch((e: unknown) => log('leader lookup failed: %O', e));
  }

  private async check(): Promise<void> {
    const kv = currentLeader(await this.store.list(this.prefix));
    const next = kv ? { address: kv.value, token: kv.createRevision } : undefined;
    if (next?.token === this.leader?.token && next?.address === this.leader?.address) return;
    this.leader = next;
    log('leader of %s: %o', this.prefix, next);
    this.listener?.(next);
  }
}
