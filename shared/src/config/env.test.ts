import { describe, expect, it } from 'vitest';
import { loadEnv } from './env';

describe('loadEnv', () => {
  it('applies CONTRACT.md defaults', () => {
    const env = loadEnv({}, '/srv/velvet');
    expect(env.PORT).toBe(8080);
    expect(env.PUBLIC_URL).toBe('http://localhost:8080');
    expect(env.DATA_DIR).toBe('/srv/velvet/data');
    expect(env.MEDIA_DIR).toBe('/srv/velvet/data/media');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.OLLAMA_HOST).toBe('http://127.0.0.1:11434');
    expect(env.VELVET_CONFIG).toBe('/srv/velvet/config/velvet.yaml');
    expect(env.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
  });

  it('derives PUBLIC_URL from PORT and trims a trailing slash', () => {
    expect(loadEnv({ PORT: '9000' }).PUBLIC_URL).toBe('http://localhost:9000');
    expect(loadEnv({ PUBLIC_URL: 'https://velvet.example/' }).PUBLIC_URL).toBe('https://velvet.example');
  });

  it('keeps uploads under DATA_DIR unless MEDIA_DIR says otherwise', () => {
    expect(loadEnv({ DATA_DIR: '/var/velvet' }, '/srv').MEDIA_DIR).toBe('/var/velvet/media');
    expect(loadEnv({ MEDIA_DIR: 'uploads' }, '/srv').MEDIA_DIR).toBe('/srv/uploads');
    expect(loadEnv({ MEDIA_DIR: '' }, '/srv').MEDIA_DIR).toBe('/srv/data/media');
  });

  it('treats empty variables as unset', () => {
    expect(loadEnv({ DATABASE_URL: '', REDIS_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('accepts Sentinel, and Cluster with a hash-tagged key prefix', () => {
    const env = loadEnv({
      REDIS_URL: 'redis+sentinel://s1:26379,s2:26379/mymaster',
      VELVET_REDIS_PREFIX: '{velvet}',
    });
    expect(env.REDIS_URL).toBe('redis+sentinel://s1:26379,s2:26379/mymaster');
    expect(env.VELVET_REDIS_PREFIX).toBe('{velvet}');
    const cluster = loadEnv({
      REDIS_URL: 'redis+cluster://n1:7000,n2:7001',
      VELVET_REDIS_PREFIX: '{velvet}',
    });
    expect(cluster.REDIS_URL).toBe('redis+cluster://n1:7000,n2:7001');
  });

  it('takes a scrape token as given or as its digest, two while rotating', () => {
    const token = 'a'.repeat(32);
    const digest = `sha256:${'0f'.repeat(32)}`;
    expect(loadEnv({ METRICS_TOKEN: `${token},${digest}` }).METRICS_TOKEN).toBe(`${token},${digest}`);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT: /],
    [{ PORT: '70000' }, /PORT: must be between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /DATABASE_URL: must start with postgres:\/\//],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL: must be redis:\/\//],
    [{ REDIS_URL: 'redis+sentinel://s1:26379' }, /REDIS_URL: must be .*redis\+sentinel:\/\//],
    [{ VELVET_REDIS_PREFIX: 'velvet}' }, /VELVET_REDIS_PREFIX: letters, digits/],
    [{ REDIS_URL: 'redis+cluster://n1:7000,n2:7001' }, /VELVET_REDIS_PREFIX: must start with a hash tag/],
    [{ VELVET_SECRET: 'short' }, /VELVET_SECRET: must be at least 32 characters/],
    [{ VELVET_ADMIN_EMAIL: 'admin' }, /VELVET_ADMIN_EMAIL: must be an email address/],
    [{ OLLAMA_HOST: 'ftp://x' }, /OLLAMA_HOST: /],
    [{ VELVET_HUB_ID: 'Hub 1' }, /VELVET_HUB_ID: lowercase letters/],
    [{ LOG_SLOW_REQUEST_MS: '0' }, /LOG_SLOW_REQUEST_MS: must be at least 1/],
    [{ METRICS_TOKEN: 'too-short' }, /METRICS_TOKEN: must be a token of at least 32 characters/],
    [{ METRICS_TOKEN: 'sha256:abc' }, /METRICS_TOKEN: must be a token/],
  ])('names the bad key in %o', (source, message) => {
    expect(() => loadEnv(source)).toThrow(message);
  });
});
