import type { ServerResponse } from 'node:http';
import { startTime } from 'pino-http';
import { describe, expect, it } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { createLogger, markRoutine, requestLogLevel } from './logger';

const response = (statusCode: number, ageMs: number) =>
  ({ statusCode, [startTime]: Date.now() - ageMs }) as unknown as ServerResponse;

describe('requestLogLevel', () => {
  const level = requestLogLevel(500);
  it('keeps requests in time below the default level, whatever their status', () => {
    for (const status of [200, 304, 401, 404]) expect(level({} as never, response(status, 10))).toBe('debug');
  });
  it('warns about a slow request and always reports a server error', () => {
    expect(level({} as never, response(200, 600))).toBe('warn');
    expect(level({} as never, response(503, 1))).toBe('error');
    expect(level({} as never, response(200, 1), new Error('boom'))).toBe('error');
  });
  it('keeps an expected 503 (the interface being built) out of the error log', () => {
    const building = response(503, 1);
    markRoutine(building);
    expect(level({} as never, building)).toBe('debug');
  });
});

describe('logged errors', () => {
  /** The lines a logger at `info` writes, parsed. */
  function capture() {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    return { logger, lines };
  }

  it("keep a failed query's SQL and the database's error, never its parameters", () => {
    const { logger, lines } = capture();
    const cause = Object.assign(new Error('timeout exceeded when trying to connect'), { code: 'ETIMEDOUT' });
    const failed = new DrizzleQueryError(
      'insert into messages (text, raw)\n  values ($1, $2)',
      ['Salut, je suis à la plage\n    at the beach', '{"first_name":"Alex"}', '$argon2id$v=19$secret-hash'],
      cause,
    );
    logger.error({ err: failed }, 'unhandled error');
    logger.error({ err: new Error('the job failed', { cause: failed }) }, 'job failed');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      for (const secret of ['plage', 'beach', 'Alex', 'argon2id', 'secret-hash'])
        expect(line).not.toContain(secret);
      expect(line).toContain('insert into messages (text, raw) values ($1, $2)');
      expect(line).toContain('3 parameters not logged');
      expect(line).toContain('timeout exceeded when trying to connect');
    }
    const logged = JSON.parse(lines[0]!) as { err: { type: string; stack: string } };
    expect(logged.err.type).toBe('Error');
    // The frames stay, to find where the query came from.
    expect(logged.err.stack).toMatch(/\n\s+at .*logger\.test\.ts/);
  });

  it('leave other errors as they were', () => {
    const { logger, lines } = capture();
    logger.error(
      { err: new Error('Ollama is unreachable', { cause: new Error('ECONNREFUSED') }) },
      'draft failed',
    );
    const logged = JSON.parse(lines[0]!) as { err: { message: string; stack: string } };
    expect(logged.err.message).toBe('Ollama is unreachable: ECONNREFUSED');
    expect(logged.err.stack).toContain('logger.test.ts');
  });
});
