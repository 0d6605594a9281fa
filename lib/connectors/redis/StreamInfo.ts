/**
 * Plain readings of the raw (RESP2-shaped) replies the Redis stream source asks for, so it does
 * not depend on how a client version reshapes them, and the order of stream ids.
 */

/** What XINFO STREAM says about a stream, as far as the source needs it (Redis ≥ 7.0). */
export interface StreamInfo {
  readonly length: number;
  readonly lastGeneratedId: string;
  /** Entries ever added to the stream (Redis's logical counter; XINFO `entries-added`). */
  readonly entriesAdded: number;
  /** The id of the oldest entry still in the stream; undefined when it is empty. */
  readonly firstEntryId: string | undefined;
}

/** One entry of an XREAD reply. */
export interface RawEntry {
  readonly id: string;
  readonly fields: Record<string, string>;
}

/** Reads an XINFO STREAM reply (a flat list of field names and values). */
export function parseStreamInfo(stream: string, reply: unknown): StreamInfo {
  if (!Array.isArray(reply)) throw new Error(`unexpected XINFO STREAM reply for '${stream}': ${String(reply)}`);
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  const entriesAdded = fields.get('entries-added');
  if (entriesAdded === undefined) {
    throw new Error(`XINFO STREAM '${stream}' has no entries-added: the Redis stream source needs Redis 7.0 or later`);
  }
  const first = fields.get('first-entry');
  return {
    length: Number(fields.get('length')),
    lastGeneratedId: String(fields.get('last-generated-id')),
    entriesAdded: Number(entriesAdded),
    firstEntryId: Array.isArray(first) ? String(first[0]) : undefined,
  };
}

/** Reads an XREAD reply: stream name → its entries in order (null, or streams without entries, give none). */
export function parseXReadReply(reply: unknown): Map<string, RawEntry[]> {
  const byStream = new Map<string, RawEntry[]>();
  if (reply === null || reply === undefined) return byStream;
  if (!Array.isArray(reply)) throw new Error(`unexpected XREAD reply: ${String(reply)}`);
  for (const [name, entries] of reply as Array<[unknown, Array<[unknown, unknown[]]>]>) {
    byStream.set(
      String(name),
      entries.map(([id, flat]) => {
        const fields: Record<string, string> = {};
        for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
        return { id: String(id), fields };
      }),
    );
  }
  return byStream;
}

/** Compares two stream ids `ms-seq` (both parts are unsigned 64-bit integers). */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = splitId(a);
  const [bm, bs] = splitId(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

function splitId(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  if (!/^\d+(-\d+)?$/.test(id)) throw new Error(`not a Redis stream id: '${id}'`);
  return dash < 0 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}
