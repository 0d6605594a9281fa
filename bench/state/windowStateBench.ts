/**
 * Hot window state: which map structure for keyed state? Run after a build:
 *
 *   npm run build && node dist/bench/state/windowStateBench.js [--updates 2000000] [--keys 1000]
 *
 * Workload: sliding event-time windows (size 3 s, slide 1 s: 3 windows per element), a sum per
 * (key, window), K keys spread over 128 key groups, time advancing 1 ms per element; every
 * second of event time the windows that closed are removed (as cleanup timers do); a
 * checkpoint is taken every `--every` updates. Measured per structure: updates per second
 * (snapshots and copy-on-write included) and the pause at the barrier (the synchronous part
 * of a snapshot).
 */
import { performance } from 'perf_hooks';
import { parseArgs } from 'util';
import { Map as ImmutableMap } from 'immutable';
import { HeapKeyedStateBackend } from '../../lib/runtime/state/HeapKeyedStateBackend';
import { StateTable } from '../../lib/runtime/state/StateTable';
import { assignToKeyGroup } from '../../lib/partitioners/keyGroups';
import { systemClock } from '../../lib/time/SystemClock';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { restoreWindow } from '../../lib/windowing/windows/restoreWindow';
import { InternalTimerService } from '../../lib/runtime/InternalTimerService';

const { values: args } = parseArgs({
  options: {
    updates: { type: 'string', default: '2000000' },
    keys: { type: 'string', default: '1000' },
    every: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
  },
});
const UPDATES = Number(args.updates);
const KEYS = Number(args.keys);
const EVERY = Number(args.every);
const ROUNDS = Number(args.rounds);
const MAX_PARALLELISM = 128;
const SIZE = 3000;
const SLIDE = 1000;

const keyNames = Array.from({ length: KEYS }, (_, i) => `user-${i}`);
const keyGroups = keyNames.map((k) => assignToKeyGroup(k, MAX_PARALLELISM));

interface Result {
  name: string;
  updatesPerSec: number;
  snapshots: number;
  pauseAvgMs: number;
  pauseMaxMs: number;
}

/** What each candidate structure implements: sum into (key, window), drop closed windows, snapshot. */
interface Candidate {
  readonly name: string;
  /** Once per element, as an operator sets the current key (key group hashed here). */
  setKey(keyIndex: number): void;
  add(keyIndex: number, window: TimeWindow, value: number): void;
  dropWindowsEndingBy(time: number): void;
  snapshot(): unknown;
}

function run(make: () => Candidate): Result {
  let best: Result | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const c = make();
    const held: unknown[] = [];
    const pauses: number[] = [];
    let nextCleanup = SIZE;
    const t0 = performance.now();
    let updates = 0;
    for (let i = 0; updates < UPDATES; i++) {
      const ts = i;
      const k = i % KEYS;
      const lastStart = ts - (ts % SLIDE);
      c.setKey(k);
      for (let start = lastStart; start > ts - SIZE; start -= SLIDE) {
        c.add(k, new TimeWindow(start, start + SIZE), 1);
        updates++;
        if (updates % EVERY === 0) {
          const p0 = performance.now();
          held.push(c.snapshot());
          pauses.push(performance.now() - p0);
          if (held.length > 2) held.shift(); // a checkpoint is kept until the next completes
        }
      }
      if (ts >= nextCleanup) {
        c.dropWindowsEndingBy(ts - 1000);
        nextCleanup += SLIDE;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const r: Result = {
      name: c.name,
      updatesPerSec: updates / seconds,
      snapshots: pauses.length,
      pauseAvgMs: pauses.reduce((a, b) => a + b, 0) / Math.max(1, pauses.length),
      pauseMaxMs: Math.max(0, ...pauses),
    };
    if (!best || r.updatesPerSec > best.updatesPerSec) best = r;
  }
  return best!;
}

/** brook's StateTable: native Map per key group, copy-on-write after each snapshot. */
function nativeCopyOnWrite(withSnapshots = true): Candidate {
  const backend = new HeapKeyedStateBackend<string>({ start: 0, end: MAX_PARALLELISM - 1 }, MAX_PARALLELISM, systemClock, 'bench');
  const table: StateTable<string, TimeWindow, number> = backend.createTable<TimeWindow, number>('sum', (v) => v, restoreWindow);
  const live = new Map<number, Set<string>>(); // window end -> keys, as cleanup timers would know
  return {
    name: withSnapshots ? 'native Map per key group + copy-on-write (brook)' : 'brook StateTable, no snapshots',
    setKey(k) {
      backend.setCurrentKey(keyNames[k]);
    },
    add(k, w, v) {
      const cur = table.get(w);
      table.put(w, cur === undefined ? v : cur + v);
      let s = live.get(w.end);
      if (!s) live.set(w.end, (s = new Set()));
      s.add(keyNames[k]);
    },
    dropWindowsEndingBy(time) {
      for (const [end, keys] of live) {
        if (end > time) continue;
        const w = new TimeWindow(end - SIZE, end);
        for (const key of keys) {
          backend.setCurrentKey(key);
          table.remove(w);
        }
        live.delete(end);
      }
    },
    snapshot: () => (withSnapshots ? backend.snapshot() : undefined),
  };
}

/** immutable's persistent Map per key group, keyed by "key|windowStart": a snapshot is the array of roots. */
function immutablePersistent(): Candidate {
  const maps: ImmutableMap<string, number>[] = Array.from({ length: MAX_PARALLELISM }, () => ImmutableMap<string, number>());
  const live = new Map<number, Set<number>>();
  let kg = 0;
  return {
    name: 'immutable Map per key group (persistent)',
    setKey(k) {
      kg = assignToKeyGroup(keyNames[k], MAX_PARALLELISM);
    },
    add(k, w, v) {
      const id = `${keyNames[k]}|${w.start}`;
      const m = maps[kg];
      maps[kg] = m.set(id, (m.get(id) ?? 0) + v);
      let s = live.get(w.end);
      if (!s) live.set(w.end, (s = new Set()));
      s.add(k);
    },
    dropWindowsEndingBy(time) {
      for (const [end, keys] of live) {
        if (end > time) continue;
        for (const k of keys) maps[keyGroups[k]] = maps[keyGroups[k]].delete(`${keyNames[k]}|${end - SIZE}`);
        live.delete(end);
      }
    },
    snapshot: () => maps.slice(),
  };
}

/** Native Maps copied whole at the barrier (no copy-on-write): the naive road. */
function nativeCopyAtBarrier(): Candidate {
  const maps: Map<string, Map<number, number>>[] = Array.from({ length: MAX_PARALLELISM }, () => new Map());
  const live = new Map<number, Set<number>>();
  let kg = 0;
  return {
    name: 'native Map per key group, deep copy at the barrier',
    setKey(k) {
      kg = assignToKeyGroup(keyNames[k], MAX_PARALLELISM);
    },
    add(k, w, v) {
      const m = maps[kg];
      let row = m.get(keyNames[k]);
      if (!row) m.set(keyNames[k], (row = new Map()));
      row.set(w.start, (row.get(w.start) ?? 0) + v);
      let s = live.get(w.end);
      if (!s) live.set(w.end, (s = new Set()));
      s.add(k);
    },
    dropWindowsEndingBy(time) {
      for (const [end, keys] of live) {
        if (end > time) continue;
        for (const k of keys) maps[keyGroups[k]].get(keyNames[k])?.delete(end - SIZE);
        live.delete(end);
      }
    },
    snapshot: () => maps.map((m) => new Map([...m].map(([k, row]) => [k, new Map(row)]))),
  };
}

/** The nested native structure never snapshotted: the ceiling (empty rows are never freed). */
function nativeNoSnapshots(): Candidate {
  const c = nativeCopyAtBarrier();
  return { ...c, name: 'native Map per key group, no snapshots (ceiling)', snapshot: () => undefined };
}

/** Calibration: plain set() on 1k keys, native Map against immutable's Map, without snapshots. */
function plainSets(): { native: number; immutable: number } {
  const n = 2_000_000;
  const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
  let t0 = performance.now();
  const m = new Map<string, number>();
  for (let i = 0; i < n; i++) m.set(keys[i % 1000], i);
  const native = n / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  let im = ImmutableMap<string, number>();
  for (let i = 0; i < n; i++) im = im.set(keys[i % 1000], i);
  const immutable = n / ((performance.now() - t0) / 1000);
  return { native, immutable };
}

/** Timers are copied at the barrier (as Flink copies its heap): how long for K keys × 3 windows? */
function timerSnapshot(): { timers: number; ms: number } {
  let current = '';
  const service = new InternalTimerService<string, TimeWindow>(
    { getCurrentKey: () => current, getCurrentKeyId: () => current, setCurrentKey: (k) => (current = k) },
    { getCurrentProcessingTime: () => 0, registerTimer: () => ({ cancel() {} }) },
    { onEventTime() {}, onProcessingTime() {} },
  );
  for (const key of keyNames) {
    current = key;
    for (let s = 0; s < 3; s++) service.registerEventTimeTimer(new TimeWindow(s * 1000, s * 1000 + SIZE), s * 1000 + SIZE - 1);
  }
  let best = Infinity;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    service.snapshot((k) => assignToKeyGroup(k, MAX_PARALLELISM));
    best = Math.min(best, performance.now() - t0);
  }
  return { timers: service.numEventTimeTimers(), ms: best };
}

const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(0)} k`);

const calib = plainSets();
console.log(`plain set() on 1k keys: native Map ${fmt(calib.native)}/s, immutable Map ${fmt(calib.immutable)}/s`);
console.log(`window state: ${fmt(UPDATES)} updates, ${KEYS} keys, sliding 3 s / 1 s, a snapshot every ${fmt(EVERY)} updates, best of ${ROUNDS}`);
for (const make of [() => nativeCopyOnWrite(), () => nativeCopyOnWrite(false), immutablePersistent, nativeCopyAtBarrier, nativeNoSnapshots]) {
  const r = run(make);
  console.log(
    `  ${r.name.padEnd(52)} ${fmt(r.updatesPerSec).padStart(8)} updates/s   barrier pause avg ${r.pauseAvgMs.toFixed(3)} ms, max ${r.pauseMaxMs.toFixed(3)} ms (${r.snapshots} snapshots)`,
  );
}
const t = timerSnapshot();
console.log(`timer snapshot (copied at the barrier): ${t.timers} timers in ${t.ms.toFixed(2)} ms`);
