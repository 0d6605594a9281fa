import fs from 'fs';
import os from 'os';
import path from 'path';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { applyConfig, CONFIG_FILE_NAME, ConfigFileError, findConfigFile, readConfigFile } from '../../lib/cli/ConfigFile';

describe('brook.config.json', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-config-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, config: unknown): string => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
    return file;
  };

  it('is found in the working directory or the nearest directory above it', () => {
    const top = write(path.join(dir, CONFIG_FILE_NAME), {});
    const deep = path.join(dir, 'a', 'b', 'c');
    fs.mkdirSync(deep, { recursive: true });
    expect(findConfigFile(deep)).toBe(top);
    const middle = write(path.join(dir, 'a', CONFIG_FILE_NAME), {});
    expect(findConfigFile(deep)).toBe(middle);
    expect(findConfigFile(path.join(dir, 'a'))).toBe(middle);
    fs.rmSync(top);
    fs.rmSync(middle);
    expect(findConfigFile(deep)).toBeUndefined();
  });

  it('puts its checkpoint, savepoint and restart settings on the environment, directories relative to the file', () => {
    const file = write(path.join(dir, 'conf', CONFIG_FILE_NAME), {
      parallelism: 3,
      rest: { port: 8082, address: '127.0.0.1' },
      checkpoints: { interval: 2000, mode: 'AT_LEAST_ONCE', directory: 'checkpoints', retained: 3 },
      savepoints: { directory: '/var/savepoints' },
      restartStrategy: { type: 'fixed-delay', attempts: 3, delayMs: 500 },
    });
    const config = readConfigFile(file);
    expect(config.parallelism).toBe(3);
    expect(config.rest).toEqual({ port: 8082, address: '127.0.0.1' });
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 2 });
    applyConfig(env, config, file);
    const settings = env.jobSettings();
    expect(settings.checkpointing).toMatchObject({
      intervalMs: 2000,
      mode: 'AT_LEAST_ONCE',
      storage: { type: 'filesystem', directory: path.join(dir, 'conf', 'checkpoints') },
      numRetainedCheckpoints: 3,
      defaultSavepointDirectory: '/var/savepoints',
    });
    expect(settings.restartStrategy).toEqual({ type: 'fixed-delay', attempts: 3, delayMs: 500 });
    // The parallelism is the environment's default, given where it is made (where -p wins).
    expect(env.getParallelism()).toBe(2);
  });

  it('leaves the environment as it is when the file is empty', () => {
    const file = write(path.join(dir, CONFIG_FILE_NAME), {});
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
    applyConfig(env, readConfigFile(file), file);
    // The reporter is the environment's own (a function per environment): everything else is the default.
    const { reporter: _configured, ...configured } = env.jobSettings();
    const { reporter: _default, ...defaults } = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 }).jobSettings();
    expect(configured).toEqual(defaults);
  });

  it('names the file and the key of a mistake, with a suggestion', () => {
    const cases: Array<[unknown, string]> = [
      [{ paralelism: 2 }, "unknown key 'paralelism' (did you mean parallelism?)"],
      [{ parallelism: 0 }, 'parallelism must be a positive integer, got 0'],
      [{ parallelism: '2' }, 'parallelism must be a positive integer, got "2"'],
      [{ rest: { port: 70000 } }, 'rest.port must be a port 0..65535, got 70000'],
      [{ rest: 8081 }, 'rest must be an object, got 8081'],
      [{ checkpoints: { intervall: 10 } }, "unknown key 'checkpoints.intervall' (did you mean interval?)"],
      [
        { checkpoints: { mode: 'EXACTLY_ONE' } },
        "checkpoints.mode must be one of 'EXACTLY_ONCE', 'AT_LEAST_ONCE', got \"EXACTLY_ONE\" (did you mean EXACTLY_ONCE?)",
      ],
      [{ checkpoints: { directory: '' } }, 'checkpoints.directory must be a non-empty string, got ""'],
      [
        { restartStrategy: { type: 'fixed' } },
        "restartStrategy.type must be one of 'none', 'fixed-delay', 'failure-rate', 'exponential-delay', got \"fixed\" (did you mean fixed-delay?)",
      ],
      [{ restartStrategy: { type: 'fixed-delay', attempts: 3, delay: 1000 } }, "unknown key 'restartStrategy.delay' (did you mean delayMs?)"],
      [{ restartStrategy: { type: 'none', attempts: 3 } }, "unknown key 'restartStrategy.attempts'"],
      [[], ' must be an object, got []'],
    ];
    for (const [config, message] of cases) {
      const file = write(path.join(dir, CONFIG_FILE_NAME), config);
      expect(() => readConfigFile(file)).toThrow(new ConfigFileError(`${file}: ${message}`));
    }
    const broken = write(path.join(dir, CONFIG_FILE_NAME), '{ "parallelism": 2,');
    expect(() => readConfigFile(broken)).toThrow(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not JSON: `));
    expect(() => readConfigFile(path.join(dir, 'missing.json'))).toThrow(/^cannot read configuration file .*missing\.json: ENOENT/);
  });
});
