import fs from 'fs';
import os from 'os';
import path from 'path';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { loadJobDefinition } from '../../lib/api/JobModule';
import { defineFromJobFile, loadJobFile } from '../../lib/cli/JobFile';

describe('job files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-jobfile-'));
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('loads defineJob and jobName, or a default export (function or object)', async () => {
    const named = await loadJobFile(write('named.js', "exports.jobName = 'Named'; exports.defineJob = () => {};"));
    expect(named.jobName).toBe('Named');
    expect(typeof named.defineJob).toBe('function');
    expect((await loadJobFile(write('fn.js', 'exports.default = function () {};'))).jobName).toBe('fn');
    expect((await loadJobFile(write('obj.js', "module.exports = { default: { jobName: 'Obj', defineJob() {} } };"))).jobName).toBe('Obj');
  });

  it('loads an ES module with top-level await, and TypeScript compiled on the fly', async () => {
    const esm = await loadJobFile(
      write('esm.mjs', "const n = await Promise.resolve(21);\nexport const jobName = 'Esm';\nexport function defineJob() { return n * 2; }\n"),
    );
    expect(esm.jobName).toBe('Esm');
    const ts = await loadJobFile(
      write(
        'typed.ts',
        "interface Params { readonly n: number }\nexport const jobName: string = 'Typed';\nexport default function (env: unknown, p: Params): number { return p.n * 2; }\n",
      ),
    );
    expect(ts.jobName).toBe('Typed');
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
    const args = { args: [], onJobEnd: () => undefined };
    expect(await esm.defineJob(env, args)).toBe(42);
    expect(await (ts.defineJob as unknown as (e: unknown, p: { n: number }) => number)(env, { n: 4 })).toBe(8);
  });

  it('is the job module TaskManager threads load: the same lookup, the same errors', async () => {
    const file = write('threads.js', "module.exports = { default: { jobName: 'Threads', defineJob(env, params) { return params.n * 2; } } };");
    const define = loadJobDefinition<{ n: number }, number>({ module: file, exportName: 'defineJob', params: { n: 21 } });
    expect(define).toBe((await loadJobFile(file)).defineJob);
    expect(define(StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 }), { n: 21 })).toBe(42);
    const nothing = write('threadsNothing.js', 'exports.other = 1;');
    expect(() => loadJobDefinition({ module: nothing, exportName: 'defineJob', params: undefined })).toThrow(
      /threadsNothing\.js exports no function 'defineJob' \(it exports: other\)/,
    );
  });

  it('says what is wrong with a file that is not a job file', async () => {
    await expect(loadJobFile(write('nothing.js', 'exports.other = 1;'))).rejects.toThrow(
      /nothing\.js exports no function 'defineJob' \(it exports: other\); a job file exports defineJob\(env, params\), or a default function/,
    );
    await expect(loadJobFile(path.join(dir, 'missing.js'))).rejects.toThrow(/job file not found: .*missing\.js/);
    await expect(loadJobFile(write('broken.js', 'this is not javascript'))).rejects.toThrow(/cannot load job file .*broken\.js/);
    await expect(loadJobFile(write('broken.ts', 'const x: number = ;'))).rejects.toThrow(/cannot load job file .*broken\.ts/);
  });

  it('passes the arguments, collects cleanups, and runs them when the definition fails', async () => {
    const seen: string[] = [];
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
    const cleanups = await defineFromJobFile(
      {
        defineJob: (e, { args, onJobEnd }) => {
          seen.push(...args, String(e.getParallelism()));
          onJobEnd(() => void seen.push('closed'));
        },
      },
      env,
      ['--port', '9999'],
    );
    expect(seen).toEqual(['--port', '9999', '1']);
    expect(cleanups).toHaveLength(1);
    await expect(
      defineFromJobFile(
        {
          defineJob: (_e, { onJobEnd }) => {
            onJobEnd(() => void seen.push('released'));
            throw new Error('bad argument');
          },
        },
        env,
        [],
      ),
    ).rejects.toThrow('bad argument');
    expect(seen).toContain('released');
  });
});
