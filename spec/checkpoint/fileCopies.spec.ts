import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  copiesInDirectory,
  copyNames,
  IntactCopy,
  readFirstIntactCopy,
  readFirstIntactCopySync,
  writeCopiesDurably,
} from '../../lib/runtime/checkpoint/FileCopies';

/** Takes a copy whose text starts with `ok`; refuses any other as corrupt. */
function accept(bytes: Buffer, file: string): string {
  const text = bytes.toString('utf8');
  if (!text.startsWith('ok')) throw new Error(`${path.basename(file)} is corrupt`);
  return text;
}

describe('checkpoint files in copies', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-copies-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes every copy of a file, the file itself first, each synced and closed before it resolves', async () => {
    const events: string[] = [];
    const realOpen = fs.promises.open.bind(fs.promises);
    jest.spyOn(fs.promises, 'open').mockImplementation(async (file, flags, mode) => {
      const handle = await realOpen(file, flags, mode);
      const name = path.basename(String(file));
      const [realSync, realClose] = [handle.sync.bind(handle), handle.close.bind(handle)];
      handle.sync = async (): Promise<void> => {
        events.push(`sync ${name}`);
        return realSync();
      };
      handle.close = async (): Promise<void> => {
        events.push(`close ${name}`);
        return realClose();
      };
      return handle;
    });
    expect(copyNames('s.state', 1)).toEqual(['s.state']);
    expect(await writeCopiesDurably(dir, 's.state', Buffer.from('ok 1'), 3)).toEqual(['s.state', 's.state.replica-1', 's.state.replica-2']);
    expect(events.sort()).toEqual([
      'close s.state',
      'close s.state.replica-1',
      'close s.state.replica-2',
      'sync s.state',
      'sync s.state.replica-1',
      'sync s.state.replica-2',
    ]);
    for (const name of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe('ok 1');
  });

  it('finds the copies of _metadata a directory holds, in the order of their numbers, and only those', () => {
    for (const name of [
      '_metadata',
      '_metadata.replica-10',
      '_metadata.replica-2',
      '_metadata.replica-1',
      '_metadata.replica-0',
      '_metadata.replica-x',
      '_metadata.replica-1.5',
      'old_metadata.replica-3',
      // A state file's copy, named as the coordinator names a finished subtask's state.
      '1-0.state.replica-1',
    ]) {
      fs.writeFileSync(path.join(dir, name), '');
    }
    expect(copiesInDirectory(dir, '_metadata')).toEqual(['_metadata', '_metadata.replica-1', '_metadata.replica-2', '_metadata.replica-10']);
    expect(copiesInDirectory(path.join(dir, 'not-there'), '_metadata')).toEqual(['_metadata']);
  });

  describe.each([
    ['asynchronously', (names: string[], refused: (m: string) => void) => readFirstIntactCopy(dir, names, accept, refused)],
    ['synchronously', async (names: string[], refused: (m: string) => void) => readFirstIntactCopySync(dir, names, accept, refused)],
  ] as Array<[string, (names: string[], refused: (m: string) => void) => Promise<IntactCopy<string>>]>)('reading the first intact copy %s', (_, read) => {
    let refusals: string[];
    const refused = (m: string): void => void refusals.push(m);
    beforeEach(() => (refusals = []));

    it('takes the first copy that checks out, reporting each one before it with the copy read instead', async () => {
      fs.writeFileSync(path.join(dir, 'f'), 'torn');
      fs.writeFileSync(path.join(dir, 'f.replica-2'), 'ok 2');
      fs.writeFileSync(path.join(dir, 'f.replica-3'), 'ok 3');
      expect(await read(['f', 'f.replica-1', 'f.replica-2', 'f.replica-3'], refused)).toEqual({ file: path.join(dir, 'f.replica-2'), value: 'ok 2' });
      expect(refusals).toEqual([
        expect.stringMatching(/^f is corrupt; reading its copy f\.replica-1 instead$/),
        expect.stringMatching(/^ENOENT: .*f\.replica-1'; reading its copy f\.replica-2 instead$/),
      ]);
    });

    it('fails with the only copy’s own error, reporting nothing', async () => {
      fs.writeFileSync(path.join(dir, 'f'), 'torn');
      await expect(read(['f'], refused)).rejects.toThrow(/^f is corrupt$/);
      await expect(read(['g'], refused)).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining(path.join(dir, 'g')) });
      expect(refusals).toEqual([]);
    });

    it('fails with the first copy’s error when no copy exists', async () => {
      await expect(read(['f', 'f.replica-1'], refused)).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining(`${path.join(dir, 'f')}'`) });
      expect(refusals).toHaveLength(1);
    });

    it('fails naming why each copy failed when every copy fails, not all of them missing', async () => {
      fs.writeFileSync(path.join(dir, 'f.replica-1'), 'torn');
      fs.writeFileSync(path.join(dir, 'f.replica-2'), 'also torn');
      await expect(read(['f', 'f.replica-1', 'f.replica-2'], refused)).rejects.toThrow(
        new RegExp(`^every copy of ${path.join(dir, 'f')} fails: ENOENT: [^;]*; f\\.replica-1 is corrupt; f\\.replica-2 is corrupt$`),
      );
      expect(refusals).toHaveLength(2);
    });
  });
});
