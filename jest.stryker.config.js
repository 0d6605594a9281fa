/**
 * The jest configuration StrykerJS runs (`npm run mutation`): the unit, operator and in-process
 * job specs. Left out are the specs that run compiled `dist/` in another process or thread
 * (e2e, browser, worker-thread TaskManagers, the dashboard server) since they cannot see a
 * mutant or need a build, and the benchmark.
 */
// A CommonJS tool config, as jest.config.js: it extends that one through require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // The sources are in jest's module map too, so that --findRelatedTests (Stryker runs only the
  // specs related to the mutated file) follows imports through lib/ and actors/, not only spec/.
  roots: ['<rootDir>/spec', '<rootDir>/lib', '<rootDir>/actors', '<rootDir>/samples'],
  // Per mutant, only the spec files that hold a covering test are loaded.
  testSequencer: '<rootDir>/jest.stryker.sequencer.js',
  testPathIgnorePatterns: [
    '/node_modules/',
    '\\.e2e\\.spec\\.ts$',
    '<rootDir>/spec/dashboard/',
    '<rootDir>/spec/actors/threads/taskManagerThreads\\.spec\\.ts$',
    '<rootDir>/spec/bench/',
    // Serves the dashboard's compiled scripts from dist/.
    '<rootDir>/spec/rest/RestServer\\.spec\\.ts$',
  ],
};
