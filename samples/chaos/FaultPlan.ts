import { SeededRandom } from '../../lib/util/SeededRandom';

/** The kinds of fault a chaos round can inject; each can be switched on or off. */
export type FaultKind = 'job-kill' | 'redis-kill' | 'disk-full' | 'corrupt-checkpoint';

export const FAULT_KINDS: readonly FaultKind[] = ['job-kill', 'redis-kill', 'disk-full', 'corrupt-checkpoint'];

/** Which part of the newest checkpoint a corruption hits. */
export type CorruptionTarget = 'metadata' | 'state';

/** One fault of a round, due `atMs` after the round's input began to be produced. */
export type PlannedFault =
  | { readonly kind: 'job-kill'; readonly atMs: number }
  | { readonly kind: 'redis-kill'; readonly atMs: number; readonly downMs: number }
  | { readonly kind: 'disk-full'; readonly atMs: number; readonly fullMs: number }
  | { readonly kind: 'corrupt-checkpoint'; readonly atMs: number; readonly target: CorruptionTarget; readonly flips: number; readonly salt: number };

export function parseFaultKinds(text: string): FaultKind[] {
  if (text === 'all') return [...FAULT_KINDS];
  if (text === 'none' || text === '') return [];
  const kinds = text.split(',').map((k) => k.trim());
  for (const k of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(k))
      throw new Error(`unknown fault kind ${JSON.stringify(k)} (kinds: ${FAULT_KINDS.join(', ')}, all, none)`);
  }
  return kinds as FaultKind[];
}

/**
 * `count` faults of the given kinds at seeded moments within the first `spanMs` of a round.
 * The seed fixes which faults, when and how long; how they interleave with the job's own
 * progress still depends on the machine's timing.
 */
export function planFaults(random: SeededRandom, kinds: readonly FaultKind[], count: number, spanMs: number): PlannedFault[] {
  if (kinds.length === 0) return [];
  const faults: PlannedFault[] = [];
  for (let i = 0; i < count; i++) {
    // Not in the first 10 %: the job needs a first checkpoint before a fault means anything.
    const atMs = Math.floor(spanMs * (0.1 + 0.9 * random.next()));
    const kind = kinds[random.nextInt(kinds.length)];
    faults.push(plannedFault(kind, atMs, random));
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

function plannedFault(kind: FaultKind, atMs: number, random: SeededRandom): PlannedFault {
  switch (kind) {
    case 'job-kill':
      return { kind, atMs };
    case 'redis-kill':
      return { kind, atMs, downMs: 200 + random.nextInt(2300) };
    case 'disk-full':
      return { kind, atMs, fullMs: 500 + random.nextInt(2500) };
    case 'corrupt-checkpoint':
      return { kind, atMs, target: random.next() < 0.5 ? 'metadata' : 'state', flips: 1 + random.nextInt(4), salt: random.nextInt(0x7fffffff) };
  }
}
