// Types for scripts/ui-build.mjs, which runs before anything is installed and so stays plain JS.
export function uiPaths(root?: string): {
  ui: string;
  build: string;
  handler: string;
  stamp: string;
  marker: string;
};
export function inputsHash(root?: string): string;
export function isUpToDate(root?: string): boolean;
