import { AsyncOutputMode, AsyncWaitOptions } from '../../../../lib/core/async/AsyncFunction';
import { MalformedRecordError } from '../../../../lib/runtime/errors';
import { AsyncTimeoutError } from '../../../../lib/runtime/operators/async/AsyncTimeoutError';
import { AsyncWaitOperator } from '../../../../lib/runtime/operators/async/AsyncWaitOperator';
import { OperatorHarness } from '../../../harness/OperatorHarness';

/** An async function whose requests the test answers by hand, in any order. */
class ScriptedService {
  readonly requests = new Map<string, { resolve: (v: string) => void; reject: (e: unknown) => void; signal: AbortSignal }>();
  readonly issued: string[] = [];

  readonly fn = (input: string, signal: AbortSignal): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      this.issued.push(input);
      this.requests.set(input, { resolve, reject, signal });
    });

  answer(...inputs: string[]): void {
    for (const input of inputs) this.requests.get(input)!.resolve(`${input}!`);
  }

  fail(input: string, error: unknown): void {
    this.requests.get(input)!.reject(error);
  }
}

function harness(mode: AsyncOutputMode, options: Partial<AsyncWaitOptions<string, string>> = {}, service = new ScriptedService()) {
  const operator = new AsyncWaitOperator<string, string>(service.fn, mode, { timeout: 1000, ...options }, 'lookup');
  const h = new OperatorHarness<string, string>(operator);
  return { h, operator, service };
}

/** Output as marbles: values, and `wm:t` for watermarks. */
function marbles(h: OperatorHarness<string, string>): string[] {
  return h.takeOutput().map((e) => (e.kind === 'record' ? e.value : e.kind === 'watermark' ? `wm:${e.watermark}` : e.status));
}

describe('AsyncWaitOperator', () => {
  it('ORDERED emits results in input order, whatever order they complete in', async () => {
    const { h, service } = harness('ORDERED');
    h.open().element('a', 1).element('b', 2).element('c', 3);
    service.answer('c', 'b');
    await h.runMailbox();
    expect(marbles(h)).toEqual([]);
    service.answer('a');
    await h.runMailbox();
    expect(h.records()).toEqual([
      { value: 'a!', timestamp: 1 },
      { value: 'b!', timestamp: 2 },
      { value: 'c!', timestamp: 3 },
    ]);
  });

  it('UNORDERED emits results as they complete', async () => {
    const { h, service } = harness('UNORDERED');
    h.open().element('a').element('b').element('c');
    service.answer('c');
    await h.runMailbox();
    expect(marbles(h)).toEqual(['c!']);
    service.answer('a', 'b');
    await h.runMailbox();
    expect(marbles(h)).toEqual(['a!', 'b!']);
  });

  it('UNORDERED never lets a result cross a watermark, either way', async () => {
    const { h, service } = harness('UNORDERED');
    h.open().element('a').element('b').watermark(10).element('c').element('d');
    service.answer('d', 'c'); // after the watermark: must wait for it
    await h.runMailbox();
    expect(marbles(h)).toEqual([]);
    service.answer('b');
    await h.runMailbox();
    expect(marbles(h)).toEqual(['b!']);
    service.answer('a'); // the watermark's segment is empty: the watermark, then what completed after it
    await h.runMailbox();
    expect(marbles(h)).toEqual(['a!', 'wm:10', 'd!', 'c!']);
  });

  it('ORDERED holds a watermark behind the results before it; an empty queue passes it at once', async () => {
    const { h, service } = harness('ORDERED');
    h.open().watermark(5);
    expect(marbles(h)).toEqual(['wm:5']);
    h.element('a').watermark(10).element('b');
    service.answer('b');
    await h.runMailbox();
    expect(marbles(h)).toEqual([]);
    service.answer('a');
    await h.runMailbox();
    expect(marbles(h)).toEqual(['a!', 'wm:10', 'b!']);
  });

  it('issues at most `capacity` requests and reports itself blocked while full', async () => {
    const { h, operator, service } = harness('UNORDERED', { capacity: 2 });
    h.open().element('a').element('b');
    expect(operator.isInputBlocked()).toBe(true);
    h.element('c'); // arrived in the same batch: waits unissued
    expect(service.issued).toEqual(['a', 'b']);
    service.answer('b');
    await h.runMailbox();
    expect(service.issued).toEqual(['a', 'b', 'c']);
    expect(operator.isInputBlocked()).toBe(true);
    service.answer('a');
    await h.runMailbox();
    expect(operator.isInputBlocked()).toBe(false);
    expect(operator.inFlightCount).toBe(1);
  });

  it('a completed result waiting behind a slow head still counts against capacity (ORDERED)', async () => {
    const { h, operator, service } = harness('ORDERED', { capacity: 2 });
    h.open().element('a').element('b').element('c');
    service.answer('b');
    await h.runMailbox();
    expect(service.issued).toEqual(['a', 'b']);
    expect(operator.isInputBlocked()).toBe(true);
  });

  it('a timeout fails with the operator and the input named, and aborts the request signal', async () => {
    const { h, service } = harness('ORDERED', { timeout: 500 });
    h.open().element('slow');
    h.advanceProcessingTime(499);
    expect(service.requests.get('slow')!.signal.aborted).toBe(false);
    expect(() => h.advanceProcessingTime(1)).toThrow(AsyncTimeoutError);
    expect(service.requests.get('slow')!.signal.aborted).toBe(true);
  });

  it('onTimeout gives the result of a timed-out request; its late answer is dropped', async () => {
    const { h, service } = harness('ORDERED', { timeout: 500, onTimeout: (input) => `${input}?` });
    h.open().element('slow');
    h.advanceProcessingTime(500);
    expect(marbles(h)).toEqual(['slow?']);
    service.answer('slow');
    await h.runMailbox();
    expect(marbles(h)).toEqual([]);
  });

  it('a request answered in time cancels its timeout', async () => {
    const { h, service } = harness('ORDERED', { timeout: 500 });
    h.open().element('a');
    service.answer('a');
    await h.runMailbox();
    expect(() => h.advanceProcessingTime(1000)).not.toThrow();
    expect(marbles(h)).toEqual(['a!']);
  });

  it('a rejection fails the task naming operator and input; a MalformedRecordError skips the input', async () => {
    const { h, service } = harness('ORDERED');
    h.open().element('bad').element('ok').element('worse');
    service.fail('bad', new MalformedRecordError('no such user'));
    service.answer('ok');
    await h.runMailbox();
    expect(marbles(h)).toEqual(['ok!']);
    expect(h.metrics.numRecordsSkipped).toBe(1);
    service.fail('worse', new Error('connection refused'));
    await expect(h.runMailbox()).rejects.toThrow(`operator 'lookup' failed on record "worse": connection refused`);
  });

  it('completions only change the operator on the mailbox, never in the promise callback', async () => {
    const { h, service } = harness('UNORDERED');
    h.open().element('a');
    service.answer('a');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(h.mailbox).toHaveLength(1);
    expect(marbles(h)).toEqual([]);
    await h.runMailbox();
    expect(marbles(h)).toEqual(['a!']);
  });

  it('end of input is pending until every request was emitted', async () => {
    const { h, operator, service } = harness('ORDERED');
    h.open().element('a').endInput();
    expect(operator.hasPendingWork()).toBe(true);
    service.answer('a');
    await h.runMailbox();
    expect(operator.hasPendingWork()).toBe(false);
  });

  it.each<AsyncOutputMode>(['ORDERED', 'UNORDERED'])(
    '%s: a checkpoint keeps the inputs of requests not yet emitted; a restore issues them again (exactly once)',
    async (mode) => {
      const first = harness(mode, { capacity: 2 });
      first.h.open().element('a', 1).element('b', 2).element('c', 3).element('d', 4);
      first.service.answer('a');
      await first.h.runMailbox();
      expect(marbles(first.h)).toEqual(['a!']);
      first.service.answer('c'); // completed (UNORDERED: emitted before the checkpoint, so not in it)
      await first.h.runMailbox();
      const emittedBefore = first.h.values();
      const snapshot = first.h.snapshot();
      first.h.close();
      expect(first.service.requests.get('b')!.signal.aborted).toBe(true); // closing abandons what is in flight

      const second = harness(mode, { capacity: 2 });
      second.h.initializeState(snapshot).open();
      second.service.answer(...second.service.issued);
      await second.h.runMailbox();
      second.service.answer(...second.service.issued.filter((i) => !emittedBefore.includes(`${i}!`)));
      await second.h.runMailbox();
      const all = [...emittedBefore, ...second.h.values()];
      expect([...all].sort()).toEqual(['a!', 'b!', 'c!', 'd!']);
      if (mode === 'ORDERED') expect(all).toEqual(['a!', 'b!', 'c!', 'd!']);
      expect(second.h.records().find((r) => r.value === 'd!')!.timestamp).toBe(4);
    },
  );

  it('refuses a capacity or timeout that cannot work', () => {
    const service = new ScriptedService();
    expect(() => new AsyncWaitOperator(service.fn, 'ORDERED', { timeout: 1000, capacity: 0 }, 'x')).toThrow('capacity');
    expect(() => new AsyncWaitOperator(service.fn, 'ORDERED', { timeout: 0 }, 'x')).toThrow('timeout');
  });
});
