/**
 * Mutation testing of the exactly-once core (`npm run mutation`; slow, not part of `npm test`).
 * Incremental: the result of the last run is kept in reports/mutation/stryker-incremental.json
 * (committed), so a run only tests the mutants of code or specs that changed since.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.stryker.config.js',
    // Run only the specs that import the mutated file (directly or not), in the dry run and per mutant.
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  mutate: [
    'lib/controlplane/CheckpointCoordinator.ts',
    'lib/runtime/checkpoint/*.ts',
    'lib/runtime/operators/TwoPhaseCommitSinkOperator.ts',
    'lib/connectors/sink/FileSink.ts',
    'lib/connectors/redis/RedisStreamSink.ts',
    'lib/connectors/redis/RedisStreamSource.ts',
    'lib/connectors/redis/RedisStreamReader.ts',
    'lib/runtime/state/**/*.ts',
  ],
  // Mutants inside debug log statements `log(…)` are left out (see stryker.ignore-debug-log.mjs).
  plugins: ['@stryker-mutator/*', './stryker.ignore-debug-log.mjs'],
  ignorers: ['debug-log'],
  // A mutant in code run once at module load would need every spec per mutant; they are not tested.
  ignoreStatic: true,
  // Two cores shared with others: one test process at a time.
  concurrency: 1,
  // A mutant that makes a job wait forever is a timeout (counted as detected), after this much extra.
  timeoutMS: 5000,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Not copied into Stryker's sandbox: build output and test artifacts.
  ignorePatterns: ['dist', 'coverage', 'spec/artifacts', 'scratch', 'dist-scratch', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
