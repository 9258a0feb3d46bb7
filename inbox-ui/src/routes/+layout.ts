// Client-side app: served as static assets + SPA fallback by the Express hub.
export const ssr = false;
export const prerender = false;
