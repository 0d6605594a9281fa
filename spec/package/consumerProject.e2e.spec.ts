import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ROOT } from '../harness/processes';

/**
 * brook as a dependency of someone else's project: the packed tarball (what `npm publish` would
 * upload) installed into a fresh folder, a small job compiled there by `tsc` with the strictest
 * declaration check (`skipLibCheck: false`) as CommonJS and as ESM (`nodenext`), then run.
 * It uses the built dist/ (as every e2e spec does) and npm's cache filled by `npm ci`.
 */

const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const typesNodeVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')) as { version: string })
  .version;
const redisVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'redis', 'package.json'), 'utf8')) as { version: string }).version;

interface PackedFile {
  readonly path: string;
}
interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly PackedFile[];
}

let work: string;
let tarball: string;
let packed: PackResult;

function run(cwd: string, command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}${err.stderr ?? ''}${err.message}`);
  }
}

function project(name: string, manifest: object, tsconfig: object, files: Record<string, string>, extraDependencies: readonly string[]): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...manifest }, null, 2));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  run(dir, 'npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    tarball,
    `@types/node@${typesNodeVersion}`,
    ...extraDependencies,
  ]);
  return dir;
}

const STRICT = { strict: true, skipLibCheck: false, types: ['node'], target: 'ES2022', outDir: 'out', rootDir: '.' };

/** A keyed event-time window job written against the public API only. */
const JOB_BODY = `
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setParallelism(2);
const sink = new CollectSink<string>();
env
  .fromElements<Hit>({ ip: 'a', t: 1000 }, { ip: 'b', t: 2000 }, { ip: 'a', t: 3000 }, { ip: 'a', t: 7000 })
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Hit>().withTimestampAssigner((h) => h.t))
  .keyBy((h) => h.ip)
  .window(TumblingEventTimeWindows.of(Time.seconds(5)))
  .process(countPerWindow)
  .sinkTo(sink);
`;

const COUNT_FUNCTION = `
interface Hit {
  readonly ip: string;
  readonly t: number;
}

const countPerWindow: ProcessWindowFunction<Hit, string, string, TimeWindow> = (key: string, context: ProcessWindowContext<TimeWindow>, elements: Iterable<Hit>, out: Collector<string>) =>
  out.collect(\`\${context.window.start} \${key} \${[...elements].length}\`);
`;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-consumer-'));
  const [result] = JSON.parse(run(ROOT, 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work])) as PackResult[];
  packed = result;
  tarball = path.join(work, result.filename);
}, 120_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the published package', () => {
  it('holds the compiled library, its declarations and the dashboard, and nothing of the repository', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/actors/index.js',
        'dist/actors/index.d.ts',
        'dist/actors/brook.js',
        'dist/lib/connectors/redis/index.d.ts',
        'dashboard/index.html',
        'dashboard/style.css',
        'dist/web/dashboard/src/main.js',
      ]),
    );
    const unwanted = files.filter((f) => /^(spec|bench|samples|lib|actors|reports|dist\/(spec|bench|samples))\/|\.map$|tsbuildinfo|\.ts$(?<!\.d\.ts)/.test(f));
    expect(unwanted).toEqual([]);
  });

  it('compiles as CommonJS with skipLibCheck off, without redis installed, and runs a window job', () => {
    const dir = project(
      'consumer-cjs',
      {},
      { compilerOptions: { ...STRICT, module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true } },
      {
        'job.ts': `import { CollectSink, StreamExecutionEnvironment, Time, TumblingEventTimeWindows, WatermarkStrategy } from 'brook';
import type { Collector, ProcessWindowContext, ProcessWindowFunction, TimeWindow } from 'brook';
${COUNT_FUNCTION}
async function main(): Promise<void> {
${JOB_BODY}
  await env.execute('consumer cjs');
  console.log(sink.values.slice().sort().join('\\n'));
}
main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
`,
      },
      [],
    );
    expect(fs.existsSync(path.join(dir, 'node_modules', 'redis'))).toBe(false);
    run(dir, process.execPath, [TSC, '-p', '.']);
    expect(run(dir, process.execPath, ['out/job.js']).trim().split('\n')).toEqual(['0 a 2', '0 b 1', '5000 a 1']);
  }, 120_000);

  it('compiles as ESM (nodenext) with top-level await and the brook/redis entry', () => {
    const dir = project(
      'consumer-esm',
      { type: 'module' },
      { compilerOptions: { ...STRICT, module: 'nodenext', moduleResolution: 'nodenext' } },
      {
        'job.mts': `import { CollectSink, StreamExecutionEnvironment, Time, TumblingEventTimeWindows, WatermarkStrategy } from 'brook';
import type { Collector, ProcessWindowContext, ProcessWindowFunction, TimeWindow } from 'brook';
import { RedisStreamSink, RedisStreamSource } from 'brook/redis';
import type { RedisStreamEntry } from 'brook/redis';
${COUNT_FUNCTION}
const connectors: [typeof RedisStreamSource<RedisStreamEntry>, typeof RedisStreamSink<string>] = [RedisStreamSource, RedisStreamSink];
${JOB_BODY}
await env.execute('consumer esm');
console.log(sink.values.slice().sort().join('\\n'));
console.log(connectors.map((c) => c.name).join(' '));
`,
      },
      [`redis@${redisVersion}`],
    );
    run(dir, process.execPath, [TSC, '-p', '.']);
    expect(run(dir, process.execPath, ['out/job.mjs']).trim().split('\n')).toEqual(['0 a 2', '0 b 1', '5000 a 1', 'RedisStreamSource RedisStreamSink']);
  }, 120_000);
});
