import { describe, expect, it } from 'vitest';
import { publiclyReachable } from './webhook-reach';

describe('whether a platform can reach the webhook address', () => {
  it('accepts HTTPS on a public name or address', () => {
    expect(publiclyReachable('https://velvet.example.com/webhooks/telegram/1')).toBe(true);
    expect(publiclyReachable('https://203.0.113.7/webhooks/onlyfans/1')).toBe(true);
  });

  it('refuses plain HTTP, loopback, private ranges and local names', () => {
    for (const url of [
      'http://velvet.example.com/webhooks/x/1',
      'https://localhost/webhooks/x/1',
      'https://127.0.0.1:8080/webhooks/x/1',
      'https://10.1.2.3/webhooks/x/1',
      'https://172.20.0.5/webhooks/x/1',
      'https://192.168.1.10/webhooks/x/1',
      'https://[::1]/webhooks/x/1',
      'https://[fd00::1]/webhooks/x/1',
      'https://velvet.local/webhooks/x/1',
      'https://velvet/webhooks/x/1',
      'not a url',
    ]) {
      expect(publiclyReachable(url), url).toBe(false);
    }
  });
});
