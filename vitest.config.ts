import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['{shared,hub,workers,llm,platforms,bench}/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
        },
      },
      // The inbox UI's component tests, with the Svelte plugin and happy-dom.
      'inbox-ui/vitest.config.ts',
    ],
  },
});
