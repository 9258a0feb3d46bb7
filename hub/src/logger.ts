import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { startTime } from 'pino-http';

export type { Logger };

/** Anything that could carry a secret is censored before a log line is written. */
export const REDACT_PATHS = [
  // Platforms authenticate webhooks with headers of their own: none is ever worth a log line.
  'req.headers.*',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'credentials',
  '*.credentials',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'botToken',
  '*.botToken',
  'apiKey',
  '*.apiKey',
  'appPassword',
  '*.appPassword',
  'webhookSecret',
  '*.webhookSecret',
];

/** How many causes deep a logged error is searched for query parameters. */
const CAUSE_DEPTH = 8;

/**
 * A failed query's error carries its parameters in its message and stack: a fan's words,
 * an update's raw body, a password's hash. The log keeps the SQL and the database's own
 * error (its `cause`), and says how many parameters were left out.
 */
function withoutQueryParams(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > CAUSE_DEPTH) return error;
  const failed = error as Error & { query?: unknown; params?: unknown };
  const cause = withoutQueryParams(error.cause, depth + 1);
  if (typeof failed.query === 'string' && Array.isArray(failed.params)) {
    const message = `Failed query: ${failed.query.replace(/\s+/g, ' ').trim()} (${failed.params.length} parameters not logged)`;
    const safe = new Error(message, { cause });
    safe.name = error.name;
    // The stack starts with the message, parameters included: only the frames after it stay.
    const head = `${error.name}: ${error.message}`;
    const frames = error.stack?.startsWith(head) ? error.stack.slice(head.length) : '';
    safe.stack = `${error.name}: ${message}${frames}`;
    return safe;
  }
  if (cause === error.cause) return error;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as Error, error, {
    cause,
  });
  copy.message = error.message;
  copy.stack = error.stack;
  return copy;
}

/** pino's error serializer, without the parameters of a failed query anywhere in the chain. */
export const serializeError = (error: unknown) => pino.stdSerializers.err(withoutQueryParams(error) as Error);

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'velvet' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    destination,
  );
}

/**
 * The level of a request's log line: server errors always, slow requests as warnings, the
 * rest (every 2xx, 3xx and 4xx in time) only at debug, so the default level stays quiet.
 */
const routine = Symbol('routine answer');

/** An answer that is expected despite its status (the 503 "interface being built" page). */
export function markRoutine(res: ServerResponse): void {
  (res as ServerResponse & { [routine]?: boolean })[routine] = true;
}

export function requestLogLevel(slowMs: number) {
  return (_req: IncomingMessage, res: ServerResponse, error?: Error): Level => {
    if ((res as ServerResponse & { [routine]?: boolean })[routine]) return 'debug';
    if (error || res.statusCode >= 500) return 'error';
    const started = (res as ServerResponse & { [startTime]?: number })[startTime];
    return started !== undefined && Date.now() - started >= slowMs ? 'warn' : 'debug';
  };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's X-Request-Id when it is a sane one, else a new id. */
export function requestId(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * pino-http's line for the hot paths (webhooks): the same request id header, levels and
 * fields, without a child logger built for every request; a line is only assembled when
 * its level is enabled.
 */
export function quietRequestLog(logger: Logger, slowMs: number): RequestHandler {
  return (req, res, next) => {
    // The error mapper logs an unhandled error through req.log.
    req.log = logger;
    logAnswer(logger, slowMs, req, res, req.originalUrl);
    next();
  };
}

/**
 * Gives `res` its X-Request-Id and logs its answer once finished (errors always, slow
 * answers as warnings, the rest at debug): `quietRequestLog` without Express.
 */
export function logAnswer(
  logger: Logger,
  slowMs: number,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
): string {
  const id = requestId(req.headers['x-request-id']);
  res.setHeader('X-Request-Id', id);
  const started = Date.now();
  res.once('finish', () => {
    const responseTime = Date.now() - started;
    const level: Level = res.statusCode >= 500 ? 'error' : responseTime >= slowMs ? 'warn' : 'debug';
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        req: { id, method: req.method, url },
        res: { statusCode: res.statusCode },
        responseTime,
      },
      'request completed',
    );
  });
  return id;
}

/**
 * Writes text to the logger's own destination, queued behind every line logged before: a
 * plain process.stdout.write can overtake log lines the destination is still writing.
 */
export function writeAfterLogs(logger: Logger, text: string): void {
  const stream = (logger as unknown as Record<symbol, { write(chunk: string): unknown } | undefined>)[
    pino.symbols.streamSym
  ];
  if (stream) stream.write(text);
  else process.stdout.write(text);
}
