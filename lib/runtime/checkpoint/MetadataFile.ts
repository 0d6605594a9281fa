import { createHash } from 'crypto';
import { CheckpointMetadata, METADATA_VERSION } from './CheckpointMetadata';

/** Hex sha256 of some bytes: the checksum of state files and of `_metadata`. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The bytes of `_metadata` (Flink's Checkpoints.storeCheckpointMetadata): the metadata as JSON
 * with a last field `sha256`, the checksum of the JSON without it. Bytes that still parse but
 * changed are refused on restore rather than restored silently wrong.
 */
export function serializeMetadata(metadata: CheckpointMetadata): Buffer {
  const body = JSON.stringify(metadata, function (this: Record<string, unknown>, key: string, v: unknown) {
    // The holder's own value: a Buffer reaches a replacer already turned into {type, data} by its toJSON.
    const original = this[key];
    if (ArrayBuffer.isView(original) || original instanceof ArrayBuffer) throw new Error('in-memory state handle in a directory checkpoint');
    return v;
  });
  return Buffer.from(`${body.slice(0, -1)},"sha256":"${sha256Hex(body)}"}`);
}

/**
 * Parses and verifies `_metadata` read from `where`. The checksum is recomputed over the JSON
 * of every field but `sha256`: JSON.stringify gives back the very text it wrote, since the
 * metadata has no integer-like keys (whose order JSON.parse would change).
 */
export function parseMetadata(text: string, where: string): CheckpointMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not valid checkpoint metadata: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${where} is not valid checkpoint metadata: not a JSON object`);
  const { sha256, ...metadata } = parsed as Record<string, unknown>;
  const version = metadata.version;
  if (version !== METADATA_VERSION) {
    const hint = version === 1 ? ', written by an earlier brook without checksums, which this brook cannot verify' : '';
    throw new Error(`${where} has metadata version ${String(version)}${hint}; this brook reads version ${METADATA_VERSION} only`);
  }
  if (typeof sha256 !== 'string') throw new Error(`${where} has no checksum (field sha256)`);
  const actual = sha256Hex(JSON.stringify(metadata));
  if (actual !== sha256) throw new Error(`${where} is corrupt: its checksum is ${actual}, it says ${sha256}`);
  return metadata as unknown as CheckpointMetadata;
}
