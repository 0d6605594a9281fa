/**
 * Mutation testing against chosen spec files only, when a full run is too slow for the machine:
 * `BROOK_FOCUS_SPECS=spec/a.spec.ts,spec/b.spec.ts npx stryker run stryker.focus.config.mjs --mutate 'lib/x.ts'`.
 * Same options and incremental file as stryker.config.mjs.
 */
import base from './stryker.config.mjs';

export default { ...base, jest: { ...base.jest, configFile: 'jest.stryker.focus.config.js' } };
