import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveKey, SecretBox } from './secret-box';
import { resolveSecret } from './secrets';

const box = new SecretBox(deriveKey('a-secret-that-is-long-enough-0123456789', 'credentials'));

describe('SecretBox (AES-256-GCM)', () => {
  it('round-trips JSON and never shows the plaintext', () => {
    const sealed = box.sealJson({ botToken: '123:ABC-token' });
    expect(sealed).not.toContain('ABC-token');
    expect(box.openJson(sealed)).toEqual({ botToken: '123:ABC-token' });
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses tampered values and other keys', () => {
    const sealed = box.seal('payload');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([...parts.slice(0, 3), flipped.toString('base64url')].join('.'))).toThrow();
    const other = new SecretBox(deriveKey('another-secret-that-is-long-enough-000', 'credentials'));
    expect(() => other.open(sealed)).toThrow();
    expect(() => box.open('garbage')).toThrow(/unknown format/);
  });

  it('derives independent keys per purpose', () => {
    expect(deriveKey('s'.repeat(40), 'jwt').equals(deriveKey('s'.repeat(40), 'credentials'))).toBe(false);
  });
});

describe('resolveSecret', () => {
  it('generates a secret once into DATA_DIR/secret with mode 0600, then reuses it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-secret-'));
    const first = resolveSecret(undefined, dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveSecret(undefined, dir)).toBe(first);
    expect(readFileSync(path.join(dir, 'secret'), 'utf8').trim()).toBe(first);
    expect(statSync(path.join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(resolveSecret('from-the-environment-0123456789abcdef', dir)).toBe(
      'from-the-environment-0123456789abcdef',
    );
  });
});
