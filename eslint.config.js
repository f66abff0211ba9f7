// Lint: ESLint's and typescript-eslint's recommended rules, plus the project's own:
// no console output in shipped code (src/, devnet/src/, canisters/, cli/; tests and benchmarks may print).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', '**/.azle/', '**/dist/', '.fixtures/', 'tmp/', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Candid values decoded from the wire are untyped until validated; `any` marks those places.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/**/*.ts', 'devnet/src/**/*.ts', 'canisters/**/*.ts', 'cli/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.bench.ts'],
    rules: { 'no-console': 'error' },
  },
);
