import createDebug from 'debug';
import { Clock, TimerHandle } from '../time/Clock';
import { CoordinationLease, CoordinationStore, Unwatch } from './CoordinationStore';
import { LeaderContender, LeaderElection, LeaderElectionOptions, Leadership } from './LeaderElection';
import { currentLeader } from './currentLeader';

const log = createDebug('brook:ha:election');

/**
 * etcd's election recipe: each contender puts a key under the service's prefix, attached to its
 * own lease; the key with the lowest create revision leads, and that revision is its fencing
 * token. When the leader's lease ends etcd deletes its key and the next contender leads, with a
 * larger token. A contender that loses its lease is told at once, then campaigns again with a
 * fresh lease (as a standby), as Flink's DefaultLeaderElectionService does after a revocation.
 */
export class DefaultLeaderElection implements LeaderElection {
  private contender: LeaderContender | undefined;
  private lease: CoordinationLease | undefined;
  private key: string | undefined;
  private current: Leadership | undefined;
  private unwatch: Unwatch | undefined;
  private closed = false;
  private retry: TimerHandle | undefined;
  private checks: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CoordinationStore,
    private readonly prefix: string,
    private readonly address: string,
    private readonly options: LeaderElectionOptions,
    private readonly clock: Clock,
    private readonly warn: (message: string) => void,
  ) {}

  async start(contender: LeaderContender): Promise<void> {
    if (this.contender) throw new Error(`leader election under ${this.prefix} is already started`);
    this.contender = contender;
    this.unwatch = await this.store.watch(this.prefix, () => this.scheduleCheck());
    await this.campaign();
  }

  leadership(): Leadership | undefined {
    return this.current;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retry !== undefined) this.clock.clearTimeout(this.retry);
    this.revoke('the leader election was closed');
    await this.unwatch?.();
    await this.lease?.revoke();
    await this.checks;
  }

  private async campaign(): Promise<void> {
    const lease = await this.store.grantLease(this.options.ttlSeconds, (reason) => this.leaseLost(lease, reason));
    if (this.closed) {
      await lease.revoke(); // closed while the lease was being granted
      return;
    }
    const key = `${this.prefix}${lease.id}`;
    this.lease = lease;
    this.key = key;
    await this.store.transaction([{ key, createRevision: '0' }], [{ type: 'put', key, value: this.address, lease: lease.id }]);
    log('campaigning as %s for %s', key, this.address);
    this.scheduleCheck();
    await this.checks;
  }

  private scheduleCheck(): void {
    this.checks = this.checks.then(() => this.check()).catch((e: unknown) => log('leader check failed: %O', e));
  }

  private async check(): Promise<void> {
    if (this.closed || !this.key) return;
    const mine = this.key;
    const contenders = await this.store.list(this.prefix);
    if (this.closed || mine !== this.key) return; // closed, or the lease was lost, meanwhile
    if (!contenders.some((kv) => kv.key === mine)) {
      // etcd deletes a lease's keys when it ends: seeing the key gone is the earliest sign.
      if (this.lease) this.leaseLost(this.lease, 'its election key was deleted');
      return;
    }
    const leader = currentLeader(contenders);
    if (leader?.key === mine) {
      if (this.current?.fence.key === mine) return;
      this.current = { address: leader.value, token: leader.createRevision, fence: { key: mine, token: leader.createRevision } };
      log('granted leadership %s, token %s', mine, leader.createRevision);
      this.contender?.grantLeadership(this.current);
    } else if (this.current) {
      this.revoke(`another contender leads now (${leader?.key ?? 'none'})`);
    }
  }

  private leaseLost(lease: CoordinationLease, reason: string): void {
    if (this.closed || this.lease !== lease) return;
    log('lease %s lost: %s', lease.id, reason);
    this.key = undefined;
    this.lease = undefined;
    lease.revoke().catch(() => undefined); // already gone in etcd; stops renewing it here
    this.revoke(`the leader's lease was lost: ${reason}`);
    this.campaignAgain();
  }

  /** A standby again; while the coordination service is out of reach, tries every TTL. */
  private campaignAgain(): void {
    this.retry = undefined;
    if (this.closed) return;
    this.campaign().catch((e: unknown) => {
      if (this.closed) return;
      this.warn(
        `cannot campaign for leadership under ${this.prefix} (${e instanceof Error ? e.message : String(e)}); trying again in ${this.options.ttlSeconds} s`,
      );
      this.retry = this.clock.setTimeout(() => this.campaignAgain(), this.options.ttlSeconds * 1000);
    });
  }

  private revoke(reason: string): void {
    const was = this.current;
    if (!was) return;
    this.current = undefined;
    log('leadership %s revoked: %s', was.fence.key, reason);
    this.contender?.revokeLeadership(reason);
  }
}
