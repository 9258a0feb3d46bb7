import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, RateLimited } from '@velvet/shared';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** The one place errors become `{"error":{"code","message"}}`; never a stack trace. */
export const errorMapper: ErrorRequestHandler = (error, req, res, _next) => {
  if (error instanceof AppError) {
    if (error instanceof RateLimited) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    res.status(error.status).json(appErrorBody(error));
    return;
  }
  const parserError = error as BodyParserError;
  switch (parserError.type) {
    case 'entity.parse.failed':
      res
        .status(400)
        .json({ error: { code: 'invalid_json', message: 'The request body is not valid JSON' } });
      return;
    case 'entity.too.large':
      res
        .status(413)
        .json({ error: { code: 'payload_too_large', message: 'The request body is too large' } });
      return;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      res.status(415).json({ error: { code: 'unsupported_encoding', message: 'Unsupported body encoding' } });
      return;
  }
  // The router could not percent-decode a path parameter (`/api/drafts/%`, `%C0%AF`).
  if (error instanceof URIError) {
    res
      .status(400)
      .json({ error: { code: 'bad_request', message: 'The URL is not validly percent-encoded' } });
    return;
  }
  // Any other failure to read the request that its parser marks as the client's (a body whose
  // Content-Encoding does not match its bytes, an aborted upload): its own 4xx, never a 500.
  const readError = error as { expose?: unknown; status?: unknown; code?: unknown };
  if (
    readError.expose === true &&
    typeof readError.status === 'number' &&
    readError.status >= 400 &&
    readError.status < 500
  ) {
    const message =
      typeof readError.code === 'string' && readError.code.startsWith('Z_')
        ? 'The request body does not match its Content-Encoding'
        : 'The request could not be read';
    res.status(readError.status).json({ error: { code: 'bad_request', message } });
    return;
  }
  req.log?.error({ err: error }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on our side' } });
};

/** An `AppError`'s answer body (the lean webhook route answers with it too). */
export function appErrorBody(error: AppError): { error: Record<string, unknown> } {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.details !== undefined) body.details = error.details;
  return { error: body };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
};
