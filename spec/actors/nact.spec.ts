import { ActorContext, ActorSystem, TypedRef } from '../../actors/nact';

type Echo = { readonly type: 'say'; readonly text: string } | { readonly type: 'ask'; readonly replyTo: TypedRef<string> } | { readonly type: 'boom' };

/** The typed facade over nact: delivery, supervision, remote refs, asks, and settling. */
describe('ActorSystem (the typed nact facade)', () => {
  let system: ActorSystem;
  beforeEach(() => (system = new ActorSystem(`spec-${Math.random().toString(36).slice(2)}`)));
  afterEach(() => system.shutdown());

  it('delivers messages one at a time, in the order told; settle waits until every one was handled', async () => {
    const seen: string[] = [];
    let context: ActorContext<Echo> | undefined;
    const ref = system.spawn<Echo>(system.root, 'echo', {
      receive(message, ctx) {
        context = ctx;
        if (message.type === 'say') seen.push(message.text);
      },
    });
    for (const text of ['a', 'b', 'c']) system.tell(ref, { type: 'say', text });
    expect(system.pendingMessages).toBe(3);
    expect(seen).toEqual([]);
    await system.settle();
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(system.pendingMessages).toBe(0);
    expect(context?.name).toBe('echo');
    expect(context?.path).toMatch(/echo$/);
    expect(context?.self).toBe(ref);
  });

  it('settle also waits for messages sent while handling, and for tracked async work', async () => {
    const seen: number[] = [];
    let release: () => void = () => undefined;
    const ref: TypedRef<number> = system.spawn<number>(system.root, 'countdown', {
      receive(n) {
        seen.push(n);
        if (n > 0) system.tell(ref, n - 1);
        else system.trackAsync(new Promise<void>((r) => (release = r)).then(() => void seen.push(-1)));
      },
    });
    system.tell(ref, 3);
    const settled = system.settle();
    let done = false;
    void settled.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([3, 2, 1, 0]);
    expect(done).toBe(false); // the async work is still pending
    release();
    await settled;
    expect(seen).toEqual([3, 2, 1, 0, -1]);
  });

  it('settle gives up with a clear error when actors never go idle', async () => {
    const ref: TypedRef<number> = system.spawn<number>(system.root, 'forever', { receive: (n) => system.tell(ref, n + 1) });
    system.tell(ref, 0);
    await expect(system.settle(50)).rejects.toThrow(/actor system '.*' did not settle: 1 messages and 0 async operations still pending/);
    system.stop(ref);
  });

  it('supervision: a receive that throws calls onCrash with the error and the message, and stops the actor', async () => {
    const crashes: Array<{ error: unknown; message: Echo | undefined }> = [];
    const seen: string[] = [];
    const ref = system.spawn<Echo>(system.root, 'fragile', {
      receive(message) {
        if (message.type === 'boom') throw new Error('receive failed');
        if (message.type === 'say') seen.push(message.text);
      },
      onCrash: (error, message) => void crashes.push({ error, message }),
    });
    system.tell(ref, { type: 'say', text: 'before' });
    system.tell(ref, { type: 'boom' });
    system.tell(ref, { type: 'say', text: 'after' });
    await system.settle();
    expect(seen).toEqual(['before']);
    expect(crashes).toHaveLength(1);
    expect((crashes[0].error as Error).message).toBe('receive failed');
    expect(crashes[0].message).toEqual({ type: 'boom' });
    expect(system.isAlive(ref)).toBe(false);
    // A stopped actor's messages are dropped, and not counted as pending.
    system.tell(ref, { type: 'say', text: 'later' });
    expect(system.pendingMessages).toBe(0);
    await expect(system.ask<Echo, string>(ref, (replyTo) => ({ type: 'ask', replyTo }), 100)).rejects.toThrow('actor is not running');
  });

  it('an onCrash that throws is reported as a warning instead of killing the process', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const ref = system.spawn<Echo>(system.root, 'doubly-fragile', {
        receive() {
          throw new Error('receive failed');
        },
        onCrash() {
          throw new Error('onCrash failed too');
        },
      });
      system.tell(ref, { type: 'boom' });
      await system.settle();
      expect(warn).toHaveBeenCalledWith("onCrash of actor 'doubly-fragile' threw: Error: onCrash failed too");
      expect(system.isAlive(ref)).toBe(false);
    } finally {
      warn.mockRestore();
    }
  });

  it('ask: a local actor replies through the temporary ref', async () => {
    const ref = system.spawn<Echo>(system.root, 'answerer', {
      receive(message) {
        if (message.type === 'ask') system.tell(message.replyTo, 'pong');
      },
    });
    await expect(system.ask<Echo, string>(ref, (replyTo) => ({ type: 'ask', replyTo }), 1000)).resolves.toBe('pong');
  });

  it('thread refs: telling one calls its bridge synchronously; asks through it time out without an answer; forgotten ones drop', async () => {
    const sent: Echo[] = [];
    const remote = system.threadRef<Echo>('peer', (m) => void sent.push(m));
    system.tell(remote, { type: 'say', text: 'over there' });
    expect(sent).toEqual([{ type: 'say', text: 'over there' }]);
    expect(system.isAlive(remote)).toBe(true);
    expect(system.pendingMessages).toBe(0);

    const answering = system.threadRef<Echo>('answering peer', (m) => {
      if (m.type === 'ask') system.tell(m.replyTo, 'from the peer');
    });
    await expect(system.ask<Echo, string>(answering, (replyTo) => ({ type: 'ask', replyTo }), 1000)).resolves.toBe('from the peer');
    await expect(system.ask<Echo, string>(remote, (replyTo) => ({ type: 'ask', replyTo }), 10)).rejects.toThrow('no reply within 10 ms');

    system.forgetThreadRef(remote);
    system.tell(remote, { type: 'say', text: 'gone' });
    expect(sent).toHaveLength(2); // the 'say' and the unanswered 'ask'
    expect(system.isAlive(remote)).toBe(false);
  });

  it('stop drops what was queued for the actor from the pending count', async () => {
    const seen: string[] = [];
    const ref = system.spawn<Echo>(system.root, 'stopped', { receive: (m) => void (m.type === 'say' && seen.push(m.text)) });
    system.tell(ref, { type: 'say', text: 'x' });
    system.tell(ref, { type: 'say', text: 'y' });
    system.stop(ref);
    expect(system.pendingMessages).toBe(0);
    await system.settle();
    expect(system.isAlive(ref)).toBe(false);
  });
});
