import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Client, startTestHub, type TestHub } from './harness';

const OLD = 'old-scrape-token-0123456789abcdefghijklmnop';
const NEW = 'new-scrape-token-0123456789abcdefghijklmnop';
const digest = (token: string) => `sha256:${createHash('sha256').update(token).digest('hex')}`;

/** What Prometheus does: one GET with the token from its credentials file. */
async function scrape(hub: TestHub, token?: string) {
  const response = await fetch(`${hub.url}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('GET /metrics with the scrape token', () => {
  let rotating: TestHub;
  let rotated: TestHub;

  beforeAll(async () => {
    // Mid-rotation: the old token as given, the new one only as its digest.
    rotating = await startTestHub({ env: { METRICS_TOKEN: `${OLD},${digest(NEW)}` } });
    // Rotation done, the old token revoked; few failures allowed, to see the limit.
    rotated = await startTestHub({
      env: { METRICS_TOKEN: digest(NEW) },
      config: (config) => {
        config.auth.login.attempts_per_ip = 3;
      },
    });
  }, 60_000);
  afterAll(async () => {
    await rotating?.stop();
    await rotated?.stop();
  });

  it('lets Prometheus in with either token while rotating, and nobody with a wrong one', async () => {
    for (const token of [OLD, NEW]) {
      const answer = await scrape(rotating, token);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      expect(answer.text).toContain('velvet_queue_jobs{queue="');
    }
    expect((await scrape(rotating, `${OLD}x`)).status).toBe(401);
    expect((await scrape(rotating, digest(NEW))).status).toBe(401); // the digest is not the token
    expect((await scrape(rotating)).status).toBe(401);
  });

  it('refuses a revoked token, and signed-in users still scrape as before', async () => {
    expect((await scrape(rotated, OLD)).status).toBe(401);
    expect((await scrape(rotated, NEW)).status).toBe(200);

    const admin = new Client(rotated.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const asAdmin = await scrape(rotated, admin.token);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.text).toContain('velvet_queue_jobs{queue="');

    const chatter = await rotated.createUser('chatter@scrape.test', 'chatter');
    const asChatter = new Client(rotated.url);
    await asChatter.login(chatter.email, chatter.password);
    expect((await scrape(rotated, asChatter.token)).status).toBe(403);
  });

  it('stops answering an address after too many wrong tokens', async () => {
    // The test above spent one failure (the revoked token) from this address; 3 are allowed.
    expect((await scrape(rotated, 'guess-1')).status).toBe(401);
    expect((await scrape(rotated, 'guess-2')).status).toBe(401);
    const locked = await scrape(rotated, 'guess-3');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Locked out means locked out: the right token waits too, so guessing gains nothing.
    expect((await scrape(rotated, NEW)).status).toBe(429);
    // The other hub counts its own Redis prefix: unaffected.
    expect((await scrape(rotating, NEW)).status).toBe(200);
  });
});
