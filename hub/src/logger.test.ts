import type { ServerResponse } from 'node:http';
import { startTime } from 'pino-http';
import { describe, expect, it } from 'vitest';
import { markRoutine, requestLogLevel } from './logger';

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
