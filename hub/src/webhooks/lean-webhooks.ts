import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError, RateLimited } from '@velvet/shared';
import type { Connectors } from '@velvet/platforms';
import { appErrorBody } from '../http/errors';
import { logAnswer, type Logger } from '../logger';
import { WEBHOOK_BODY_LIMIT, type WebhookHandler } from './webhooks.routes';

/** `/webhooks/<platform>/<account uuid>`, nothing percent-encoded, no query. */
const WEBHOOK_PATH = /^\/webhooks\/([a-z][a-z0-9_-]{0,31})\/([0-9A-Fa-f-]{36})$/;
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;

/**
 * The webhook hot path on the bare HTTP server, without Express's router and middleware
 * stack: a platform's plain JSON `POST /webhooks/:platform/:accountId` of a declared length
 * within the limit. It answers with the same security headers (the app's own helmet
 * middleware, its headers read once), X-Request-Id and log line, and the same error bodies.
 * Anything else (a compressed or chunked body, another content type, an oversized body, a
 * percent-encoded or unknown path) returns false and is left to Express, which answers it
 * as before.
 */
export function createLeanWebhooks(deps: {
  connectors: Connectors;
  handle: WebhookHandler;
  securityHeaders: RequestHandler;
  logger: Logger;
  slowMs: number;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const headers = staticHeaders(deps.securityHeaders);
  return (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/webhooks/')) return false;
    const path = WEBHOOK_PATH.exec(req.url);
    if (!path || path[1] === 'payments' || !deps.connectors.get(path[1]!)) return false;
    const type = req.headers['content-type'];
    const encoding = req.headers['content-encoding'];
    const length = Number(req.headers['content-length']);
    if (
      !type ||
      !PLAIN_JSON.test(type) ||
      (encoding !== undefined && encoding.toLowerCase() !== 'identity') ||
      req.headers['transfer-encoding'] !== undefined ||
      !(Number.isInteger(length) && length > 0 && length <= WEBHOOK_BODY_LIMIT)
    ) {
      return false;
    }
    for (const [name, value] of headers) res.setHeader(name, value);
    logAnswer(deps.logger, deps.slowMs, req, res, req.url);
    const [, platform, accountId] = path as unknown as [string, string, string];
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const rawBody = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      answer(platform, accountId, req.headers, rawBody).then(
        (body) => send(res, 200, body),
        (error: unknown) => fail(res, error),
      );
    });
    return true;
  };

  async function answer(
    platform: string,
    accountId: string,
    requestHeaders: IncomingHttpHeaders,
    rawBody: Buffer,
  ) {
    // As express.json (strict): an object or an array, a leading BOM dropped.
    let text = rawBody.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const first = /\S/.exec(text)?.[0];
    let body: unknown;
    try {
      if (first !== '{' && first !== '[') throw new SyntaxError('not an object or array');
      body = JSON.parse(text);
    } catch {
      throw new AppError(400, 'invalid_json', 'The request body is not valid JSON');
    }
    return deps.handle(platform, accountId, { headers: requestHeaders, rawBody, body });
  }

  function fail(res: ServerResponse, error: unknown) {
    if (error instanceof AppError) {
      if (error instanceof RateLimited) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      send(res, error.status, appErrorBody(error));
      return;
    }
    deps.logger.error({ err: error }, 'unhandled error');
    send(res, 500, { error: { code: 'internal', message: 'Something went wrong on our side' } });
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

/** The headers a middleware that only sets fixed headers (helmet) sets on every answer. */
function staticHeaders(middleware: RequestHandler): [string, string | number | readonly string[]][] {
  const set = new Map<string, string | number | readonly string[]>();
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => void set.set(name, value),
    removeHeader: (name: string) => void set.delete(name),
  };
  let called = false;
  middleware({ headers: {} } as never, res as never, () => (called = true));
  if (!called) throw new Error('the security headers middleware did not answer synchronously');
  return [...set];
}
