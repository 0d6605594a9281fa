import { HeartbeatMonitor } from '../../../lib/cluster/net/HeartbeatMonitor';
import { ManualClock } from '../../../lib/time/ManualClock';

describe('heartbeats on a manual clock', () => {
  const setup = () => {
    const clock = new ManualClock(1000);
    const sent: number[] = [];
    const lost: number[] = [];
    const monitor = new HeartbeatMonitor(
      clock,
      { intervalMs: 100, timeoutMs: 500 },
      () => sent.push(clock.now()),
      (silent) => lost.push(silent),
    );
    return { clock, sent, lost, monitor };
  };

  it('sends a heartbeat every interval', () => {
    const { clock, sent } = setup();
    clock.advance(350);
    expect(sent).toEqual([1100, 1200, 1300]);
  });

  it('declares the other side lost once it was silent for the timeout, and only once', () => {
    const { clock, lost, sent } = setup();
    clock.advance(499);
    expect(lost).toEqual([]);
    clock.advance(1);
    expect(lost).toEqual([500]);
    const sentWhenLost = sent.length;
    clock.advance(5000);
    expect(lost).toEqual([500]);
    expect(sent.length).toBe(sentWhenLost);
  });

  it('keeps a side that is heard from alive, and counts the timeout from the last time it was heard', () => {
    const { clock, lost, monitor } = setup();
    for (let i = 0; i < 20; i++) {
      clock.advance(400);
      monitor.heard();
    }
    expect(lost).toEqual([]);
    clock.advance(499);
    expect(lost).toEqual([]);
    clock.advance(1);
    expect(lost).toEqual([500]);
  });

  it('stops sending and watching once stopped', () => {
    const { clock, lost, sent, monitor } = setup();
    clock.advance(150);
    monitor.stop();
    clock.advance(10_000);
    expect(sent).toEqual([1100]);
    expect(lost).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses a timeout that does not exceed the interval', () => {
    expect(
      () =>
        new HeartbeatMonitor(
          new ManualClock(),
          { intervalMs: 100, timeoutMs: 100 },
          () => undefined,
          () => undefined,
        ),
    ).toThrow(RangeError);
  });
});
