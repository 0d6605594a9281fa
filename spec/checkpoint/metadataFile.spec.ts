import { CheckpointMetadata } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import { parseMetadata, serializeMetadata, sha256Hex } from '../../lib/runtime/checkpoint/MetadataFile';

const WHERE = '/ckpt/chk-3/_metadata';

function metadata(): CheckpointMetadata {
  return {
    version: 2,
    jobName: 'j',
    checkpointId: 3,
    timestamp: 4,
    kind: 'CHECKPOINT',
    tasks: [
      {
        vertexId: 1,
        name: 'src',
        parallelism: 1,
        maxParallelism: 128,
        operatorIds: ['src'],
        subtasks: [{ kind: 'file', file: 'subtask-0.state', sha256: sha256Hex('x') }],
      },
    ],
  };
}

/** `_metadata` bytes for a JSON body with a valid checksum, as a writer of that body would give them. */
function withChecksum(body: Record<string, unknown>): string {
  const json = JSON.stringify(body);
  return `${json.slice(0, -1)},"sha256":"${sha256Hex(json)}"}`;
}

describe('_metadata bytes', () => {
  it('round-trip: what serializeMetadata writes, parseMetadata gives back unchanged', () => {
    expect(parseMetadata(serializeMetadata(metadata()).toString(), WHERE)).toEqual(metadata());
  });

  it('refuses to write an in-memory state handle into a directory checkpoint, rather than writing bytes no restore can read', () => {
    const inMemory = { ...metadata(), tasks: [{ ...metadata().tasks[0], subtasks: [{ kind: 'bytes' as const, bytes: new Uint8Array([1, 2]) }] }] };
    expect(() => serializeMetadata(inMemory)).toThrow('in-memory state handle in a directory checkpoint');
  });

  it.each([
    ['a Buffer (what v8.serialize gives, which JSON.stringify turns into {type, data} before a replacer sees it)', Buffer.from([1, 2])],
    ['another typed array', new Uint16Array([1, 2])],
    ['an ArrayBuffer', new ArrayBuffer(2)],
  ])('refuses an in-memory state handle whose bytes are %s', (_what, bytes) => {
    const inMemory = { ...metadata(), tasks: [{ ...metadata().tasks[0], subtasks: [{ kind: 'bytes' as const, bytes: bytes as Uint8Array }] }] };
    expect(() => serializeMetadata(inMemory)).toThrow('in-memory state handle in a directory checkpoint');
  });

  it("refuses text that is not JSON (a torn write), naming the file and the parser's reason", () => {
    expect(() => parseMetadata('{"version":2,', WHERE)).toThrow(/^\/ckpt\/chk-3\/_metadata is not valid checkpoint metadata: .*JSON/);
    expect(() => parseMetadata('{"version":2,', WHERE)).not.toThrow('not a JSON object');
  });

  it.each([
    ['null', 'null'],
    ['an array', JSON.stringify([metadata()])],
    ['a number', '2'],
    ['a string', '"chk-3"'],
  ])('refuses JSON that is %s rather than an object, naming the file', (_what, text) => {
    expect(() => parseMetadata(text, WHERE)).toThrow(`${WHERE} is not valid checkpoint metadata: not a JSON object`);
  });

  it('refuses metadata without a checksum, saying the checksum is missing (not that it differs)', () => {
    expect(() => parseMetadata(JSON.stringify(metadata()), WHERE)).toThrow(`${WHERE} has no checksum (field sha256)`);
  });

  it('refuses another version; only for version 1 says it was written without checksums', () => {
    const v1 = { ...metadata(), version: 1 };
    expect(() => parseMetadata(withChecksum(v1), WHERE)).toThrow(
      `${WHERE} has metadata version 1, written by an earlier brook without checksums, which this brook cannot verify; this brook reads version 2 only`,
    );
    const v3 = { ...metadata(), version: 3 };
    expect(() => parseMetadata(withChecksum(v3), WHERE)).toThrow(`${WHERE} has metadata version 3; this brook reads version 2 only`);
  });
});
