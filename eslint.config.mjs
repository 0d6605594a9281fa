// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-scratch/', 'scratch/', 'coverage/', 'reports/', 'spec/artifacts/', '.stryker-tmp/'] },
  // A disable comment that no longer suppresses anything is an error, so none outlives its reason.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  eslint.configs.recommended,
  tseslint.configs.recommended,
  {
    // The CommonJS tool configs (jest, dependency-cruiser).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      // Type information for the typed rules, from the tsconfig.json nearest each file (the root one, or dashboard's).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Every union switch names all its cases, or says what the rest do with an explicit default
      // (assertNever, or a deliberate catch-all such as forwarding); a switch over a plain string or
      // number has a default. A new message variant is then never dropped silently.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: true }],
      // A leading underscore marks a parameter or binding that is deliberately unused (an interface's
      // parameter an implementation ignores, a property split off with a rest spread).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // `interface ReducingState<T> extends AppendingState<T, T | undefined> {}` names a Flink
      // interface; an empty interface extending one type is a name, not a mistake.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // The library and the actor glue report through the stdout/stderr writers and `debug`, never
    // the console: a user embedding brook decides where output goes.
    files: ['lib/**/*.ts', 'actors/**/*.ts'],
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Specs load modules inside jest.isolateModules (a fresh module registry), which takes a
    // synchronous require.
    files: ['spec/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
