import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { Time } from '../../lib/core/Time';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';

interface IpAndCount {
  date: Date;
  ip: string;
  count: number;
}

/**
 * Field names given to keyBy / sum / min / max are checked by the compiler (`npm test` type-checks
 * spec/ before running it): each @ts-expect-error below fails the build if the line compiles.
 */
describe('compile-time field checks', () => {
  it('accepts fields of the record type and rejects others', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
    const records = env.fromElements<IpAndCount>({ date: new Date(0), ip: 'x', count: 1 });
    const keyed = records.keyBy('ip');
    keyed.sum('count');
    keyed.max('date');
    keyed.window(TumblingEventTimeWindows.of(Time.seconds(5))).sum('count');
    // @ts-expect-error 'ipp' is not a field of IpAndCount
    records.keyBy('ipp');
    // @ts-expect-error sum needs a numeric field
    keyed.sum('ip');
    // @ts-expect-error not a field at all
    keyed.window(TumblingEventTimeWindows.of(Time.seconds(5))).sum('total');
    // A key selector works too, and its key type flows on.
    const byLength = records.keyBy((r) => r.ip.length);
    const k: number = byLength.keySelector({ date: new Date(0), ip: 'abc', count: 1 });
    expect(k).toBe(3);
  });

  it('also rejects a wrong field at run time for untyped callers, naming the field', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
    const untyped = env.fromElements<Record<string, unknown>>({ ip: 'x' });
    expect(() => untyped.keyBy('nope').keySelector({ ip: 'x' })).toThrow("keyBy('nope'): the record has no field 'nope'");
  });
});
