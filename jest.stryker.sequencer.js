/**
 * Test sequencer for mutation runs: a mutant run of StrykerJS names its covering tests in
 * `testNamePattern` but jest still loads every related spec file, only to skip its tests, and
 * loading a job spec costs about as much as running a unit test. Here only the spec files with
 * a top-level describe (or test) that starts a covering test's full name are kept; a file whose
 * top-level titles cannot be read is always kept. Without a pattern (the dry run) nothing is
 * left out.
 */
// Jest loads a sequencer as CommonJS here, like its other tool configs.
/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require('fs');
const Sequencer = require('@jest/test-sequencer').default;
/* eslint-enable @typescript-eslint/no-require-imports */

/** As StrykerJS's jest runner escapes a test's full name into the pattern. */
const escapeRegExp = (input) => input.replace(/[.*+\-?^${}()|[\]\\]/g, '\\$&');

const TOP_LEVEL = /^(?:describe|it|test)\b/;
const LITERAL_TITLE = /^(?:describe|it|test)\((['"])((?:\\.|(?!\1).)*)\1/;

/** The titles of a spec file's top-level blocks, or undefined when one is not a plain literal. */
function topLevelTitles(file) {
  const titles = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!TOP_LEVEL.test(line)) continue;
    const m = LITERAL_TITLE.exec(line);
    if (!m) return undefined;
    titles.push(m[2].replace(/\\(.)/g, '$1'));
  }
  return titles;
}

class CoveringSpecsSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    const pattern = this.pattern;
    const kept = !pattern
      ? tests
      : tests.filter((test) => {
          const titles = topLevelTitles(test.path);
          if (titles === undefined) return true;
          return titles.some((t) => pattern.includes(`(${escapeRegExp(t)} `) || pattern.includes(`(${escapeRegExp(t)})`));
        });
    return super.sort(kept);
  }
}

module.exports = CoveringSpecsSequencer;
