import { Duration, toMillis } from '../Time';

/** When the last-access timestamp of a value is refreshed (Flink's StateTtlConfig.UpdateType). */
export type TtlUpdateType = 'OnCreateAndWrite' | 'OnReadAndWrite';

/** Whether an expired value that was not cleaned up yet may still be read. */
export type TtlStateVisibility = 'NeverReturnExpired' | 'ReturnExpiredIfNotCleanedUp';

/**
 * Flink's StateTtlConfig: a value expires `ttl` ms of processing time (read from the job's
 * clock) after it was last written (or read, with OnReadAndWrite). Expired values are removed
 * when they are accessed, and left out of checkpoints with cleanupFullSnapshot().
 *
 * `StateTtlConfig.newBuilder(Time.minutes(10)).setUpdateType('OnReadAndWrite').build()`
 */
export class StateTtlConfig {
  private constructor(
    readonly ttl: number,
    readonly updateType: TtlUpdateType,
    readonly stateVisibility: TtlStateVisibility,
    readonly cleanupFullSnapshot: boolean,
    /** Keys checked for expired values on each access of the state (0: none). */
    readonly incrementalCleanupSize: number,
  ) {}

  static newBuilder(ttl: Duration): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(toMillis(ttl));
  }

  /** @internal */
  static create(ttl: number, updateType: TtlUpdateType, visibility: TtlStateVisibility, fullSnapshot: boolean, incrementalCleanupSize: number): StateTtlConfig {
    if (!(ttl > 0)) throw new RangeError(`state TTL must be > 0 ms, got ${ttl}`);
    if (!Number.isInteger(incrementalCleanupSize) || incrementalCleanupSize < 0)
      throw new RangeError(`cleanup size must be an integer >= 0, got ${incrementalCleanupSize}`);
    return new StateTtlConfig(ttl, updateType, visibility, fullSnapshot, incrementalCleanupSize);
  }

  /** Flink's TtlUtils.expired: lastAccess + ttl <= now (with overflow to "never"). */
  isExpired(lastAccess: number, now: number): boolean {
    const expiration = lastAccess + this.ttl;
    return Number.isSafeInteger(expiration) && expiration <= now;
  }
}

export class StateTtlConfigBuilder {
  private updateType: TtlUpdateType = 'OnCreateAndWrite';
  private visibility: TtlStateVisibility = 'NeverReturnExpired';
  private fullSnapshot = false;
  private incremental = 0;

  constructor(private readonly ttl: number) {}

  setUpdateType(type: TtlUpdateType): this {
    this.updateType = type;
    return this;
  }

  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType('OnCreateAndWrite');
  }

  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType('OnReadAndWrite');
  }

  setStateVisibility(visibility: TtlStateVisibility): this {
    this.visibility = visibility;
    return this;
  }

  neverReturnExpired(): this {
    return this.setStateVisibility('NeverReturnExpired');
  }

  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility('ReturnExpiredIfNotCleanedUp');
  }

  /** Expired values are not written to checkpoints (they are still removed lazily on access). */
  cleanupFullSnapshot(): this {
    this.fullSnapshot = true;
    return this;
  }

  /**
   * Flink's incremental cleanup: every access of the state also checks `cleanupSize` keys
   * (round robin over the whole state) and removes what expired there.
   */
  cleanupIncrementally(cleanupSize: number): this {
    this.incremental = cleanupSize;
    return this;
  }

  build(): StateTtlConfig {
    return StateTtlConfig.create(this.ttl, this.updateType, this.visibility, this.fullSnapshot, this.incremental);
  }
}
