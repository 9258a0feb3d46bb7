import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Request, RequestHandler, Response } from 'express';
import { markRoutine } from './logger';

export const UI_HANDLER = fileURLToPath(new URL('../../inbox-ui/build/handler.js', import.meta.url));
/** Written by `scripts/ui-build.mjs` (`npm run build`) with its process id while it builds. */
export const UI_BUILD_MARKER = fileURLToPath(new URL('../../inbox-ui/.build-running', import.meta.url));

export interface UiFiles {
  handler: string;
  marker: string;
}
const FILES: UiFiles = { handler: UI_HANDLER, marker: UI_BUILD_MARKER };

/** The built SvelteKit app (adapter-node handler), when it has been built. */
export async function loadUi(handler = UI_HANDLER): Promise<RequestHandler | undefined> {
  if (!existsSync(handler)) return undefined;
  const module = (await import(pathToFileURL(handler).href)) as { handler: RequestHandler };
  return module.handler;
}

/** A build is running: the marker names a live process (a killed build leaves a stale one). */
function buildUnderway(marker: string): boolean {
  try {
    const pid = Number(readFileSync(marker, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the hub has an interface to serve, one on its way, or none. */
export function uiState(files: UiFiles = FILES): 'built' | 'building' | 'absent' {
  if (buildUnderway(files.marker)) return 'building';
  return existsSync(files.handler) ? 'built' : 'absent';
}

/**
 * The UI as the hub serves it: the built app, or, while it is being built (`npm run up` builds
 * it on a first start while the hub starts), a page that says so and reloads itself, then the
 * app once the build is complete.
 */
export async function loadUiWhenBuilt(files: UiFiles = FILES): Promise<RequestHandler> {
  if (uiState(files) === 'built') return (await loadUi(files.handler))!;
  let loading: Promise<RequestHandler> | undefined;
  return (req, res, next) => {
    if (!loading) {
      const state = uiState(files);
      if (state === 'building' && (req.method === 'GET' || req.method === 'HEAD') && req.accepts('html')) {
        return buildingPage(req, res);
      }
      if (state !== 'built') return next();
    }
    loading ??= loadUi(files.handler).then(
      (handler) => handler ?? Promise.reject(new Error('the UI build vanished')),
    );
    loading.then(
      (handler) => handler(req, res, next),
      (error: unknown) => {
        loading = undefined;
        next(error);
      },
    );
  };
}

const BUILDING = {
  en: {
    title: 'Velvet is getting ready',
    body: 'The interface is being built; on a first start this takes about a minute. This page reloads itself when it is ready.',
  },
  fr: {
    title: 'Velvet se prépare',
    body: 'L’interface est en cours de construction ; au premier démarrage, cela prend environ une minute. Cette page se recharge toute seule quand elle est prête.',
  },
} as const;

/** 503 with Retry-After: the answer is "not yet", and a meta refresh needs no script. */
function buildingPage(req: Request, res: Response) {
  const lang = req.acceptsLanguages('en', 'fr') === 'fr' ? 'fr' : 'en';
  const text = BUILDING[lang];
  // Every reload while the build runs would otherwise be logged as a server error.
  markRoutine(res);
  res
    .status(503)
    .set({
      'Retry-After': '3',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    })
    .type('html')
    .send(
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
        '<meta name="viewport" content="width=device-width, initial-scale=1">' +
        `<meta http-equiv="refresh" content="3"><title>${text.title}</title>` +
        '<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:20vh auto;padding:0 1rem;color:#1e293b}</style>' +
        `</head><body><h1>${text.title}</h1><p data-ui-building>${text.body}</p></body></html>`,
    );
}
