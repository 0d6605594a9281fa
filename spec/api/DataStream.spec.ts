import type * as DataStreamModule from '../../lib/api/DataStream';
import type * as EnvironmentModule from '../../lib/api/StreamExecutionEnvironment';

describe('DataStream and the streams it derives', () => {
  it('says what to import when the derived stream classes were not loaded', () => {
    jest.isolateModules(() => {
      const { DataStream } = require('../../lib/api/DataStream') as typeof DataStreamModule;
      const stream = new DataStream<{ ip: string }>({} as EnvironmentModule.StreamExecutionEnvironment, { kind: 'union', id: 1, inputs: [] });
      expect(() => stream.keyBy('ip')).toThrow('KeyedStream is not loaded: import StreamExecutionEnvironment (or the brook package) before building streams');
    });
  });

  it('the environment loads them: keyBy and connect construct the derived streams', () => {
    jest.isolateModules(() => {
      const { StreamExecutionEnvironment } = require('../../lib/api/StreamExecutionEnvironment') as typeof EnvironmentModule;
      const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
      const keyed = env.fromElements({ ip: 'a' }).keyBy('ip');
      // Required only now: the environment alone must have loaded it.
      const { KeyedStream } = require('../../lib/api/KeyedStream') as typeof import('../../lib/api/KeyedStream');
      expect(keyed).toBeInstanceOf(KeyedStream);
      expect(env.fromElements(1).connect(env.fromElements('x')).constructor.name).toBe('ConnectedStreams');
    });
  });
});
