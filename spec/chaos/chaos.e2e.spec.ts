import fs from 'fs';
import os from 'os';
import path from 'path';
import { differenceCount } from '../../samples/chaos/compareResults';
import { FaultKind } from '../../samples/chaos/FaultPlan';
import { describeRound, runChaos } from '../../samples/chaos/runChaos';

/**
 * The CI rounds of `npm run chaos`: the same runner with a small budget, on one thread and on 2
 * TaskManager threads, with every fault kind.
 */
const CI_FAULT_KINDS: readonly FaultKind[] = ['job-kill', 'redis-kill', 'disk-full', 'corrupt-checkpoint'];
/** Its plans have every kind in both rounds (6 faults on one thread, 4 on 2 threads). */
const CI_SEED = 20261278;

describe('npm run chaos: the exactly-once IpCount sample under seeded faults, against a real redis-server', () => {
  let work: string;
  const printed: string[] = [];
  const print = (line: string): void => void printed.push(line);

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-chaos-spec-'));
  });

  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
    if (printed.length > 0) process.stdout.write(`${printed.join('\n')}\n`);
  });

  it('without faults, commits exactly the counts computed from the input (the reference is right)', async () => {
    const summary = await runChaos(
      { rounds: 1, seed: 11, kinds: [], faultsPerRound: 0, lines: 2000, produceMs: 2000, taskManagers: 1, workDirectory: work },
      print,
    );
    const [round] = summary.rounds;
    expect(describeRound(round, 1).join('\n')).toMatch(/PASS/);
    expect(round.failure).toBeUndefined();
    expect(round.differences.compared).toBeGreaterThan(50);
    expect(differenceCount(round.differences)).toBe(0);
  }, 60_000);

  it('under seeded job kills, Redis kills, a full checkpoint disk and corrupt checkpoints, loses, doubles and miscounts nothing', async () => {
    const seed = Number(process.env.BROOK_CHAOS_SEED ?? CI_SEED);
    const summary = await runChaos(
      { rounds: 1, seed, kinds: CI_FAULT_KINDS, faultsPerRound: 6, lines: 3000, produceMs: 12_000, taskManagers: 1, workDirectory: work },
      print,
    );
    const [round] = summary.rounds;
    expect(describeRound(round, 1).join('\n')).toMatch(/PASS/);
    expect(Object.values(round.injected).reduce((a, b) => a + b, 0)).toBe(6);
    expect(summary.passed).toBe(true);
  }, 120_000);

  it('on 2 TaskManager threads too', async () => {
    const seed = Number(process.env.BROOK_CHAOS_SEED ?? CI_SEED) + 1;
    const summary = await runChaos(
      { rounds: 1, seed, kinds: CI_FAULT_KINDS, faultsPerRound: 4, lines: 2000, produceMs: 8000, taskManagers: 2, workDirectory: work },
      print,
    );
    const [round] = summary.rounds;
    expect(describeRound(round, 1).join('\n')).toMatch(/PASS/);
    expect(Object.values(round.injected).reduce((a, b) => a + b, 0)).toBe(4);
    expect(summary.passed).toBe(true);
  }, 120_000);
});
