import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // Produces build/handler.js, which the Express hub mounts after its /api routes.
    adapter: adapter({ out: 'build' }),
  },
};

export default config;
