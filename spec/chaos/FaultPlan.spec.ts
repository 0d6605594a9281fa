import { SeededRandom } from '../../lib/util/SeededRandom';
import { parseFaultKinds, planFaults } from '../../samples/chaos/FaultPlan';

describe('chaos runner: the seeded fault plan', () => {
  it('is the same for the same seed, in time order, within the span, of the kinds switched on only', () => {
    const plan = planFaults(new SeededRandom(5), ['job-kill', 'disk-full'], 40, 10_000);
    expect(planFaults(new SeededRandom(5), ['job-kill', 'disk-full'], 40, 10_000)).toEqual(plan);
    expect(plan).toHaveLength(40);
    expect(new Set(plan.map((f) => f.kind))).toEqual(new Set(['job-kill', 'disk-full']));
    expect(plan.map((f) => f.atMs)).toEqual([...plan.map((f) => f.atMs)].sort((a, b) => a - b));
    for (const f of plan) expect(f.atMs >= 1000 && f.atMs < 10_000).toBe(true);
    expect(planFaults(new SeededRandom(6), ['job-kill', 'disk-full'], 40, 10_000)).not.toEqual(plan);
  });

  it('plans nothing with no kind switched on', () => {
    expect(planFaults(new SeededRandom(5), [], 10, 10_000)).toEqual([]);
  });

  it('reads kinds from the command line and names a wrong one', () => {
    expect(parseFaultKinds('all')).toEqual(['job-kill', 'redis-kill', 'disk-full', 'corrupt-checkpoint']);
    expect(parseFaultKinds('none')).toEqual([]);
    expect(parseFaultKinds('redis-kill, job-kill')).toEqual(['redis-kill', 'job-kill']);
    expect(() => parseFaultKinds('job-kill,disk-ful')).toThrow(/unknown fault kind "disk-ful"/);
  });
});
