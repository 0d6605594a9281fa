import fs from 'fs';
import path from 'path';
import { SeededRandom } from '../../lib/util/SeededRandom';
import { CorruptionTarget } from './FaultPlan';

const METADATA_FILE = '_metadata';

/** What a corruption did, or why it was not done. */
export type CorruptionOutcome =
  { readonly done: true; readonly file: string; readonly offsets: readonly number[] } | { readonly done: false; readonly reason: string };

/** The completed checkpoints (`chk-N` with a `_metadata`) under `directory`, oldest first. */
export function completedCheckpoints(directory: string): string[] {
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) return [];
  return fs
    .readdirSync(directory)
    .map((name) => ({ name, m: /^chk-(\d+)$/.exec(name) }))
    .filter(({ name, m }) => m !== null && fs.existsSync(path.join(directory, name, METADATA_FILE)))
    .sort((a, b) => Number(a.m![1]) - Number(b.m![1]))
    .map(({ name }) => path.join(directory, name));
}

/**
 * Flips bytes (XOR 0xff) of the newest completed checkpoint, in its `_metadata` or in one of its
 * state files, while no job runs. Only done when an older completed checkpoint is left to fall
 * back to (with none, no job could restore exactly once, and refusing to start is all a
 * correct job can do), and once per checkpoint.
 */
export function corruptNewestCheckpoint(
  directory: string,
  target: CorruptionTarget,
  flips: number,
  random: SeededRandom,
  alreadyCorrupted: Set<string>,
): CorruptionOutcome {
  const completed = completedCheckpoints(directory);
  if (completed.length < 2) return { done: false, reason: `${completed.length} completed checkpoint(s), none older to fall back to` };
  const newest = completed[completed.length - 1];
  if (alreadyCorrupted.has(newest)) return { done: false, reason: `the newest, ${path.basename(newest)}, is corrupt already (none completed since)` };
  alreadyCorrupted.add(newest);
  // One file: `_metadata` or a state file, or one of their copies where the storage keeps several.
  const candidates = fs
    .readdirSync(newest)
    .filter((f) => f.startsWith(METADATA_FILE) === (target === 'metadata'))
    .filter((f) => fs.statSync(path.join(newest, f)).isFile() && fs.statSync(path.join(newest, f)).size > 0);
  if (candidates.length === 0) return { done: false, reason: `no non-empty ${target} file in ${newest}` };
  const file = path.join(newest, candidates[random.nextInt(candidates.length)]);
  const bytes = fs.readFileSync(file);
  if (bytes.length === 0) return { done: false, reason: `${file} is empty` };
  const offsets: number[] = [];
  for (let i = 0; i < flips; i++) {
    const at = random.nextInt(bytes.length);
    bytes[at] ^= 0xff;
    offsets.push(at);
  }
  fs.writeFileSync(file, bytes);
  return { done: true, file, offsets };
}
