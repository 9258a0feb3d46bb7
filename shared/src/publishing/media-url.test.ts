import { describe, expect, it } from 'vitest';
import { checkMediaSignature, signMediaUrl, unreachableMediaReason } from './media-url';

const key = Buffer.alloc(32, 7);
const now = new Date('2026-12-01T10:00:00Z');
const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('signed media addresses', () => {
  it('accepts its own signature until it expires, then says expired', () => {
    const url = signMediaUrl('https://velvet.example', key, 'm-1', new Date(now.getTime() + 60_000));
    expect(url.startsWith('https://velvet.example/public/media/m-1?expires=')).toBe(true);
    expect(checkMediaSignature(key, 'm-1', queryOf(url), now)).toBe('ok');
    expect(checkMediaSignature(key, 'm-1', queryOf(url), new Date(now.getTime() + 61_000))).toBe('expired');
  });

  it('refuses another item, a moved expiry, another key and a missing signature', () => {
    const url = signMediaUrl('https://velvet.example', key, 'm-1', new Date(now.getTime() + 60_000));
    const query = queryOf(url);
    expect(checkMediaSignature(key, 'm-2', query, now)).toBe('forged');
    expect(
      checkMediaSignature(key, 'm-1', { ...query, expires: String(Number(query.expires) + 3600) }, now),
    ).toBe('forged');
    expect(checkMediaSignature(Buffer.alloc(32, 8), 'm-1', query, now)).toBe('forged');
    expect(checkMediaSignature(key, 'm-1', { expires: query.expires }, now)).toBe('forged');
    expect(checkMediaSignature(key, 'm-1', { expires: ['1'], signature: query.signature }, now)).toBe(
      'forged',
    );
  });
});

describe('whether a platform on the internet can fetch from PUBLIC_URL', () => {
  it('needs public HTTPS when the platform is on the internet', () => {
    expect(unreachableMediaReason('https://velvet.example', 'https://graph.instagram.com')).toBeUndefined();
    expect(unreachableMediaReason('http://velvet.example', 'https://graph.instagram.com')).toMatch(
      /public HTTPS/,
    );
    expect(unreachableMediaReason('https://localhost:8080', 'https://graph.facebook.com')).toMatch(
      /public HTTPS/,
    );
    expect(unreachableMediaReason('https://192.168.1.4', 'https://graph.facebook.com')).toMatch(
      /public HTTPS/,
    );
  });

  it('says nothing when the platform API is itself local (a stand-in)', () => {
    expect(unreachableMediaReason('http://127.0.0.1:8080', 'http://127.0.0.1:9100')).toBeUndefined();
  });
});
