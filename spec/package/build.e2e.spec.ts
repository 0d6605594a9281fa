import { spawnSync } from 'child_process';
import { ROOT } from '../harness/processes';

describe('npm run build', () => {
  it('is incremental and says what it did on stderr, leaving stdout to the program it precedes (npm start)', () => {
    // npm test builds before jest runs: the build here finds everything up to date.
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const build = spawnSync(npm, ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status).toBe(0);
    expect(build.stdout).toBe('');
    expect(build.stderr).toMatch(/Project 'tsconfig\.build\.json' is up to date/);
    expect(build.stderr).toMatch(/Project 'dashboard\/tsconfig\.json' is up to date/);
  }, 120_000);
});
