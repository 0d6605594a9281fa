import * as nact from 'nact';

declare const accepts: unique symbol;

/**
 * A reference to an actor that accepts messages of type M. nact's own Ref<T> lets any ref be
 * assigned to any other; this phantom member makes the compiler check what is sent where
 * (a ref that accepts more may stand for one that accepts less, never the reverse).
 */
export type TypedRef<M> = { readonly [accepts]: (message: M) => void };

/** Any actor reference, whatever it accepts (every TypedRef<M> is one: M extends never's domain). */
export type AnyRef = TypedRef<never>;

/** What a handler gets besides the message. */
export interface ActorContext<M> {
  readonly self: TypedRef<M>;
  readonly name: string;
  readonly path: string;
  /** Names of the children nact knows this actor has. */
  readonly children: readonly string[];
}

export interface Behaviour<M> {
  /** Handles one message. Keep it synchronous: nact runs one message per event-loop turn. */
  receive(message: M, ctx: ActorContext<M>): void;
  /**
   * Called by nact's supervision when `receive` throws. Must not throw (a throwing onCrash kills
   * the process in nact 7.6.2); the facade guarantees that by catching. The actor is stopped.
   */
  onCrash?(error: unknown, message: M | undefined): void;
}

type UntypedRef = nact.Ref<unknown>;

/**
 * A small typed facade over one nact actor system. Besides typing, it tracks how many messages
 * are queued but not yet handled, so tests on a manual clock can wait until every actor is
 * idle (`settle`) instead of sleeping.
 */
export class ActorSystem {
  private readonly system: nact.ActorSystemRef;
  private readonly queued = new Map<UntypedRef, number>();
  private readonly threadRefs = new WeakMap<object, (message: unknown) => void>();
  private inFlight = 0;
  private pendingWork = 0;
  private stopped = false;

  constructor(readonly name: string) {
    // nact 7.6.2 reads the name from an object argument (its typings say a string, which it ignores).
    this.system = nact.start({ name } as unknown as nact.Plugin);
  }

  get root(): TypedRef<never> {
    return this.system as unknown as TypedRef<never>;
  }

  /** Spawns a child of `parent` (or a top-level actor when parent is the root). */
  spawn<M>(parent: AnyRef, name: string, behaviour: Behaviour<M>): TypedRef<M> {
    const handler = (state: undefined, message: M, ctx: nact.ActorContext<M, nact.Ref<unknown>>): undefined => {
      this.handled(ref);
      behaviour.receive(message, {
        self: ctx.self as unknown as TypedRef<M>,
        name: ctx.name,
        path: ctx.path.toString(),
        children: [...ctx.children.keys()],
      });
      return state;
    };
    const ref = nact.spawn(parent as unknown as nact.Ref<unknown>, handler, name, {
      onCrash: (message: M | undefined, error: Error | undefined, ctx: nact.SupervisionContext<M, nact.Ref<unknown>>) => {
        try {
          behaviour.onCrash?.(error, message);
        } catch (e) {
          // A throwing onCrash would kill the process; report and stop the actor instead.
          process.emitWarning(`onCrash of actor '${name}' threw: ${String(e)}`);
        }
        this.forget(ref);
        return ctx.stop;
      },
    }) as UntypedRef;
    this.queued.set(ref, 0);
    return ref as unknown as TypedRef<M>;
  }

  /**
   * A ref to something outside this actor system (an actor on another thread): telling it
   * calls `send` synchronously. Lets the JobManager, TaskManagers and subtasks address peers
   * on other threads exactly as local actors, while the bridge translates the message.
   */
  threadRef<M>(describe: string, send: (message: M) => void): TypedRef<M> {
    const ref = { thread: describe };
    this.threadRefs.set(ref, send as (message: unknown) => void);
    return ref as unknown as TypedRef<M>;
  }

  /** Stops delivering to a thread ref (its thread is gone). */
  forgetThreadRef(ref: AnyRef): void {
    this.threadRefs.delete(ref as unknown as object);
  }

  /** Sends a message. A message to a stopped actor is dropped, as nact does. */
  tell<M>(ref: TypedRef<M>, message: M): void {
    const send = this.threadRefs.get(ref as unknown as object);
    if (send) {
      send(message);
      return;
    }
    const untyped = ref as unknown as UntypedRef & { type?: string };
    if (untyped.type === 'temp') {
      nact.dispatch(untyped, message);
      return;
    }
    const n = this.queued.get(untyped);
    if (n === undefined) return;
    this.queued.set(untyped, n + 1);
    this.inFlight++;
    nact.dispatch(untyped, message);
  }

  /** Asks and waits for a reply; keep these few (nact reply ids are 31-bit random). */
  ask<M, R>(ref: TypedRef<M>, makeMessage: (replyTo: TypedRef<R>) => M, timeoutMs: number): Promise<R> {
    const send = this.threadRefs.get(ref as unknown as object);
    if (send) {
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.forgetThreadRef(reply);
          reject(new Error(`no reply within ${timeoutMs} ms`));
        }, timeoutMs);
        const reply = this.threadRef<R>('reply', (r) => {
          clearTimeout(timer);
          this.forgetThreadRef(reply);
          resolve(r);
        });
        send(makeMessage(reply));
      });
    }
    if (!this.queued.has(ref as unknown as UntypedRef)) return Promise.reject(new Error('actor is not running'));
    this.queued.set(ref as unknown as UntypedRef, (this.queued.get(ref as unknown as UntypedRef) ?? 0) + 1);
    this.inFlight++;
    return nact.query(ref as unknown as nact.Ref<M>, (temp: nact.Ref<R>) => makeMessage(temp as unknown as TypedRef<R>), timeoutMs) as Promise<R>;
  }

  /** Stops one actor (nact does not stop children with their parent: stop each yourself). */
  stop(ref: AnyRef): void {
    const untyped = ref as unknown as UntypedRef;
    if (!this.queued.has(untyped)) return;
    this.forget(untyped);
    nact.stop(untyped);
  }

  isAlive(ref: AnyRef): boolean {
    return this.queued.has(ref as unknown as UntypedRef) || this.threadRefs.has(ref as unknown as object);
  }

  /** Messages sent and not yet handled, over all actors. */
  get pendingMessages(): number {
    return this.inFlight;
  }

  /**
   * Counts asynchronous work done on behalf of actors (a state file being written, a commit) as
   * pending, so `settle` also waits for it.
   */
  trackAsync(work: Promise<unknown>): void {
    this.pendingWork++;
    const done = (): void => void this.pendingWork--;
    work.then(done, done);
  }

  /**
   * Resolves once no actor has a message waiting. Only meaningful where nothing outside the
   * actors (sockets, a real clock) produces new messages: tests on the manual clock.
   */
  async settle(maxTurns = 1_000_000): Promise<void> {
    for (let turn = 0; turn < maxTurns; turn++) {
      if (this.inFlight === 0 && this.pendingWork === 0) {
        await nextTurn();
        if (this.inFlight === 0 && this.pendingWork === 0) return;
      }
      await nextTurn();
    }
    throw new Error(`actor system '${this.name}' did not settle: ${this.inFlight} messages and ${this.pendingWork} async operations still pending`);
  }

  shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    nact.stop(this.system);
  }

  private handled(ref: UntypedRef): void {
    const n = this.queued.get(ref);
    if (n === undefined || n === 0) return;
    this.queued.set(ref, n - 1);
    this.inFlight--;
  }

  private forget(ref: UntypedRef): void {
    const n = this.queued.get(ref);
    if (n === undefined) return;
    this.inFlight -= n;
    this.queued.delete(ref);
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
