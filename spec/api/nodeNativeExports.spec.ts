import * as brook from '../../actors/index';

describe('the package entry', () => {
  it('exports the Node-native API: fromAsyncIterable, AsyncDataStream, collectAsync, AbortSignal errors', () => {
    const env = brook.StreamExecutionEnvironment.createLocalEnvironment(1);
    const numbers = env.fromAsyncIterable((offset) =>
      (async function* () {
        yield offset;
      })(),
    );
    // The result type is inferred from the async function: a stream of strings.
    const labels: brook.DataStream<string> = brook.AsyncDataStream.orderedWait(numbers, async (n) => `#${n}`, { timeout: 1000 });
    expect(labels).toBeInstanceOf(brook.DataStream);
    expect(typeof labels.collectAsync).toBe('function');
    expect(new brook.AbortError('job', undefined).name).toBe('AbortError');
    expect(new brook.AsyncTimeoutError('op', 'x', 5).name).toBe('AsyncTimeoutError');
    expect(brook.AsyncIterableSource).toBeDefined();
  });
});
