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

/**
 * The UI as the hub serves it: the built app, or, when it is not built yet (`npm run up`
 * builds it while the hub starts), a handler that passes until the build has written it.
 */
export async function loadUiWhenBuilt(): Promise<RequestHandler> {
  const built = await loadUi();
  if (built) return built;
  let loading: Promise<RequestHandler> | undefined;
  return (req, res, next) => {
    if (!loading && !existsSync(UI_HANDLER)) return next();
    loading ??= loadUi().then((handler) => handler ?? Promise.reject(new Error('the UI build vanished')));
    loading.then(
      (handler) => handler(req, res, next),
      (error: unknown) => {
        loading = undefined;
        next(error);
      },
    );
  };
}
