import fs from 'fs';
import os from 'os';
import path from 'path';
import { differenceCount } from './compareResults';
import { FAULT_KINDS, FaultKind } from './FaultPlan';
import { RoundReport, roundPassed, runRound } from './ChaosRound';

/** 1 or N TaskManager threads for every round, or 1 and 2 in turn. */
export type TaskManagerChoice = number | 'alternate';

export interface ChaosOptions {
  readonly rounds: number;
  readonly seed: number;
  readonly kinds: readonly FaultKind[];
  readonly faultsPerRound: number;
  readonly lines: number;
  readonly produceMs: number;
  readonly taskManagers: TaskManagerChoice;
  readonly workDirectory?: string;
}

export interface ChaosSummary {
  readonly rounds: readonly RoundReport[];
  readonly passed: boolean;
}

const SHOWN_DIFFERENCES = 8;

/** Runs the rounds one after another, printing a report per round and a total. */
export async function runChaos(o: ChaosOptions, print: (line: string) => void): Promise<ChaosSummary> {
  const work = o.workDirectory ?? path.join(os.tmpdir(), `brook-chaos-${process.pid}`);
  print(
    `chaos: seed ${o.seed}, ${o.rounds} round(s), faults ${o.kinds.length > 0 ? o.kinds.join(',') : 'none'}, ` +
      `${o.faultsPerRound} per round, ${o.lines} lines over ${o.produceMs} ms, parallelism 4, task managers ${o.taskManagers}`,
  );
  const rounds: RoundReport[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const taskManagers = o.taskManagers === 'alternate' ? (round % 2 === 1 ? 1 : 2) : o.taskManagers;
    const report = await runRound({
      seed: o.seed,
      round,
      kinds: o.kinds,
      faults: o.faultsPerRound,
      lines: o.lines,
      streams: 4,
      taskManagers,
      produceMs: o.produceMs,
      workDirectory: work,
    });
    rounds.push(report);
    for (const line of describeRound(report, o.rounds)) print(line);
  }
  const passed = rounds.every(roundPassed);
  // Rounds that passed removed their directories; an empty work directory goes too.
  if (fs.existsSync(work) && fs.readdirSync(work).length === 0) fs.rmdirSync(work);
  print(describeTotal(rounds));
  for (const kind of o.kinds) {
    if (rounds.some((r) => r.injected[kind] > 0)) continue;
    const why = rounds.flatMap((r) => r.notInjected).find((n) => n.startsWith(kind));
    print(`warning: no ${kind} fault was injected${why ? ` (${why})` : ''}`);
  }
  return { rounds, passed };
}

export function describeRound(r: RoundReport, of: number): string[] {
  const d = r.differences;
  const faults = FAULT_KINDS.map((k) => `${k} ${r.injected[k]}${k === 'disk-full' && r.diskFullMethod ? ` (${r.diskFullMethod})` : ''}`).join(', ');
  const lines = [
    `round ${r.round}/${of} (seed ${r.seed}, ${r.taskManagers === 1 ? '1 thread' : `${r.taskManagers} task managers`}): ` +
      `faults ${faults}; ${r.records} records; ${r.runs} runs, ${r.ownExits.length} ended on their own; ` +
      `${d.compared} results compared: lost ${d.lost.length}, doubled ${d.doubled.length}, wrong ${d.wrong.length}, unexpected ${d.unexpected.length}; ` +
      `${(r.durationMs / 1000).toFixed(1)} s  ${roundPassed(r) ? 'PASS' : 'FAIL'}`,
  ];
  for (const [count, exit] of tally(r.ownExits)) lines.push(`  ended on its own${count > 1 ? ` ${count}×` : ''}: ${exit}`);
  if (r.handover && !r.handover.startsWith('exit 130')) {
    lines.push(
      `  the cancel (SIGTERM) before the final run ended it with ${r.handover}${r.handover.startsWith('SIGTERM') ? ' (it died of the signal, its handler not (yet) installed: as good as a kill)' : ''}`,
    );
  }
  for (const c of r.corruptions) lines.push(`  corrupted ${c}`);
  for (const note of r.notInjected) lines.push(`  not injected: ${note}`);
  const show = (label: string, items: readonly string[]): void => {
    for (const item of items.slice(0, SHOWN_DIFFERENCES)) lines.push(`  ${label} ${item}`);
    if (items.length > SHOWN_DIFFERENCES) lines.push(`  … ${items.length - SHOWN_DIFFERENCES} more ${label}`);
  };
  show('lost', d.lost);
  show('doubled', d.doubled);
  show('wrong', d.wrong);
  show('unexpected', d.unexpected);
  if (r.failure) lines.push(`  round failed: ${r.failure.split('\n').join('\n    ')}`);
  if (!roundPassed(r)) lines.push(`  kept for inspection: ${r.workDirectory}`);
  return lines;
}

function describeTotal(rounds: readonly RoundReport[]): string {
  const sum = (f: (r: RoundReport) => number): number => rounds.reduce((n, r) => n + f(r), 0);
  const faults = FAULT_KINDS.map((k) => `${k} ${sum((r) => r.injected[k])}`).join(', ');
  const failed = rounds.filter((r) => !roundPassed(r)).length;
  return (
    `total: ${rounds.length} round(s), ${failed} failed; faults ${faults}; ${sum((r) => r.records)} records; ` +
    `${sum((r) => r.differences.compared)} results compared: lost ${sum((r) => r.differences.lost.length)}, doubled ${sum((r) => r.differences.doubled.length)}, ` +
    `wrong ${sum((r) => r.differences.wrong.length)}, unexpected ${sum((r) => r.differences.unexpected.length)}; ` +
    `${(sum((r) => r.durationMs) / 1000).toFixed(1)} s; ${sum((r) => differenceCount(r.differences)) === 0 && failed === 0 ? 'PASS' : 'FAIL'}`
  );
}

function tally(items: readonly string[]): Array<[number, string]> {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return [...counts].map(([item, n]) => [n, item]);
}
