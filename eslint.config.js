// Lint rules for every TypeScript file of the workspaces, the tests and the benchmarks (`npm run lint`).
// Type-aware: the rules that catch lost promises and unsafe `any` need the compiler's types, so the libraries
// are built first (`npm run lint` runs `tsc -b`) for their `dist/*.d.ts` to resolve.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', '.cache/', 'deploy/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['libs/*/tsconfig.json', 'services/*/tsconfig.json', 'console/tsconfig.json', 'tsconfig.tests.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Fastify hooks, plugins and our port implementations are async by contract, awaited or not.
      '@typescript-eslint/require-await': 'off',
      // Fastify (and Preact's event attributes) accept async hooks and handlers wherever their types say `void`.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, properties: false, attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Static factories (AppError.dataRead) are passed around as functions; they do not use `this`.
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
      // Arrays in messages read well joined by commas.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowArray: true }],
      // Passing a rejection on unchanged, whatever was thrown.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // A local declaration file for an untyped package is pulled in by path where it is used.
      '@typescript-eslint/triple-slash-reference': ['error', { path: 'always', types: 'never', lib: 'never' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
      // A workspace is used through its package's entry point (`@platform/<name>`), never through the files
      // behind it: reaching into another workspace's src/ or dist/ couples to its layout and, for dist/, to a
      // build that may be stale.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^@platform/[^/]+/', message: "Import the package's entry point, @platform/<name>." },
            // Up out of this workspace, then down into another one's src/ (`../services/users/src/…`, `../../../libs/contracts/src/…`);
            // a workspace's own `../src/…` names no folder before src.
            { regex: '^(\\.\\./)+([^./][^/]*/)+src(/|$)', message: "Import the workspace's package, @platform/<name>." },
            { regex: '(^|/)dist(/|$)', message: 'Import sources or a package, never build output.' },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON bodies as `any` and hand assert's methods around; node:test's test() and describe() return
    // promises the runner itself awaits.
    files: ['**/test/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'libs/test-support/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Expected diff and table output is matched with its spaces as printed.
      'no-regex-spaces': 'off',
      // `response.json() as Body` reads as well as `response.json<Body>()`.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      'no-console': 'off',
    },
  },
  {
    // Command-line scripts report on the terminal.
    files: ['libs/*/scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The console prints form fields (strings, never files here) and chart metadata read from users' clusters
    // whatever its type.
    files: ['console/**/*.tsx', 'console/**/*.ts'],
    rules: { '@typescript-eslint/no-base-to-string': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
