import v8 from 'v8';
import { describeRecord, errorMessage } from '../errors';
import { isKeyGroupSnapshot } from './KeyedStateSnapshot';
import { OperatorStateSnapshot } from './OperatorStateSnapshot';

/**
 * The kind of state ('value', 'list', …) each key-group map handed to a snapshot belongs to:
 * a snapshot holds maps by name only, and naming the kind makes an unserializable value easy to
 * find. Weak, so a map the job no longer holds is forgotten with it.
 */
const kinds = new WeakMap<object, string>();

export function registerStateKind(map: object, kind: string): void {
  kinds.set(map, kind);
}

const KIND_NAMES: Readonly<Record<string, string>> = {
  value: 'ValueState',
  list: 'ListState',
  map: 'MapState',
  reducing: 'ReducingState',
  aggregating: 'AggregatingState',
};

function serializes(value: unknown): string | undefined {
  try {
    v8.serialize(value);
    return undefined;
  } catch (e) {
    // v8's errors may come from another realm (under jest): read the message, not the class.
    const message = (e as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : errorMessage(e);
  }
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? key : describeRecord(key);
}

/**
 * Why a subtask's snapshot cannot be serialized, naming the first value that cannot: the state,
 * its kind and key for keyed state (`ValueState 'count' for key '10.0.0.1' could not be cloned:
 * …`), the entry for operator state. Run only once serializing the whole snapshot failed.
 */
export function describeUncloneableState(
  snapshots: Readonly<Record<string, OperatorStateSnapshot>>,
  operatorName: (operatorId: string) => string,
): string | undefined {
  for (const [operatorId, snapshot] of Object.entries(snapshots)) {
    const where = `in operator '${operatorName(operatorId)}'`;
    for (const group of snapshot.keyed?.values() ?? []) {
      if (!isKeyGroupSnapshot(group)) continue;
      for (const [name, map] of Object.entries(group.states)) {
        for (const row of map.values()) {
          for (const entry of row.entries) {
            const error = serializes(entry.value);
            if (error === undefined) continue;
            const kind = KIND_NAMES[kinds.get(map) ?? ''] ?? 'state';
            return `${kind} '${name}' for key '${describeKey(row.key)}' ${where} could not be cloned: ${error}`;
          }
        }
      }
      for (const [name, entries] of Object.entries(group.broadcast ?? {})) {
        for (const [key, value] of entries) {
          const error = serializes(value);
          if (error !== undefined) return `broadcast state '${name}' for key '${describeKey(key)}' ${where} could not be cloned: ${error}`;
        }
      }
    }
    for (const [i, entry] of (snapshot.operator ?? []).entries()) {
      const error = serializes(entry);
      if (error !== undefined) return `operator state entry ${i} ${where} could not be cloned: ${error}`;
    }
  }
  return undefined;
}
