import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

const dir = import.meta.dirname;

// Component tests: Svelte compiled for the browser, run in happy-dom. SvelteKit's own plugin
// reads its config from the working directory (the repository root when `npm test` runs).
export default defineConfig({
  root: dir,
  plugins: [svelte({ configFile: path.join(dir, 'svelte.config.js') }), svelteTesting()],
  resolve: { alias: { $lib: path.join(dir, 'src/lib') } },
  test: {
    name: 'inbox-ui',
    include: ['src/**/*.test.ts'],
    environment: 'happy-dom',
  },
});
