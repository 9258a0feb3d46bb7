import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';

export const UI_HANDLER = fileURLToPath(new URL('../../inbox-ui/build/handler.js', import.meta.url));

/** The built SvelteKit app (adapter-node handler), when it has been built. */
export async function loadUi(): Promise<RequestHandler | undefined> {
  if (!existsSync(UI_HANDLER)) return undefined;
  const module = (await import(pathToFileURL(UI_HANDLER).href)) as { handler: RequestHandler };
  return module.handler;
}
