import { describeRecord } from '../../errors';

/** An async request took longer than its timeout and no `onTimeout` handler gave a result. */
export class AsyncTimeoutError extends Error {
  constructor(
    readonly operatorName: string,
    readonly input: unknown,
    readonly timeoutMs: number,
  ) {
    super(
      `operator '${operatorName}': async request for ${describeRecord(input)} timed out after ${timeoutMs} ms ` +
        `(raise the timeout, or pass onTimeout to emit a fallback result)`,
    );
    this.name = 'AsyncTimeoutError';
  }
}
