import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/build/**', '**/.svelte-kit/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      // Typed linting: each file is checked in the TypeScript project of its nearest tsconfig.json:
      // the root one, or inbox-ui's for the UI and its <script lang="ts"> (that one extends the
      // tsconfig `svelte-kit sync` writes, so the UI is built or checked first, as npm test does).
      parserOptions: {
        projectService: {
          // SvelteKit's tsconfig leaves the service worker out: it gets the root tsconfig's options
          // and the worker lib it references itself.
          allowDefaultProject: ['inbox-ui/src/service-worker.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      // In .svelte files it checks the <script>; handlers in the markup (onsubmit={save}) are not
      // JSX attributes to typescript-eslint, so an async one there is not reported.
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Tests read JSON responses loosely and assert on them.
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // Scripts and config files outside every tsconfig.json: linted without type information.
    files: ['**/*.js', '**/*.mjs', 'inbox-ui/vitest.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
);
