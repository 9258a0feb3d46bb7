import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// In `vite dev`, set VELVET_HUB_URL (e.g. http://localhost:3000) to proxy /api to a running hub.
const hubUrl = process.env.VELVET_HUB_URL;

export default defineConfig({
  plugins: [tailwindcss(), sveltekit()],
  // Gzipping every chunk only to print its size costs seconds of each build; nobody reads it.
  build: { reportCompressedSize: false },
  server: hubUrl ? { proxy: { '/api': { target: hubUrl, changeOrigin: false } } } : undefined,
});
