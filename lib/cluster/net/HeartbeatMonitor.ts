import { Clock, TimerHandle } from '../../time/Clock';

export interface HeartbeatSettings {
  /** How often a heartbeat is sent (Flink's heartbeat.interval). */
  readonly intervalMs: number;
  /** How long the other side may stay silent before it is declared lost (Flink's heartbeat.timeout). */
  readonly timeoutMs: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatSettings = { intervalMs: 1000, timeoutMs: 10_000 };

/**
 * One side of a heartbeat between two brook processes: sends a heartbeat every interval, and
 * declares the other side lost when nothing came from it for the timeout (any message counts:
 * a busy connection is a live one). Runs on the replaceable clock, so that a test drives it on
 * a manual clock; a lost peer is reported once, and stop() ends both timers.
 */
export class HeartbeatMonitor {
  private lastHeard: number;
  private sendTimer: TimerHandle | undefined;
  private checkTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly settings: HeartbeatSettings,
    private readonly send: () => void,
    private readonly onLost: (silentForMs: number) => void,
  ) {
    if (!(settings.intervalMs > 0) || !(settings.timeoutMs > settings.intervalMs)) {
      throw new RangeError(`heartbeat timeout (${settings.timeoutMs} ms) must exceed a positive interval (${settings.intervalMs} ms)`);
    }
    this.lastHeard = clock.now();
    this.scheduleSend();
    this.scheduleCheck(settings.timeoutMs);
  }

  /** Something arrived from the other side. */
  heard(): void {
    this.lastHeard = this.clock.now();
  }

  stop(): void {
    this.stopped = true;
    if (this.sendTimer !== undefined) this.clock.clearTimeout(this.sendTimer);
    if (this.checkTimer !== undefined) this.clock.clearTimeout(this.checkTimer);
    this.sendTimer = this.checkTimer = undefined;
  }

  private scheduleSend(): void {
    this.sendTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      this.send();
      this.scheduleSend();
    }, this.settings.intervalMs);
  }

  private scheduleCheck(delayMs: number): void {
    this.checkTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      const silent = this.clock.now() - this.lastHeard;
      if (silent >= this.settings.timeoutMs) {
        this.stop();
        this.onLost(silent);
        return;
      }
      this.scheduleCheck(this.settings.timeoutMs - silent);
    }, delayMs);
  }
}
