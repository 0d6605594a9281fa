/**
 * A fencing token is the etcd revision at which a holder's key was created: the leader's key
 * under the election prefix, or a TaskManager's registration key. Revisions only grow, so a
 * newer holder always has a larger token. Kept as a decimal string because etcd revisions are
 * 64-bit and tokens travel in JSON messages.
 */
export type FencingToken = string;

/**
 * What a fenced write checks: `key` still exists and was created at revision `token`. A holder
 * whose lease expired has lost its key (etcd deletes a lease's keys with it), and a newer holder's
 * key has another create revision, so either way the check fails.
 */
export interface Fence {
  readonly key: string;
  readonly token: FencingToken;
}

/** True when `a` was issued after `b`. */
export function isNewerToken(a: FencingToken, b: FencingToken): boolean {
  return BigInt(a) > BigInt(b);
}
