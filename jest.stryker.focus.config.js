/**
 * A focused mutation run (`stryker.focus.config.mjs`): the jest configuration of
 * jest.stryker.config.js restricted to the spec files listed, comma-separated, in
 * BROOK_FOCUS_SPECS. A mutant only those specs leave alive may still be killed by another spec,
 * and a later full run re-tests it (the incremental file then sees new covering tests).
 */
// A CommonJS tool config, as jest.config.js: it extends that one through require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const base = require('./jest.stryker.config.js');

/* global process */
const only = (process.env.BROOK_FOCUS_SPECS ?? '').split(',').filter((f) => f !== '');
if (only.length === 0) throw new Error('BROOK_FOCUS_SPECS names no spec file');

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: only.map((f) => `<rootDir>/${f}`) };
