import { describe, expect, it } from 'vitest';
import { retryAfterFromHeaders } from './instagram.graph';

describe('when Meta says to come back', () => {
  it('reads estimated_time_to_regain_access (minutes) from x-business-use-case-usage', () => {
    const headers = new Headers({
      'x-business-use-case-usage': JSON.stringify({
        '17841400000000001': [{ type: 'instagram', call_count: 100, estimated_time_to_regain_access: 12 }],
      }),
    });
    expect(retryAfterFromHeaders(headers)).toBe(12 * 60_000);
  });

  it('takes the longer of retry-after and the usage estimate', () => {
    const headers = new Headers({
      'retry-after': '1200',
      'x-business-use-case-usage': JSON.stringify({ a: [{ estimated_time_to_regain_access: 5 }] }),
    });
    expect(retryAfterFromHeaders(headers)).toBe(1_200_000);
  });

  it('waits when x-app-usage is at 100 %, not below', () => {
    expect(retryAfterFromHeaders(new Headers({ 'x-app-usage': '{"call_count":100,"total_time":3}' }))).toBe(
      15 * 60_000,
    );
    expect(
      retryAfterFromHeaders(new Headers({ 'x-app-usage': '{"call_count":80,"total_time":3}' })),
    ).toBeUndefined();
    expect(retryAfterFromHeaders(new Headers({ 'x-app-usage': 'not json' }))).toBeUndefined();
  });
});
