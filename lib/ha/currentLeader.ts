import { KeyValue } from './CoordinationStore';

/** The contender key with the lowest create revision leads (etcd's election recipe). */
export function currentLeader(contenders: readonly KeyValue[]): KeyValue | undefined {
  let leader: KeyValue | undefined;
  for (const kv of contenders) if (!leader || BigInt(kv.createRevision) < BigInt(leader.createRevision)) leader = kv;
  return leader;
}
